package io.quiver.storage.memtable;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Bit operations on a chunk's null bitmap (bit {@code i} of the bitmap is row {@code i} of the
 * chunk, set = NULL). Works a 64-bit word at a time; bits outside the given range are preserved.
 */
final class NullBitmap {
    private NullBitmap() {
    }

    /** Mask of bits {@code [from, to)} inside one word, {@code 0 <= from < to <= 64}. */
    private static long rangeMask(int from, int to) {
        long width = to - from == 64 ? -1L : (1L << (to - from)) - 1;
        return width << from;
    }

    /** Copies {@code nulls[srcPos .. srcPos+len)} into bits {@code [firstBit, firstBit+len)}; returns how many were set. */
    static int write(MemorySegment chunk, long bitmapOffset, int firstBit, boolean[] nulls, int srcPos, int len) {
        int count = 0;
        int bit = firstBit;
        int end = firstBit + len;
        while (bit < end) {
            int word = bit >>> 6;
            int wordEnd = Math.min(end, (word + 1) << 6);
            long bits = 0;
            for (int b = bit, s = srcPos + (bit - firstBit); b < wordEnd; b++, s++) {
                if (nulls[s]) {
                    bits |= 1L << (b & 63);
                }
            }
            long mask = rangeMask(bit & 63, ((wordEnd - 1) & 63) + 1);
            long at = bitmapOffset + ((long) word << 3);
            chunk.set(JAVA_LONG, at, (chunk.get(JAVA_LONG, at) & ~mask) | bits);
            count += Long.bitCount(bits);
            bit = wordEnd;
        }
        return count;
    }

    /** Sets ({@code value} true) or clears bits {@code [firstBit, firstBit+len)}. */
    static void fill(MemorySegment chunk, long bitmapOffset, int firstBit, int len, boolean value) {
        int bit = firstBit;
        int end = firstBit + len;
        while (bit < end) {
            int word = bit >>> 6;
            int wordEnd = Math.min(end, (word + 1) << 6);
            long mask = rangeMask(bit & 63, ((wordEnd - 1) & 63) + 1);
            long at = bitmapOffset + ((long) word << 3);
            long old = chunk.get(JAVA_LONG, at);
            chunk.set(JAVA_LONG, at, value ? old | mask : old & ~mask);
            bit = wordEnd;
        }
    }

    /** Copies bits {@code [firstBit, firstBit+len)} into {@code dst[dstPos ..]}; returns how many were set. */
    static int read(MemorySegment chunk, long bitmapOffset, int firstBit, boolean[] dst, int dstPos, int len) {
        int count = 0;
        int bit = firstBit;
        int end = firstBit + len;
        while (bit < end) {
            int word = bit >>> 6;
            int wordEnd = Math.min(end, (word + 1) << 6);
            int d = dstPos + (bit - firstBit);
            long bits = chunk.get(JAVA_LONG, bitmapOffset + ((long) word << 3))
                    & rangeMask(bit & 63, ((wordEnd - 1) & 63) + 1);
            if (bits == 0) {
                Arrays.fill(dst, d, d + (wordEnd - bit), false);
            } else {
                count += Long.bitCount(bits);
                for (int b = bit; b < wordEnd; b++, d++) {
                    dst[d] = (bits >>> (b & 63) & 1L) != 0;
                }
            }
            bit = wordEnd;
        }
        return count;
    }

    /** Number of set bits in {@code [firstBit, firstBit+len)}. */
    static int count(MemorySegment chunk, long bitmapOffset, int firstBit, int len) {
        int count = 0;
        int bit = firstBit;
        int end = firstBit + len;
        while (bit < end) {
            int word = bit >>> 6;
            int wordEnd = Math.min(end, (word + 1) << 6);
            long bits = chunk.get(JAVA_LONG, bitmapOffset + ((long) word << 3))
                    & rangeMask(bit & 63, ((wordEnd - 1) & 63) + 1);
            count += Long.bitCount(bits);
            bit = wordEnd;
        }
        return count;
    }

    /** Whether bit {@code bit} is set. */
    static boolean isSet(MemorySegment chunk, long bitmapOffset, int bit) {
        return (chunk.get(JAVA_LONG, bitmapOffset + ((long) (bit >>> 6) << 3)) >>> (bit & 63) & 1L) != 0;
    }
}
