package io.quiver.flight.sql;

import io.quiver.query.ResultEncoder;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes result rows straight into Arrow record batches on the engine's worker threads (one
 * {@link Builder} per thread), so the copy into Arrow runs in parallel with the scan and the
 * stream's thread only loads finished batches into its root and sends them.
 *
 * <p>Buffers come from the stream's allocator <em>without</em> {@code allocateNew}'s zeroing: every
 * byte that goes on the wire is written (only the validity and BOOLEAN bitmaps, a 64th of the data,
 * are cleared first, because their bits are OR-ed in). A record batch gathers engine batches until
 * about {@code targetBytes} of Arrow data (fewer, larger messages); every batch gets fresh buffers,
 * since gRPC's zero-copy write keeps referencing a sent batch's buffers until they are on the socket.
 */
final class ArrowBatchEncoder implements ResultEncoder<ArrowRecordBatch> {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Rows of a builder's first record batch (times 4, at most) before the row width is known. */
    private static final int FIRST_CAPACITY_ROWS = 4096;
    /** Bytes of all ones, the source of a validity bitmap's runs of non-NULL rows. */
    private static final MemorySegment ONES = java.lang.foreign.Arena.global().allocate(8192).fill((byte) -1);

    private final BufferAllocator allocator;
    private final long targetBytes;

    ArrowBatchEncoder(BufferAllocator allocator, long targetBytes) {
        this.allocator = allocator;
        this.targetBytes = targetBytes;
    }

    @Override
    public Builder newPart(List<ColumnType> types) {
        return new Builder(types.toArray(new ColumnType[0]));
    }

    @Override
    public void discard(ArrowRecordBatch unit) {
        unit.close();
    }

    /** One thread's record batch under construction. */
    final class Builder implements ResultEncoder.Part<ArrowRecordBatch> {
        private final ColumnType[] types;
        private final Buffers[] bufs;
        private final int[] nullCounts;
        /** Bytes of string data written per VARCHAR column. */
        private final long[] stringBytes;
        private int rows;
        private int capacityRows;
        private int[] scratchInts = new int[0];
        private short[] scratchShorts = new short[0];
        private byte[] scratchBits = new byte[0];
        /** Arrow bytes per row of the last record batch: sizes the next one. */
        private double bytesPerRow;
        /** The record batch's validity bitmaps, fixed-width data and string offsets, in one allocation. */
        private ArrowBuf slab;

        Builder(ColumnType[] types) {
            this.types = types;
            int n = types.length;
            bufs = new Buffers[n];
            for (int c = 0; c < n; c++) {
                bufs[c] = new Buffers();
            }
            nullCounts = new int[n];
            stringBytes = new long[n];
        }

        @Override
        public ArrowRecordBatch append(ColumnVector[] cols, int count) {
            if (count == 0) {
                return null;
            }
            ArrowRecordBatch finished = null;
            if (rows > 0 && rows + count > capacityRows) {
                finished = flush();
            }
            if (rows == 0) {
                allocate(cols, count);
            }
            for (int c = 0; c < types.length; c++) {
                appendColumn(c, cols[c], count);
            }
            rows += count;
            if (finished == null && bytes() >= targetBytes) {
                finished = flush();
            }
            return finished;
        }

        /** Arrow bytes of the rows gathered so far. */
        private long bytes() {
            long b = 0;
            for (int c = 0; c < types.length; c++) {
                b += ((rows + 7) >>> 3) + dataBytes(c, rows);
            }
            return b;
        }

        private long dataBytes(int c, int n) {
            return switch (types[c]) {
                case BOOLEAN -> (n + 7) >>> 3;
                case SMALLINT -> 2L * n;
                case INT, DATE -> 4L * n;
                case BIGINT, TIMESTAMP, INTERVAL, DOUBLE -> 8L * n;
                case VARCHAR -> 4L * (n + 1) + stringBytes[c];
            };
        }

        /** Fresh buffers for a record batch of about {@code targetBytes}, sized from the last one's rows (or this batch's). */
        private void allocate(ColumnVector[] cols, int count) {
            double perRow = bytesPerRow;
            if (perRow == 0) {
                perRow = 0;
                for (int c = 0; c < types.length; c++) {
                    perRow += types[c] == ColumnType.VARCHAR
                            ? 4 + (double) (cols[c].offsets[count] - cols[c].offsets[0]) / count
                            : Math.max(1, dataBytes(c, 8) / 8.0);
                }
            }
            long wanted = Math.min((long) (targetBytes / perRow), bytesPerRow == 0 ? FIRST_CAPACITY_ROWS * 4L : Integer.MAX_VALUE / 16);
            // 2^k rows: the engine's batches are 2^j rows (4096, or a segment block's 8192), so a whole number
            // of them fills the record batch. At 2^k - 1 rows (which kept the VARCHAR offsets, (rows + 1) * 4
            // bytes, inside one power-of-two block) an 8192-row batch left a 16383-row batch half empty: twice
            // the messages, and the string bytes copied again into a buffer of their size on the way out
            capacityRows = Math.max(count, Integer.highestOneBit((int) Math.max(FIRST_CAPACITY_ROWS, wanted)));
            slab = allocator.buffer(slabBytes(capacityRows));
            placeInSlab(slab, capacityRows, false);
            for (int c = 0; c < types.length; c++) {
                Buffers b = bufs[c];
                b.validity.setZero(0, b.validity.capacity());
                b.validitySeg = view(b.validity);
                nullCounts[c] = 0;
                if (types[c] == ColumnType.VARCHAR) {
                    b.offsets.setInt(0, 0);
                    b.offsetsSeg = view(b.offsets);
                    long avg = Math.max(1, (cols[c].offsets[count] - cols[c].offsets[0]) / count);
                    b.data = allocator.buffer(allocator.getRoundingPolicy().getRoundedSize(Math.max(1, avg * capacityRows)));
                    b.dataOwned = true;
                    stringBytes[c] = 0;
                } else {
                    b.dataOwned = false;
                    if (types[c] == ColumnType.BOOLEAN) {
                        b.data.setZero(0, b.data.capacity());
                    }
                }
                b.dataSeg = view(b.data);
            }
        }

        /**
         * Bytes of one allocation holding every column's validity bitmap, fixed-width data and string
         * offsets for {@code rows} rows, each part starting on an 8-byte boundary. One allocation (and
         * one free, on the event loop once the batch is written) per record batch instead of two or
         * three per column: ~27,000 fewer of each per 10 M-row read. String bytes, whose size is only
         * known as rows arrive, keep buffers of their own.
         */
        private long slabBytes(int rows) {
            long total = 0;
            for (int c = 0; c < types.length; c++) {
                total += align8((rows + 7) >>> 3) + align8(fixedPartBytes(c, rows));
            }
            return total;
        }

        /** Column {@code c}'s second part of the slab for {@code rows} rows: string offsets for VARCHAR, else its data. */
        private long fixedPartBytes(int c, int rows) {
            return types[c] == ColumnType.VARCHAR ? 4L * (rows + 1) : Math.max(1, dataBytes(c, rows));
        }

        /**
         * Points every column's bitmap and fixed part at its place in {@code target}, laid out for
         * {@code rows} rows ({@link #slabBytes}); with {@code copy}, first moves the bytes the current
         * parts hold for those rows there.
         */
        private void placeInSlab(ArrowBuf target, int rows, boolean copy) {
            long at = 0;
            for (int c = 0; c < types.length; c++) {
                Buffers b = bufs[c];
                long bitmapBytes = (rows + 7) >>> 3;
                if (copy) {
                    target.setBytes(at, b.validity, 0, bitmapBytes);
                }
                b.validity = target.slice(at, bitmapBytes);
                at += align8(bitmapBytes);
                long partBytes = fixedPartBytes(c, rows);
                boolean strings = types[c] == ColumnType.VARCHAR;
                if (copy) {
                    target.setBytes(at, strings ? b.offsets : b.data, 0, partBytes);
                }
                if (strings) {
                    b.offsets = target.slice(at, partBytes);
                } else {
                    b.data = target.slice(at, partBytes);
                }
                at += align8(partBytes);
            }
        }

        private void appendColumn(int c, ColumnVector src, int n) {
            int at = rows;
            MemorySegment seg = bufs[c].dataSeg;
            switch (types[c]) {
                case BIGINT, TIMESTAMP, INTERVAL -> MemorySegment.copy(src.longs, 0, seg, LONG_LE, (long) at << 3, n);
                case DOUBLE -> MemorySegment.copy(src.doubles, 0, seg, DOUBLE_LE, (long) at << 3, n);
                case INT, DATE -> {
                    int[] narrow = ints(n);
                    long[] longs = src.longs;
                    for (int i = 0; i < n; i++) {
                        narrow[i] = (int) longs[i];
                    }
                    MemorySegment.copy(narrow, 0, seg, INT_LE, (long) at << 2, n);
                }
                case SMALLINT -> {
                    short[] narrow = shorts(n);
                    long[] longs = src.longs;
                    for (int i = 0; i < n; i++) {
                        narrow[i] = (short) longs[i];
                    }
                    MemorySegment.copy(narrow, 0, seg, SHORT_LE, (long) at << 1, n);
                }
                case BOOLEAN -> {
                    // valid slots of a NULL hold 0 (ColumnVector's contract), so the NULL's value bit stays clear
                    byte[] bits = bitScratch(n);
                    packTrue(src.longs, n, bits);
                    orBits(seg, at, shiftBits(bits, n, at & 7), n + (at & 7));
                }
                case VARCHAR -> appendStrings(c, src, n);
            }
            appendValidity(c, src, n);
        }

        private void appendStrings(int c, ColumnVector src, int n) {
            int[] o = src.offsets;
            int first = o[0];
            int len = o[n] - first;
            long base = stringBytes[c];
            if (base + len > Integer.MAX_VALUE) {
                throw new IllegalStateException("string data of one record batch over 2 GiB [bytes=" + (base + len) + ']');
            }
            if (base + len > bufs[c].data.capacity()) {
                grow(c, base + len);
            }
            int[] rebased = ints(n);
            int delta = (int) base - first;
            for (int i = 0; i < n; i++) {
                rebased[i] = o[i + 1] + delta;
            }
            MemorySegment.copy(rebased, 0, bufs[c].offsetsSeg, INT_LE, (long) (rows + 1) << 2, n);
            if (len > 0) {
                MemorySegment.copy(src.bytes, first, bufs[c].dataSeg, ValueLayout.JAVA_BYTE, base, len);
            }
            stringBytes[c] = base + len;
        }

        /** Moves a VARCHAR column's bytes into a buffer at least {@code needed} long (half again, to grow rarely). */
        private void grow(int c, long needed) {
            ArrowBuf bigger = allocator.buffer(allocator.getRoundingPolicy().getRoundedSize(
                    Math.min(Integer.MAX_VALUE, Math.max(needed, bufs[c].data.capacity() + (bufs[c].data.capacity() >> 1)))));
            bigger.setBytes(0, bufs[c].data, 0, stringBytes[c]);
            bufs[c].data.close();
            bufs[c].data = bigger;
            bufs[c].dataSeg = view(bigger);
        }

        private void appendValidity(int c, ColumnVector src, int n) {
            MemorySegment v = bufs[c].validitySeg;
            int at = rows;
            if (!src.hasNulls) {
                setOnes(v, at, at + n);
                return;
            }
            byte[] bits = bitScratch(n);
            nullCounts[c] += n - packValid(src.nulls, n, bits);
            orBits(v, at, shiftBits(bits, n, at & 7), n + (at & 7));
        }

        @Override
        public ArrowRecordBatch flush() {
            if (rows == 0) {
                return null;
            }
            if (rows * 2L < capacityRows && slab.capacity() > 4096) {
                compactSlab();
            }
            List<ArrowFieldNode> nodes = new ArrayList<>(types.length);
            List<ArrowBuf> buffers = new ArrayList<>(types.length * 3);
            for (int c = 0; c < types.length; c++) {
                nodes.add(new ArrowFieldNode(rows, nullCounts[c]));
                buffers.add(bufs[c].validity.writerIndex((rows + 7) >>> 3));
                if (types[c] == ColumnType.VARCHAR) {
                    buffers.add(bufs[c].offsets.writerIndex(4L * (rows + 1)));
                    buffers.add(bufs[c].data = fitted(bufs[c].data, stringBytes[c]));
                } else {
                    buffers.add(bufs[c].data.writerIndex(dataBytes(c, rows)));
                }
            }
            ArrowRecordBatch batch;
            try {
                batch = new ArrowRecordBatch(rows, nodes, buffers); // takes its own reference to every buffer
            } finally {
                bytesPerRow = (double) bytes() / rows;
                release();
            }
            return batch;
        }

        /**
         * A string buffer with its first {@code used} bytes readable; moved into a buffer of its size
         * when it fills less than half of it (see {@link #compactSlab}).
         */
        private ArrowBuf fitted(ArrowBuf buf, long used) {
            if (used >= buf.capacity() >> 1 || buf.capacity() <= 4096) {
                return buf.writerIndex(used);
            }
            ArrowBuf exact = allocator.buffer(Math.max(1, used));
            exact.setBytes(0, buf, 0, used);
            buf.close();
            return exact.writerIndex(used);
        }

        /**
         * Moves the rows gathered so far into a slab of their size. A record batch shipped early (the
         * stream was waiting) may stay referenced by gRPC until the client reads it: it should hold
         * its rows' memory, not a full batch's capacity.
         */
        private void compactSlab() {
            ArrowBuf exact = allocator.buffer(slabBytes(rows));
            placeInSlab(exact, rows, true);
            slab.close();
            slab = exact;
        }

        @Override
        public void close() {
            release();
        }

        private void release() {
            for (Buffers b : bufs) {
                b.release();
            }
            if (slab != null) {
                slab.close(); // the slices in a record batch keep their own references
                slab = null;
            }
            rows = 0;
        }

        private int[] ints(int n) {
            if (scratchInts.length < n) {
                scratchInts = new int[Math.max(n, scratchInts.length * 2)];
            }
            return scratchInts;
        }

        private short[] shorts(int n) {
            if (scratchShorts.length < n) {
                scratchShorts = new short[Math.max(n, scratchShorts.length * 2)];
            }
            return scratchShorts;
        }

        /** Room for {@code n} packed bits plus one byte of carry when they are shifted; not cleared (every byte used is written). */
        private byte[] bitScratch(int n) {
            int bytes = ((n + 7) >>> 3) + 1;
            if (scratchBits.length < bytes) {
                scratchBits = new byte[Math.max(bytes, scratchBits.length * 2)];
            }
            return scratchBits;
        }
    }

    /**
     * One column's buffers of the record batch under construction, with views of them made once per
     * buffer: the column copies go straight from the engine's arrays into Arrow memory (one bounds
     * check per copy), instead of through a fresh typed {@code nioBuffer} view per engine batch and
     * column, and the bitmaps are written without ArrowBuf's per-byte checks. Fields of one holder per
     * column rather than arrays of views: storing a {@code MemorySegment} (an interface) into a
     * {@code MemorySegment[]} needs a type check that C2 speculated on and then deoptimized, 4-6
     * recompiles of {@code allocate} (~1 CPU-s of JIT) during the first hot reads (JFR).
     */
    private static final class Buffers {
        /** Slices of the builder's slab: released with it, never on their own. */
        ArrowBuf validity;
        ArrowBuf offsets;
        /** A slice of the slab, or (VARCHAR: {@link #dataOwned}) a buffer of its own. */
        ArrowBuf data;
        boolean dataOwned;
        MemorySegment validitySeg;
        MemorySegment dataSeg;
        MemorySegment offsetsSeg;

        void release() {
            if (data != null && dataOwned) {
                data.close();
            }
            validity = null;
            data = null;
            offsets = null;
            validitySeg = null;
            dataSeg = null;
            offsetsSeg = null;
        }
    }

    private static long align8(long bytes) {
        return (bytes + 7) & ~7L;
    }

    /** A view of all of {@code buf}'s memory; it keeps no reference: valid while the buffer is open. */
    private static MemorySegment view(ArrowBuf buf) {
        return MemorySegment.ofBuffer(buf.nioBuffer(0, (int) buf.capacity()));
    }

    /** Sets bits {@code [from, to)} of a cleared bitmap: partial bytes at the ends, a fill in between. */
    private static void setOnes(MemorySegment bits, int from, int to) {
        int firstFull = (from + 7) >>> 3;
        int lastFull = to >>> 3; // exclusive
        if (firstFull > lastFull) { // the whole run sits inside one byte
            for (int k = from; k < to; k++) {
                setBit(bits, k);
            }
            return;
        }
        for (int k = from; k < firstFull << 3; k++) {
            setBit(bits, k);
        }
        if (lastFull > firstFull) {
            // copied from a segment of ones rather than set with ArrowBuf.setOne, which first reads the buffer's
            // reference count to check it is live (5.8% of the workers' JFR samples once a batch's buffers
            // shared one count); a slice of the segment per call cost more than a copy
            for (long at = firstFull, end = lastFull; at < end; at += ONES.byteSize()) {
                MemorySegment.copy(ONES, 0, bits, at, Math.min(ONES.byteSize(), end - at));
            }
        }
        for (int k = lastFull << 3; k < to; k++) {
            setBit(bits, k);
        }
    }

    /*
     * Bitmaps are packed a byte (8 rows) at a time into a scratch array and then shifted to the bit the
     * record batch has reached. Setting one bit per row with a read-modify-write of its byte made each
     * row wait on the previous row's store to the same byte.
     */

    /** Bit i of {@code bits} = {@code values[i] != 0} (a BOOLEAN column's data), for i < n; the last byte's bits past n are 0. */
    static void packTrue(long[] values, int n, byte[] bits) {
        int full = n & ~7;
        for (int i = 0; i < full; i += 8) {
            bits[i >>> 3] = (byte) (nonZero(values[i]) | nonZero(values[i + 1]) << 1 | nonZero(values[i + 2]) << 2
                    | nonZero(values[i + 3]) << 3 | nonZero(values[i + 4]) << 4 | nonZero(values[i + 5]) << 5
                    | nonZero(values[i + 6]) << 6 | nonZero(values[i + 7]) << 7);
        }
        if (full < n) {
            int b = 0;
            for (int i = full; i < n; i++) {
                b |= nonZero(values[i]) << (i - full);
            }
            bits[full >>> 3] = (byte) b;
        }
    }

    /** Bit i of {@code bits} = {@code !nulls[i]}, for i < n; the last byte's bits past n are 0. Returns the count of set bits. */
    static int packValid(boolean[] nulls, int n, byte[] bits) {
        int full = n & ~7;
        int valid = 0;
        for (int i = 0; i < full; i += 8) {
            int b = valid(nulls[i]) | valid(nulls[i + 1]) << 1 | valid(nulls[i + 2]) << 2 | valid(nulls[i + 3]) << 3
                    | valid(nulls[i + 4]) << 4 | valid(nulls[i + 5]) << 5 | valid(nulls[i + 6]) << 6 | valid(nulls[i + 7]) << 7;
            bits[i >>> 3] = (byte) b;
            valid += Integer.bitCount(b);
        }
        if (full < n) {
            int b = 0;
            for (int i = full; i < n; i++) {
                b |= valid(nulls[i]) << (i - full);
            }
            bits[full >>> 3] = (byte) b;
            valid += Integer.bitCount(b);
        }
        return valid;
    }

    private static int nonZero(long v) {
        return (int) ((v | -v) >>> 63);
    }

    private static int valid(boolean isNull) {
        return isNull ? 0 : 1;
    }

    /**
     * Shifts {@code n} packed bits left by {@code shift} (< 8) in place, so that they start at bit
     * {@code shift} of byte 0 (bits below it clear), as {@link #orBits} takes them; {@code bits} has
     * one spare byte for the carry.
     */
    static byte[] shiftBits(byte[] bits, int n, int shift) {
        if (shift == 0) {
            return bits;
        }
        int bytes = (n + 7) >>> 3;
        int carry = 0;
        for (int j = 0; j < bytes; j++) {
            int v = (bits[j] & 0xff) << shift | carry;
            bits[j] = (byte) v;
            carry = v >>> 8;
        }
        bits[bytes] = (byte) carry;
        return bits;
    }

    private static void setBit(MemorySegment bits, int k) {
        bits.set(ValueLayout.JAVA_BYTE, k >>> 3, (byte) (bits.get(ValueLayout.JAVA_BYTE, k >>> 3) | (1 << (k & 7))));
    }

    /** ORs {@code bitCount} packed bits into {@code dst} starting at the byte holding bit {@code at}. */
    private static void orBits(MemorySegment dst, int at, byte[] bits, int bitCount) {
        int base = at >>> 3;
        int bytes = (bitCount + 7) >>> 3;
        // only the first byte can hold earlier rows' bits (the rest of the bitmap is still clear)
        dst.set(ValueLayout.JAVA_BYTE, base, (byte) (dst.get(ValueLayout.JAVA_BYTE, base) | bits[0]));
        if (bytes > 1) {
            MemorySegment.copy(bits, 1, dst, ValueLayout.JAVA_BYTE, base + 1, bytes - 1);
        }
    }
}
