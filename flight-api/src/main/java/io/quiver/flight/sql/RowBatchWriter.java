package io.quiver.flight.sql;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.List;

/**
 * Copies engine batches into one reused {@link VectorSchemaRoot} (the stream's), column by column
 * with bulk loops over the Arrow buffers: no per-row objects. Buffers are reallocated only when a
 * batch is larger than every batch before it, so a stream of equal batches allocates once.
 */
public final class RowBatchWriter {
    private final VectorSchemaRoot root;
    private final ColumnType[] types;

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
        int n = batch.rowCount();
        long bytes = 0;
        for (int c = 0; c < types.length; c++) {
            FieldVector v = root.getVector(c);
            ColumnVector src = batch.column(c);
            if (types[c] == ColumnType.VARCHAR) {
                writeStrings((VarCharVector) v, src, n);
            } else {
                writeFixed((BaseFixedWidthVector) v, types[c], src, n);
            }
            bytes += v.getBufferSize();
        }
        root.setRowCount(n);
        return bytes;
    }

    private static void writeFixed(BaseFixedWidthVector v, ColumnType t, ColumnVector src, int n) {
        if (v.getValueCapacity() < n) {
            v.allocateNew(Math.max(n, v.getValueCapacity() * 2));
        }
        writeValidity(v.getValidityBuffer(), src, n);
        ArrowBuf data = v.getDataBuffer();
        long[] longs = src.longs;
        switch (t) {
            case BOOLEAN -> {
                for (int i = 0; i < n; i += 8) {
                    int b = 0;
                    int end = Math.min(8, n - i);
                    for (int k = 0; k < end; k++) {
                        b |= (longs[i + k] != 0 ? 1 : 0) << k;
                    }
                    data.setByte(i >>> 3, b);
                }
            }
            case SMALLINT -> {
                for (int i = 0; i < n; i++) {
                    data.setShort((long) i << 1, (short) longs[i]);
                }
            }
            case INT, DATE -> {
                for (int i = 0; i < n; i++) {
                    data.setInt((long) i << 2, (int) longs[i]);
                }
            }
            case BIGINT, TIMESTAMP -> {
                for (int i = 0; i < n; i++) {
                    data.setLong((long) i << 3, longs[i]);
                }
            }
            case DOUBLE -> {
                double[] d = src.doubles;
                for (int i = 0; i < n; i++) {
                    data.setDouble((long) i << 3, d[i]);
                }
            }
            case VARCHAR -> throw new IllegalStateException("VARCHAR is not fixed width");
        }
        v.setValueCount(n);
    }

    private static void writeStrings(VarCharVector v, ColumnVector src, int n) {
        int base = src.offsets[0];
        int total = src.offsets[n] - base;
        if (v.getValueCapacity() < n || v.getByteCapacity() < total) {
            v.allocateNew(Math.max((long) total, v.getByteCapacity()), Math.max(n, v.getValueCapacity()));
        }
        writeValidity(v.getValidityBuffer(), src, n);
        ArrowBuf offsets = v.getOffsetBuffer();
        int[] o = src.offsets;
        for (int i = 0; i <= n; i++) {
            offsets.setInt((long) i << 2, o[i] - base);
        }
        if (total > 0) {
            v.getDataBuffer().setBytes(0, src.bytes, base, total);
        }
        v.setLastSet(n - 1); // every slot is written: setValueCount must not "fill holes" over the offsets
        v.setValueCount(n);
    }

    private static void writeValidity(ArrowBuf validity, ColumnVector src, int n) {
        int fullBytes = n >>> 3;
        if (!src.hasNulls) {
            validity.setOne(0, (n + 7) >>> 3);
            return;
        }
        boolean[] nulls = src.nulls;
        for (int byteIndex = 0; byteIndex < fullBytes; byteIndex++) {
            int i = byteIndex << 3;
            int b = (nulls[i] ? 0 : 1) | (nulls[i + 1] ? 0 : 2) | (nulls[i + 2] ? 0 : 4) | (nulls[i + 3] ? 0 : 8)
                    | (nulls[i + 4] ? 0 : 16) | (nulls[i + 5] ? 0 : 32) | (nulls[i + 6] ? 0 : 64) | (nulls[i + 7] ? 0 : 128);
            validity.setByte(byteIndex, b);
        }
        if ((n & 7) != 0) {
            int b = 0;
            for (int i = fullBytes << 3, k = 0; i < n; i++, k++) {
                b |= (nulls[i] ? 0 : 1) << k;
            }
            validity.setByte(fullBytes, b);
        }
    }
}
