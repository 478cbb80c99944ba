package io.quiver.flight.sql;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Copies engine batches into one reused {@link VectorSchemaRoot} (the stream's). Every call gives
 * the root's vectors <em>fresh</em> buffers (from the stream's allocator, pooled by Netty): the
 * buffers of the previous message may still be referenced by gRPC when Flight's zero-copy write is
 * on, so they are released by this root but never overwritten. Several engine batches may be
 * concatenated into one Arrow record batch (fewer, larger messages).
 *
 * <p>Copies are bulk: BIGINT/TIMESTAMP/DOUBLE arrays and VARCHAR bytes go over with one
 * {@code memcpy}-like call per column and batch; INT/DATE/SMALLINT are narrowed into a reused
 * scratch array first, VARCHAR offsets rebased into it, validity and BOOLEAN bits packed into a
 * reused scratch byte array (a run without NULLs is a fill). No per-value virtual calls, no per-row
 * objects; the scratch arrays grow to the largest message and are then reused.
 */
public final class RowBatchWriter {
    private final VectorSchemaRoot root;
    private final ColumnType[] types;
    private int[] scratchInts = new int[0];
    private byte[] scratchBits = new byte[0];

    /** {@code root} must have been created from {@link ArrowTypes#resultSchema} of {@code types}. */
    public RowBatchWriter(VectorSchemaRoot root, List<ColumnType> types) {
        this.root = root;
        this.types = types.toArray(new ColumnType[0]);
        if (root.getFieldVectors().size() != this.types.length) {
            throw new IllegalArgumentException("root and types differ [vectors=" + root.getFieldVectors().size()
                    + ", types=" + this.types.length + ']');
        }
    }

    public VectorSchemaRoot root() {
        return root;
    }

    /** Replaces the root's contents with {@code batch}; returns the Arrow bytes it now holds. */
    public long write(RowBatch batch) {
        return write(List.of(batch));
    }

    /** Replaces the root's contents with the rows of {@code batches}, in order; returns the Arrow bytes it now holds. */
    public long write(List<RowBatch> batches) {
        int rows = 0;
        for (RowBatch b : batches) {
            rows = Math.addExact(rows, b.rowCount());
        }
        long bytes = 0;
        for (int c = 0; c < types.length; c++) {
            FieldVector v = root.getVector(c);
            if (types[c] == ColumnType.VARCHAR) {
                writeStrings((VarCharVector) v, batches, c, rows);
            } else {
                writeFixed((BaseFixedWidthVector) v, types[c], batches, c, rows);
            }
            bytes += v.getBufferSize();
        }
        root.setRowCount(rows);
        return bytes;
    }

    private void writeFixed(BaseFixedWidthVector v, ColumnType t, List<RowBatch> batches, int c, int rows) {
        v.allocateNew(Math.max(rows, 1)); // releases the previous buffers (gRPC may still hold them) and zeroes the new ones
        ArrowBuf data = v.getDataBuffer();
        int at = 0;
        for (RowBatch b : batches) {
            ColumnVector src = b.column(c);
            int n = b.rowCount();
            switch (t) {
                case BIGINT, TIMESTAMP -> data.nioBuffer((long) at << 3, n << 3).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(src.longs, 0, n);
                case DOUBLE -> data.nioBuffer((long) at << 3, n << 3).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(src.doubles, 0, n);
                case INT, DATE -> {
                    int[] narrow = ints(n);
                    long[] longs = src.longs;
                    for (int i = 0; i < n; i++) {
                        narrow[i] = (int) longs[i];
                    }
                    data.nioBuffer((long) at << 2, n << 2).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(narrow, 0, n);
                }
                case SMALLINT -> {
                    long[] longs = src.longs;
                    for (int i = 0; i < n; i++) {
                        data.setShort((long) (at + i) << 1, (short) longs[i]);
                    }
                }
                case BOOLEAN -> {
                    // valid slots of a NULL hold 0 (ColumnVector's contract), so the NULL's value bit stays clear
                    byte[] bits = clearedBits(((n + 7) >>> 3) + 1);
                    long[] longs = src.longs;
                    int shift = at & 7;
                    for (int i = 0; i < n; i++) {
                        int k = i + shift;
                        bits[k >>> 3] |= (byte) ((longs[i] != 0 ? 1 : 0) << (k & 7));
                    }
                    orBits(data, at, bits, n + shift);
                }
                case VARCHAR -> throw new IllegalStateException("VARCHAR is not fixed width");
            }
            at += n;
        }
        writeValidity(v.getValidityBuffer(), batches, c, rows);
        v.setValueCount(rows);
    }

    private void writeStrings(VarCharVector v, List<RowBatch> batches, int c, int rows) {
        long total = 0;
        for (RowBatch b : batches) {
            ColumnVector src = b.column(c);
            total += src.offsets[b.rowCount()] - src.offsets[0];
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalStateException("string data of one record batch over 2 GiB [bytes=" + total + ']');
        }
        v.allocateNew(Math.max(total, 1), Math.max(rows, 1)); // fresh buffers, as for fixed-width columns
        ArrowBuf offsets = v.getOffsetBuffer();
        ArrowBuf data = v.getDataBuffer();
        int at = 0;
        int byteBase = 0;
        offsets.setInt(0, 0);
        for (RowBatch b : batches) {
            ColumnVector src = b.column(c);
            int n = b.rowCount();
            int[] o = src.offsets;
            int first = o[0];
            int len = o[n] - first;
            int[] rebased = ints(n);
            int delta = byteBase - first;
            for (int i = 0; i < n; i++) {
                rebased[i] = o[i + 1] + delta;
            }
            offsets.nioBuffer((long) (at + 1) << 2, n << 2).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(rebased, 0, n);
            if (len > 0) {
                data.setBytes(byteBase, src.bytes, first, len);
            }
            at += n;
            byteBase += len;
        }
        writeValidity(v.getValidityBuffer(), batches, c, rows);
        v.setLastSet(rows - 1); // every slot is written: setValueCount must not "fill holes" over the offsets
        v.setValueCount(rows);
    }

    /** Packs the validity of column {@code c} over all batches into the scratch bits, then copies them over in one call. */
    private void writeValidity(ArrowBuf validity, List<RowBatch> batches, int c, int rows) {
        int bytes = (rows + 7) >>> 3;
        byte[] bits = clearedBits(bytes);
        int at = 0;
        for (RowBatch b : batches) {
            ColumnVector src = b.column(c);
            int n = b.rowCount();
            if (!src.hasNulls) {
                setOnes(bits, at, at + n);
            } else {
                boolean[] nulls = src.nulls;
                for (int i = 0; i < n; i++) {
                    int k = at + i;
                    bits[k >>> 3] |= (byte) ((nulls[i] ? 0 : 1) << (k & 7));
                }
            }
            at += n;
        }
        validity.setBytes(0, bits, 0, bytes);
    }

    /** Sets bits {@code [from, to)}: partial bytes at the ends, a fill in between. */
    private static void setOnes(byte[] bits, int from, int to) {
        if (from >= to) {
            return;
        }
        int firstFull = (from + 7) >>> 3;
        int lastFull = to >>> 3; // exclusive
        if (firstFull > lastFull) { // the whole run sits inside one byte
            for (int k = from; k < to; k++) {
                bits[k >>> 3] |= (byte) (1 << (k & 7));
            }
            return;
        }
        for (int k = from; k < firstFull << 3; k++) {
            bits[k >>> 3] |= (byte) (1 << (k & 7));
        }
        Arrays.fill(bits, firstFull, lastFull, (byte) -1);
        for (int k = lastFull << 3; k < to; k++) {
            bits[k >>> 3] |= (byte) (1 << (k & 7));
        }
    }

    /** ORs {@code bitCount} packed bits into {@code dst} starting at the byte holding bit {@code at}. */
    private static void orBits(ArrowBuf dst, int at, byte[] bits, int bitCount) {
        int base = at >>> 3;
        int bytes = (bitCount + 7) >>> 3;
        for (int i = 0; i < bytes; i++) {
            if (bits[i] != 0) {
                dst.setByte(base + i, dst.getByte(base + i) | bits[i]);
            }
        }
    }

    private int[] ints(int n) {
        if (scratchInts.length < n) {
            scratchInts = new int[Math.max(n, scratchInts.length * 2)];
        }
        return scratchInts;
    }

    private byte[] clearedBits(int bytes) {
        if (scratchBits.length < bytes) {
            scratchBits = new byte[Math.max(bytes, scratchBits.length * 2)];
        } else {
            Arrays.fill(scratchBits, 0, bytes, (byte) 0);
        }
        return scratchBits;
    }
}
