package io.quiver.storage.segment;

/**
 * Encoder for LONG-physical columns (BOOLEAN, SMALLINT, INT, BIGINT, DATE, TIMESTAMP). Analyses the
 * block and writes the smallest of CONSTANT, FOR_BITPACK, DELTA_BITPACK and PLAIN (ties go to the
 * one that decodes faster: FOR before DELTA before PLAIN).
 *
 * <p>Null slots are encoded as the previous non-null value (the first non-null one for leading
 * nulls), so they neither widen the frame of reference nor add a large delta.
 */
final class LongCodec {
    /** base(8) + width(1). */
    static final int FOR_HEADER = 9;
    /** first(8) + minDelta(8) + width(1). */
    static final int DELTA_HEADER = 17;

    private LongCodec() {
    }

    /**
     * @param filled   scratch of at least {@code rows}: receives the values with null slots filled
     * @param deltas   scratch of at least {@code rows}
     */
    static Encoding encode(long[] values, boolean[] nulls, int rows, int nullCount, long[] filled, long[] deltas,
                           ByteSink out, BlockStats stats) {
        if (nullCount == rows) {
            stats.hasBounds = false;
            out.putLong(0);
            return Encoding.CONSTANT;
        }
        long[] src = values;
        if (nullCount > 0) {
            fillNullSlots(values, nulls, rows, filled);
            src = filled;
        }
        long min = src[0];
        long max = src[0];
        for (int i = 1; i < rows; i++) {
            long v = src[i];
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        stats.hasBounds = true;
        stats.minLong = min;
        stats.maxLong = max;
        if (min == max) {
            out.putLong(min);
            return Encoding.CONSTANT;
        }
        int forWidth = BitPacking.bitWidth(max - min);
        long forSize = FOR_HEADER + BitPacking.packedLength(rows, forWidth);

        // deltas wrap modulo 2^64 on purpose: decoding adds them back with the same wrap-around
        long minDelta = Long.MAX_VALUE;
        long maxDelta = Long.MIN_VALUE;
        for (int i = 1; i < rows; i++) {
            long d = src[i] - src[i - 1];
            deltas[i - 1] = d;
            minDelta = Math.min(minDelta, d);
            maxDelta = Math.max(maxDelta, d);
        }
        int deltaWidth = BitPacking.bitWidth(maxDelta - minDelta);
        long deltaSize = DELTA_HEADER + BitPacking.packedLength(rows - 1, deltaWidth);
        long plainSize = 8L * rows;

        if (forSize <= deltaSize && forSize < plainSize) {
            out.putLong(min);
            out.putByte(forWidth);
            BitPacking.pack(src, 0, rows, min, forWidth, out);
            return Encoding.FOR_BITPACK;
        }
        if (deltaSize < plainSize) {
            out.putLong(src[0]);
            out.putLong(minDelta);
            out.putByte(deltaWidth);
            BitPacking.pack(deltas, 0, rows - 1, minDelta, deltaWidth, out);
            return Encoding.DELTA_BITPACK;
        }
        int at = out.skip(8 * rows);
        byte[] dst = out.array();
        for (int i = 0; i < rows; i++) {
            SegmentFormat.LONG_LE.set(dst, at + 8 * i, src[i]);
        }
        return Encoding.PLAIN;
    }

    /** Copies values into {@code filled}, each null slot taking the previous non-null value. */
    static void fillNullSlots(long[] values, boolean[] nulls, int rows, long[] filled) {
        int first = 0;
        while (nulls[first]) {
            first++;
        }
        long prev = values[first];
        for (int i = 0; i < rows; i++) {
            if (!nulls[i]) {
                prev = values[i];
            }
            filled[i] = prev;
        }
    }
}
