package io.quiver.storage.segment;

import static io.quiver.storage.segment.SegmentFormat.LONG_LE;

/**
 * Fixed-width bit packing. Value {@code i} of width {@code w} occupies bits {@code [i*w, (i+1)*w)}
 * of a little-endian bit stream (bit {@code k} is bit {@code k & 7} of byte {@code k >>> 3}).
 *
 * <p>Unpacking reads one unaligned little-endian long per value and shifts/masks it: no branches
 * per value. Its source array must have {@link SegmentFormat#SCRATCH_PADDING} readable bytes after
 * the packed data.
 */
final class BitPacking {
    private BitPacking() {
    }

    /** Bits needed to hold {@code range} as an unsigned number (0 for 0, 64 for negative). */
    static int bitWidth(long range) {
        return 64 - Long.numberOfLeadingZeros(range);
    }

    /** Bytes taken by {@code count} values of {@code width} bits. */
    static long packedLength(int count, int width) {
        return ((long) count * width + 7) >>> 3;
    }

    /**
     * Appends {@code (values[i] - base)} for {@code i in [0, count)} packed at {@code width} bits.
     * Each difference must fit in {@code width} bits as an unsigned number.
     */
    static void pack(long[] values, int from, int count, long base, int width, ByteSink out) {
        int len = (int) packedLength(count, width);
        int at = out.skip(len);
        if (width == 0) {
            return;
        }
        byte[] dst = out.array();
        long acc = 0;
        int bits = 0;
        int pos = at;
        for (int i = from, end = from + count; i < end; i++) {
            long v = values[i] - base;
            acc |= v << bits; // bits < 64 here
            int total = bits + width;
            if (total >= 64) {
                LONG_LE.set(dst, pos, acc);
                pos += 8;
                // the bits of v that did not fit; v >>> 64 would be v itself, so bits == 0 is special
                acc = bits == 0 ? 0 : v >>> (64 - bits);
                bits = total - 64;
            } else {
                bits = total;
            }
        }
        for (; pos < at + len; pos++) {
            dst[pos] = (byte) acc;
            acc >>>= 8;
        }
    }

    /** Like {@link #pack(long[], int, int, long, int, ByteSink)} for int values with base 0. */
    static void packInts(int[] values, int count, int width, ByteSink out) {
        int len = (int) packedLength(count, width);
        int at = out.skip(len);
        if (width == 0) {
            return;
        }
        byte[] dst = out.array();
        long acc = 0;
        int bits = 0;
        int pos = at;
        for (int i = 0; i < count; i++) {
            long v = values[i] & 0xFFFF_FFFFL;
            acc |= v << bits;
            int total = bits + width;
            if (total >= 64) {
                LONG_LE.set(dst, pos, acc);
                pos += 8;
                acc = bits == 0 ? 0 : v >>> (64 - bits);
                bits = total - 64;
            } else {
                bits = total;
            }
        }
        for (; pos < at + len; pos++) {
            dst[pos] = (byte) acc;
            acc >>>= 8;
        }
    }

    /**
     * Writes {@code base + value} for {@code count} packed values starting at byte {@code srcOff}
     * of {@code src} into {@code dst[dstOff ..]}. Width 0..64.
     */
    static void unpack(byte[] src, int srcOff, int count, int width, long base, long[] dst, int dstOff) {
        switch (width) {
            case 0 -> java.util.Arrays.fill(dst, dstOff, dstOff + count, base);
            case 8 -> unpack8(src, srcOff, count, base, dst, dstOff);
            case 32 -> unpack32(src, srcOff, count, base, dst, dstOff);
            default -> {
                if (width <= 56) {
                    unpackNarrow(src, srcOff, count, width, base, dst, dstOff);
                } else {
                    unpackWide(src, srcOff, count, width, base, dst, dstOff);
                }
            }
        }
    }

    /**
     * Widths up to 56: a value plus its bit offset in the first byte (<= 7) fits in one long read.
     * Eight values take exactly {@code width} bytes, so values go eight at a time from a byte-aligned
     * group start with fixed byte offsets and shifts: no position arithmetic carried from value to value.
     */
    private static void unpackNarrow(byte[] src, int srcOff, int count, int width, long base, long[] dst, int dstOff) {
        long mask = (1L << width) - 1;
        int groups = count >>> 3;
        if (width <= 8) {
            unpackUpTo8(src, srcOff, groups, width, base, dst, dstOff);
        } else if (width <= 16) {
            unpackUpTo16(src, srcOff, groups, width, base, dst, dstOff);
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
            int at = srcOff;
            int d = dstOff;
            for (int g = 0; g < groups; g++, at += width, d += 8) {
                dst[d] = base + ((long) LONG_LE.get(src, at) & mask);
                dst[d + 1] = base + (((long) LONG_LE.get(src, at + o1) >>> h1) & mask);
                dst[d + 2] = base + (((long) LONG_LE.get(src, at + o2) >>> h2) & mask);
                dst[d + 3] = base + (((long) LONG_LE.get(src, at + o3) >>> h3) & mask);
                dst[d + 4] = base + (((long) LONG_LE.get(src, at + o4) >>> h4) & mask);
                dst[d + 5] = base + (((long) LONG_LE.get(src, at + o5) >>> h5) & mask);
                dst[d + 6] = base + (((long) LONG_LE.get(src, at + o6) >>> h6) & mask);
                dst[d + 7] = base + (((long) LONG_LE.get(src, at + o7) >>> h7) & mask);
            }
        }
        long bitPos = ((long) srcOff + (long) groups * width) << 3;
        for (int i = groups << 3; i < count; i++) {
            long word = (long) LONG_LE.get(src, (int) (bitPos >>> 3));
            dst[dstOff + i] = base + ((word >>> (bitPos & 7)) & mask);
            bitPos += width;
        }
    }

    /**
     * Widths 9..16: a group of eight values is two long reads, four values each. The second half
     * starts at bit 4 * width, that is at a byte boundary plus a shift of 0 or 4, and 4 + 4 * 15 <= 64
     * (width 16 has no shift).
     */
    private static void unpackUpTo16(byte[] src, int srcOff, int groups, int width, long base, long[] dst, int dstOff) {
        long mask = (1L << width) - 1;
        int half = (4 * width) >>> 3;
        int shift = (4 * width) & 7;
        int at = srcOff;
        int d = dstOff;
        for (int g = 0; g < groups; g++, at += width, d += 8) {
            long lo = (long) LONG_LE.get(src, at);
            long hi = (long) LONG_LE.get(src, at + half) >>> shift;
            dst[d] = base + (lo & mask);
            dst[d + 1] = base + ((lo >>> width) & mask);
            dst[d + 2] = base + ((lo >>> (2 * width)) & mask);
            dst[d + 3] = base + ((lo >>> (3 * width)) & mask);
            dst[d + 4] = base + (hi & mask);
            dst[d + 5] = base + ((hi >>> width) & mask);
            dst[d + 6] = base + ((hi >>> (2 * width)) & mask);
            dst[d + 7] = base + ((hi >>> (3 * width)) & mask);
        }
    }

    /** Widths 1..8: a group of eight values is one long read. */
    private static void unpackUpTo8(byte[] src, int srcOff, int groups, int width, long base, long[] dst, int dstOff) {
        long mask = (1L << width) - 1;
        int at = srcOff;
        int d = dstOff;
        for (int g = 0; g < groups; g++, at += width, d += 8) {
            long word = (long) LONG_LE.get(src, at);
            dst[d] = base + (word & mask);
            dst[d + 1] = base + ((word >>> width) & mask);
            dst[d + 2] = base + ((word >>> (2 * width)) & mask);
            dst[d + 3] = base + ((word >>> (3 * width)) & mask);
            dst[d + 4] = base + ((word >>> (4 * width)) & mask);
            dst[d + 5] = base + ((word >>> (5 * width)) & mask);
            dst[d + 6] = base + ((word >>> (6 * width)) & mask);
            dst[d + 7] = base + ((word >>> (7 * width)) & mask);
        }
    }

    /** Widths 57..64: the value may spill into a ninth byte. */
    private static void unpackWide(byte[] src, int srcOff, int count, int width, long base, long[] dst, int dstOff) {
        long mask = width == 64 ? -1L : (1L << width) - 1;
        long bitPos = (long) srcOff << 3;
        for (int i = 0; i < count; i++) {
            int at = (int) (bitPos >>> 3);
            int shift = (int) (bitPos & 7);
            long lo = (long) LONG_LE.get(src, at) >>> shift;
            // (x << 1) << (63 - shift) is x << (64 - shift), and 0 when shift == 0 (a single << 64 would not be)
            long hi = ((src[at + 8] & 0xFFL) << 1) << (63 - shift);
            dst[dstOff + i] = base + ((lo | hi) & mask);
            bitPos += width;
        }
    }

    private static void unpack8(byte[] src, int srcOff, int count, long base, long[] dst, int dstOff) {
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = base + (src[srcOff + i] & 0xFFL);
        }
    }

    private static void unpack32(byte[] src, int srcOff, int count, long base, long[] dst, int dstOff) {
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = base + ((int) SegmentFormat.INT_LE.get(src, srcOff + (i << 2)) & 0xFFFF_FFFFL);
        }
    }

    /**
     * Unpacks {@code count} values of width 0..32 into ints; returns the largest value seen. Eight
     * values at a time from a byte-aligned group start, as {@link #unpackNarrow} does: dictionary
     * codes and string lengths of every string block come through here. The maximum is taken per
     * group as a tree of eight, off the loop-carried path: a running maximum per value, or a second
     * pass over the values, cost more than the unpacking itself (the JIT does not vectorise either).
     */
    static int unpackInts(byte[] src, int srcOff, int count, int width, int[] dst) {
        if (width == 0) {
            java.util.Arrays.fill(dst, 0, count, 0);
            return 0;
        }
        // wider values (block dictionaries of over 65536 entries, strings over 64 KiB) are rare: value by value
        int groups = width <= 16 ? count >>> 3 : 0;
        int max = 0;
        if (width <= 8) {
            max = unpackIntsUpTo8(src, srcOff, groups, width, dst);
        } else if (width <= 16) {
            max = unpackIntsUpTo16(src, srcOff, groups, width, dst);
        }
        long mask = (1L << width) - 1;
        long bitPos = ((long) srcOff + (long) groups * width) << 3;
        for (int i = groups << 3; i < count; i++) {
            long word = (long) LONG_LE.get(src, (int) (bitPos >>> 3));
            int v = (int) ((word >>> (bitPos & 7)) & mask);
            dst[i] = v;
            max = Math.max(max, v);
            bitPos += width;
        }
        return max;
    }

    private static int max8(int v0, int v1, int v2, int v3, int v4, int v5, int v6, int v7) {
        return Math.max(Math.max(Math.max(v0, v1), Math.max(v2, v3)), Math.max(Math.max(v4, v5), Math.max(v6, v7)));
    }

    private static int unpackIntsUpTo8(byte[] src, int srcOff, int groups, int width, int[] dst) {
        int mask = (1 << width) - 1;
        int at = srcOff;
        int d = 0;
        int max = 0;
        for (int g = 0; g < groups; g++, at += width, d += 8) {
            long word = (long) LONG_LE.get(src, at);
            int v0 = (int) word & mask;
            int v1 = (int) (word >>> width) & mask;
            int v2 = (int) (word >>> (2 * width)) & mask;
            int v3 = (int) (word >>> (3 * width)) & mask;
            int v4 = (int) (word >>> (4 * width)) & mask;
            int v5 = (int) (word >>> (5 * width)) & mask;
            int v6 = (int) (word >>> (6 * width)) & mask;
            int v7 = (int) (word >>> (7 * width)) & mask;
            store8(dst, d, v0, v1, v2, v3, v4, v5, v6, v7);
            max = Math.max(max, max8(v0, v1, v2, v3, v4, v5, v6, v7));
        }
        return max;
    }

    private static void store8(int[] dst, int d, int v0, int v1, int v2, int v3, int v4, int v5, int v6, int v7) {
        dst[d] = v0;
        dst[d + 1] = v1;
        dst[d + 2] = v2;
        dst[d + 3] = v3;
        dst[d + 4] = v4;
        dst[d + 5] = v5;
        dst[d + 6] = v6;
        dst[d + 7] = v7;
    }

    private static int unpackIntsUpTo16(byte[] src, int srcOff, int groups, int width, int[] dst) {
        int mask = (1 << width) - 1;
        int half = (4 * width) >>> 3;
        int shift = (4 * width) & 7;
        int at = srcOff;
        int d = 0;
        int max = 0;
        for (int g = 0; g < groups; g++, at += width, d += 8) {
            long lo = (long) LONG_LE.get(src, at);
            long hi = (long) LONG_LE.get(src, at + half) >>> shift;
            int v0 = (int) lo & mask;
            int v1 = (int) (lo >>> width) & mask;
            int v2 = (int) (lo >>> (2 * width)) & mask;
            int v3 = (int) (lo >>> (3 * width)) & mask;
            int v4 = (int) hi & mask;
            int v5 = (int) (hi >>> width) & mask;
            int v6 = (int) (hi >>> (2 * width)) & mask;
            int v7 = (int) (hi >>> (3 * width)) & mask;
            store8(dst, d, v0, v1, v2, v3, v4, v5, v6, v7);
            max = Math.max(max, max8(v0, v1, v2, v3, v4, v5, v6, v7));
        }
        return max;
    }
}
