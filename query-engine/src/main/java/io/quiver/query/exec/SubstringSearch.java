package io.quiver.query.exec;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Finds one needle in UTF-8 bytes. A candidate start is a position where both the needle's first
 * and its last byte match, tested a whole vector of positions at a time with the Vector API (or eight
 * at a time in a long where that API is unavailable), so text that only shares the first byte is
 * rejected without a per-byte branch; each candidate is then compared in full.
 *
 * <p>{@link #markRows} runs that search once over a string column's whole byte buffer instead of
 * row by row, the way a URL filter (`url LIKE '%term%'`) over millions of short strings wants it.
 */
final class SubstringSearch {
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    static final boolean VECTOR = vectorAvailable();

    private static boolean vectorAvailable() {
        try {
            return VectorScan.available();
        } catch (Throwable unavailable) { // no jdk.incubator.vector module in this JVM
            return false;
        }
    }

    private final byte[] needle;
    private final byte first;
    private final byte last;

    SubstringSearch(byte[] needle) {
        if (needle.length == 0) {
            throw new IllegalArgumentException("empty needle");
        }
        this.needle = needle.clone();
        this.first = needle[0];
        this.last = needle[needle.length - 1];
    }

    /** The first start of the needle within {@code b[from, to)}, or -1. */
    int indexOf(byte[] b, int from, int to) {
        return indexOf(b, from, to, VECTOR);
    }

    /** {@link #indexOf(byte[], int, int)}, with or without the Vector API loop (tests run both). */
    int indexOf(byte[] b, int from, int to, boolean vector) {
        int len = needle.length;
        int lastStart = to - len;
        if (from > lastStart) {
            return -1;
        }
        int p = from;
        if (vector) {
            int r = VectorScan.scan(this, b, from, to);
            if (r >= -1) {
                return r;
            }
            p = VectorScan.NOT_DONE_BELOW - r;
        }
        long fp = ONES * (first & 0xFF);
        long lp = ONES * (last & 0xFF);
        // a long at p and one at p + len - 1 must both fit below `to`
        for (; p + len - 1 + 8 <= to; p += 8) {
            long w = ((long) Values.LONG_LE.get(b, p) ^ fp) | ((long) Values.LONG_LE.get(b, p + len - 1) ^ lp);
            long zeros = (w - ONES) & ~w & HIGHS; // may flag bytes above a true zero byte, never misses one
            while (zeros != 0) {
                int at = p + (Long.numberOfTrailingZeros(zeros) >>> 3);
                if (matchesAt(b, at)) {
                    return at;
                }
                zeros &= zeros - 1;
            }
        }
        for (; p <= lastStart; p++) {
            if (matchesAt(b, p)) {
                return p;
            }
        }
        return -1;
    }

    private boolean matchesAt(byte[] b, int at) {
        return b[at] == first && b[at + needle.length - 1] == last && middleMatches(b, at);
    }

    /** The bytes between the first and the last, which the candidate test did not compare. */
    private boolean middleMatches(byte[] b, int at) {
        int len = needle.length;
        return len <= 2 || java.util.Arrays.equals(b, at + 1, at + len - 1, needle, 1, len - 1);
    }

    /**
     * Sets {@code out[i]} to 1 for each row {@code i} in {@code [0, rows)} whose string (bytes
     * {@code offsets[i]} to {@code offsets[i + 1]}) contains the needle, else 0. One search runs
     * along the whole buffer; a hit that straddles two rows' strings counts for neither, and the
     * search resumes one byte later.
     */
    void markRows(byte[] bytes, int[] offsets, int rows, long[] out) {
        java.util.Arrays.fill(out, 0, rows, 0L);
        int end = offsets[rows];
        int pos = offsets[0];
        int row = 0;
        while (true) {
            int at = indexOf(bytes, pos, end);
            if (at < 0) {
                return;
            }
            while (offsets[row + 1] <= at) {
                row++;
            }
            int rowEnd = offsets[row + 1];
            if (at + needle.length <= rowEnd) {
                out[row] = 1;
                row++;
                if (row == rows) {
                    return;
                }
                pos = rowEnd;
            } else {
                pos = at + 1;
            }
        }
    }

    /** The Vector API loop, in its own class so a JVM without the incubator module never links it. */
    private static final class VectorScan {
        /** A result at or below this encodes "no hit before p, go on from p" as {@code NOT_DONE_BELOW - p}. */
        static final int NOT_DONE_BELOW = -2;
        private static final VectorSpecies<Byte> SPECIES = speciesOrNull();

        private static VectorSpecies<Byte> speciesOrNull() {
            try {
                VectorSpecies<Byte> s = ByteVector.SPECIES_PREFERRED;
                return s.length() >= 16 && s.length() <= 64 ? s : null;
            } catch (Throwable unavailable) {
                return null;
            }
        }

        static boolean available() {
            try {
                return SPECIES != null;
            } catch (Throwable unavailable) {
                return false;
            }
        }

        /**
         * Scans vector-wide steps from {@code from}: the hit's start, -1 when the steps covered every
         * possible start without a hit, or {@code NOT_DONE_BELOW - p} when the caller must go on from p.
         */
        static int scan(SubstringSearch s, byte[] b, int from, int to) {
            VectorSpecies<Byte> species = SPECIES;
            int lanes = species.length();
            int shift = s.needle.length - 1;
            ByteVector firsts = ByteVector.broadcast(species, s.first);
            ByteVector lasts = ByteVector.broadcast(species, s.last);
            int p = from;
            for (; p + shift + lanes <= to; p += lanes) {
                long hits = ByteVector.fromArray(species, b, p).eq(firsts)
                        .and(ByteVector.fromArray(species, b, p + shift).eq(lasts)).toLong();
                while (hits != 0) {
                    int at = p + Long.numberOfTrailingZeros(hits);
                    if (s.middleMatches(b, at)) {
                        return at;
                    }
                    hits &= hits - 1;
                }
            }
            return p > to - s.needle.length ? -1 : NOT_DONE_BELOW - p;
        }
    }
}
