package io.quiver.storage.segment;

/**
 * Encoder for DOUBLE columns: CONSTANT when every slot has the same bits; SPARSE (the non-null
 * values only) when at least half the rows are NULL; else PLAIN (raw IEEE-754 bits, so -0.0 and NaN
 * payloads survive). Zone maps ignore NaN and record its presence.
 *
 * <p>Why SPARSE: a mostly-NULL measure (a revenue column set on a few percent of events) stored
 * PLAIN is 64 KiB of repeated filler per 8192-row block that LZ4 squeezes well, but every read then
 * decompresses all of it: that decompression was most of the time of a GROUP BY summing such a
 * column. Its non-null values alone are a few KiB that need no decompression.
 */
final class DoubleCodec {
    private DoubleCodec() {
    }

    static Encoding encode(double[] values, boolean[] nulls, int rows, int nullCount, long[] bits, ByteSink out,
                           BlockStats stats) {
        if (nullCount == rows) {
            out.putLong(0);
            return Encoding.CONSTANT;
        }
        int first = 0;
        while (nulls[first]) {
            first++;
        }
        long prev = Double.doubleToRawLongBits(values[first]);
        boolean allSame = true;
        boolean bounds = false;
        boolean nan = false;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < rows; i++) {
            if (!nulls[i]) {
                double v = values[i];
                long b = Double.doubleToRawLongBits(v);
                allSame &= b == prev;
                prev = b;
                if (v != v) {
                    nan = true;
                } else {
                    bounds = true;
                    // plain comparisons: -0.0 and 0.0 are equal bounds to SQL
                    if (v < min) {
                        min = v;
                    }
                    if (v > max) {
                        max = v;
                    }
                }
            }
            bits[i] = prev; // a null slot repeats the previous non-null value
        }
        stats.hasBounds = bounds;
        stats.hasNaN = nan;
        stats.minDouble = bounds ? min : 0;
        stats.maxDouble = bounds ? max : 0;
        if (allSame) {
            out.putLong(prev);
            return Encoding.CONSTANT;
        }
        if (nullCount * 2 >= rows) { // 0 < nullCount < rows here, so the block has a null bitmap
            int at = out.skip(8 * (rows - nullCount));
            byte[] dst = out.array();
            for (int i = 0; i < rows; i++) {
                if (!nulls[i]) {
                    SegmentFormat.LONG_LE.set(dst, at, bits[i]);
                    at += 8;
                }
            }
            return Encoding.SPARSE;
        }
        int at = out.skip(8 * rows);
        byte[] dst = out.array();
        for (int i = 0; i < rows; i++) {
            SegmentFormat.LONG_LE.set(dst, at + 8 * i, bits[i]);
        }
        return Encoding.PLAIN;
    }
}
