package io.quiver.storage.segment;

import static io.quiver.storage.segment.SegmentFormat.LONG_LE;

/**
 * Filters and sums computed on bit-packed values where they lie, without writing the block's
 * {@code long[]} first: a FOR block's value is {@code base + p}, so a range over values is a range
 * over the packed {@code p}, and a sum is {@code n * base + sum(p)}. Same layout and padding rules
 * as {@link BitPacking} (the source has {@link SegmentFormat#SCRATCH_PADDING} readable bytes after
 * the packed data). Widths 1..56 only; the callers decode wider blocks.
 */
final class PackedKernels {
    private PackedKernels() {
    }

    /** Widest packing the kernels below take: a value plus its bit offset fit in one long read. */
    static final int MAX_WIDTH = 56;

    /**
     * Sets {@code bits[r >>> 6]} bit {@code r & 63} to whether packed value {@code r} lies in
     * {@code [lo, hi]} (unsigned, both below {@code 2^width}), for every {@code r < count}; bits past
     * {@code count} in the last word are zero. Width 1..56.
     */
    static void inRange(byte[] src, int srcOff, int count, int width, long lo, long hi, long[] bits) {
        if (width == 1) {
            inRange1(src, srcOff, count, lo, hi, bits);
            return;
        }
        int words = (count + 63) >>> 6;
        int groups = count >>> 3;
        // per value: (p - lo) | (hi - p) is negative exactly when p is outside [lo, hi] (both < 2^56)
        int at = srcOff;
        long word = 0;
        int g = 0;
        if (width <= 8) {
            long mask = (1L << width) - 1;
            for (; g < groups; g++, at += width) {
                long w = (long) LONG_LE.get(src, at);
                long b = 0;
                for (int j = 0; j < 8; j++) {
                    long p = (w >>> (j * width)) & mask;
                    b |= (~((p - lo) | (hi - p)) >>> 63) << j;
                }
                word |= b << ((g & 7) << 3);
                if ((g & 7) == 7) {
                    bits[g >>> 3] = word;
                    word = 0;
                }
            }
        } else if (width <= 16) {
            // two long reads per eight values, four values each (as BitPacking's unpacking)
            long mask = (1L << width) - 1;
            int half = (4 * width) >>> 3;
            int shift = (4 * width) & 7;
            boolean eq = lo == hi;
            for (; g < groups; g++, at += width) {
                long w0 = (long) LONG_LE.get(src, at);
                long w1 = (long) LONG_LE.get(src, at + half) >>> shift;
                long b = 0;
                if (eq) {
                    // p == lo exactly when (p ^ lo) - 1 is negative (p ^ lo < 2^16)
                    for (int j = 0; j < 4; j++) {
                        b |= ((((w0 >>> (j * width)) & mask) ^ lo) - 1 >>> 63) << j;
                        b |= ((((w1 >>> (j * width)) & mask) ^ lo) - 1 >>> 63) << (j + 4);
                    }
                } else {
                    for (int j = 0; j < 4; j++) {
                        long p0 = (w0 >>> (j * width)) & mask;
                        long p1 = (w1 >>> (j * width)) & mask;
                        b |= (~((p0 - lo) | (hi - p0)) >>> 63) << j;
                        b |= (~((p1 - lo) | (hi - p1)) >>> 63) << (j + 4);
                    }
                }
                word |= b << ((g & 7) << 3);
                if ((g & 7) == 7) {
                    bits[g >>> 3] = word;
                    word = 0;
                }
            }
        } else {
            long mask = (1L << width) - 1;
            for (; g < groups; g++, at += width) {
                long b = 0;
                for (int j = 0; j < 8; j++) {
                    int bit = j * width;
                    long p = ((long) LONG_LE.get(src, at + (bit >>> 3)) >>> (bit & 7)) & mask;
                    b |= (~((p - lo) | (hi - p)) >>> 63) << j;
                }
                word |= b << ((g & 7) << 3);
                if ((g & 7) == 7) {
                    bits[g >>> 3] = word;
                    word = 0;
                }
            }
        }
        long mask = (1L << width) - 1;
        long bitPos = ((long) srcOff + (long) groups * width) << 3;
        for (int i = groups << 3; i < count; i++) {
            long p = ((long) LONG_LE.get(src, (int) (bitPos >>> 3)) >>> (bitPos & 7)) & mask;
            word |= (~((p - lo) | (hi - p)) >>> 63) << (i & 63);
            bitPos += width;
            if ((i & 63) == 63) {
                bits[i >>> 6] = word;
                word = 0;
            }
        }
        if ((count & 63) != 0) {
            bits[words - 1] = word;
        }
    }

    /** Width 1: 64 rows per word, and a range over {0, 1} keeps both, one, or neither. */
    private static void inRange1(byte[] src, int srcOff, int count, long lo, long hi, long[] bits) {
        boolean zero = lo == 0;
        boolean one = hi >= 1 && lo <= 1;
        int words = (count + 63) >>> 6;
        for (int w = 0; w < words; w++) {
            long packed = (long) LONG_LE.get(src, srcOff + (w << 3));
            bits[w] = zero ? (one ? -1L : ~packed) : (one ? packed : 0L);
        }
        if ((count & 63) != 0) {
            bits[words - 1] &= (1L << (count & 63)) - 1;
        }
    }

    /** Sum of {@code count} packed values of width 1..56 as unsigned numbers; exact while count * 2^width < 2^63. */
    static long sum(byte[] src, int srcOff, int count, int width) {
        long mask = (1L << width) - 1;
        int groups = count >>> 3;
        int at = srcOff;
        long s0 = 0;
        long s1 = 0;
        if (width == 8) {
            for (int i = 0; i < count; i++) {
                s0 += src[srcOff + i] & 0xFFL;
            }
            return s0;
        }
        if (width <= 8) {
            for (int g = 0; g < groups; g++, at += width) {
                long w = (long) LONG_LE.get(src, at);
                s0 += (w & mask) + ((w >>> width) & mask) + ((w >>> (2 * width)) & mask) + ((w >>> (3 * width)) & mask);
                s1 += ((w >>> (4 * width)) & mask) + ((w >>> (5 * width)) & mask) + ((w >>> (6 * width)) & mask)
                        + ((w >>> (7 * width)) & mask);
            }
        } else if (width <= 16) {
            int half = (4 * width) >>> 3;
            int shift = (4 * width) & 7;
            for (int g = 0; g < groups; g++, at += width) {
                long lo = (long) LONG_LE.get(src, at);
                long hi = (long) LONG_LE.get(src, at + half) >>> shift;
                s0 += (lo & mask) + ((lo >>> width) & mask) + ((lo >>> (2 * width)) & mask) + ((lo >>> (3 * width)) & mask);
                s1 += (hi & mask) + ((hi >>> width) & mask) + ((hi >>> (2 * width)) & mask) + ((hi >>> (3 * width)) & mask);
            }
        } else {
            int o1 = width >>> 3;
            int o2 = (2 * width) >>> 3;
            int o3 = (3 * width) >>> 3;
            int o4 = (4 * width) >>> 3;
            int o5 = (5 * width) >>> 3;
            int o6 = (6 * width) >>> 3;
            int o7 = (7 * width) >>> 3;
            int h1 = width & 7;
            int h2 = (2 * width) & 7;
            int h3 = (3 * width) & 7;
            int h4 = (4 * width) & 7;
            int h5 = (5 * width) & 7;
            int h6 = (6 * width) & 7;
            int h7 = (7 * width) & 7;
            for (int g = 0; g < groups; g++, at += width) {
                s0 += ((long) LONG_LE.get(src, at) & mask)
                        + (((long) LONG_LE.get(src, at + o1) >>> h1) & mask)
                        + (((long) LONG_LE.get(src, at + o2) >>> h2) & mask)
                        + (((long) LONG_LE.get(src, at + o3) >>> h3) & mask);
                s1 += (((long) LONG_LE.get(src, at + o4) >>> h4) & mask)
                        + (((long) LONG_LE.get(src, at + o5) >>> h5) & mask)
                        + (((long) LONG_LE.get(src, at + o6) >>> h6) & mask)
                        + (((long) LONG_LE.get(src, at + o7) >>> h7) & mask);
            }
        }
        long bitPos = ((long) srcOff + (long) groups * width) << 3;
        for (int i = groups << 3; i < count; i++) {
            s0 += ((long) LONG_LE.get(src, (int) (bitPos >>> 3)) >>> (bitPos & 7)) & mask;
            bitPos += width;
        }
        return s0 + s1;
    }

    /** Packed value {@code i} of width 1..56. */
    static long get(byte[] src, int srcOff, int i, int width) {
        long bitPos = ((long) srcOff << 3) + (long) i * width;
        return ((long) LONG_LE.get(src, (int) (bitPos >>> 3)) >>> (bitPos & 7)) & ((1L << width) - 1);
    }
}
