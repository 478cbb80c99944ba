package io.quiver.storage.segment;

import java.util.Arrays;

/**
 * Encoder for VARCHAR columns. DICTIONARY (sorted distinct values + bit-packed codes) when the block
 * has few distinct values (at most a quarter of its rows) or the dictionary form is simply smaller;
 * otherwise PLAIN (frame-of-reference bit-packed lengths + the bytes).
 *
 * <p>A "string run" is the shared layout of a list of strings: {@code totalBytes(4) minLength(4)
 * lengthWidth(1) packedLengths bytes}. PLAIN is one run over the rows; DICTIONARY is
 * {@code entryCount(4)}, a run over the entries, {@code codeWidth(1)}, then the packed codes.
 * Null rows are empty strings in PLAIN and code 0 in DICTIONARY.
 */
final class VarcharCodec {
    /** totalBytes(4) + minLength(4) + width(1). */
    static final int RUN_HEADER = 9;

    private VarcharCodec() {
    }

    /** Caller guarantees null rows hold the empty string. {@code lengths} is scratch of at least {@code rows}. */
    static Encoding encode(byte[] bytes, int[] offsets, boolean[] nulls, int rows, int nullCount, long[] lengths,
                           StringDictionaryBuilder dict, ByteSink out, BlockStats stats) {
        int totalBytes = offsets[rows] - offsets[0];
        int minLen = Integer.MAX_VALUE;
        int maxLen = 0;
        for (int i = 0; i < rows; i++) {
            int len = offsets[i + 1] - offsets[i];
            minLen = Math.min(minLen, len);
            maxLen = Math.max(maxLen, len);
        }
        long plainSize = RUN_HEADER + BitPacking.packedLength(rows, BitPacking.bitWidth(maxLen - minLen)) + totalBytes;

        // beyond half the rows a dictionary is never worth the hashing
        if (!dict.build(bytes, offsets, nulls, rows, Math.max(1, rows / 2))) {
            findBounds(bytes, offsets, nulls, rows, stats);
        } else {
            int entries = dict.size();
            int codeWidth = BitPacking.bitWidth(entries - 1);
            long dictBytes = 0;
            int dMin = Integer.MAX_VALUE;
            int dMax = 0;
            for (int e = 0; e < entries; e++) { // sizes do not depend on order: decide before sorting
                int r = dict.rowOfEntry(e);
                int len = offsets[r + 1] - offsets[r];
                dictBytes += len;
                dMin = Math.min(dMin, len);
                dMax = Math.max(dMax, len);
            }
            long dictSize = 4 + RUN_HEADER + BitPacking.packedLength(entries, BitPacking.bitWidth(dMax - dMin)) + dictBytes
                    + 1 + BitPacking.packedLength(rows, codeWidth);
            if (entries > rows / 4 && dictSize >= plainSize) {
                // PLAIN wins: sorting the dictionary (a fifth of a flush's CPU for high-cardinality
                // columns) would be wasted; find the bounds directly.
                findBounds(bytes, offsets, nulls, rows, stats);
            } else {
                dict.sortAndRecode(bytes, offsets, rows);
                // the sorted dictionary already knows the bounds (its one entry is synthetic when all rows are null)
                boolean anyValue = nullCount < rows;
                stats.hasBounds = anyValue;
                stats.minRow = anyValue ? dict.rowOfCode(0) : -1;
                stats.maxRow = anyValue ? dict.rowOfCode(entries - 1) : -1;
                out.putInt(entries);
                out.putInt((int) dictBytes);
                out.putInt(dMin);
                int lenWidth = BitPacking.bitWidth(dMax - dMin);
                out.putByte(lenWidth);
                for (int c = 0; c < entries; c++) {
                    int r = dict.rowOfCode(c);
                    lengths[c] = offsets[r + 1] - offsets[r];
                }
                BitPacking.pack(lengths, 0, entries, dMin, lenWidth, out);
                for (int c = 0; c < entries; c++) {
                    int r = dict.rowOfCode(c);
                    out.putBytes(bytes, offsets[r], offsets[r + 1] - offsets[r]);
                }
                out.putByte(codeWidth);
                BitPacking.packInts(dict.codes(), rows, codeWidth, out);
                return Encoding.DICTIONARY;
            }
        }

        out.putInt(totalBytes);
        out.putInt(minLen);
        int lenWidth = BitPacking.bitWidth(maxLen - minLen);
        out.putByte(lenWidth);
        for (int i = 0; i < rows; i++) {
            lengths[i] = offsets[i + 1] - offsets[i];
        }
        BitPacking.pack(lengths, 0, rows, minLen, lenWidth, out);
        out.putBytes(bytes, offsets[0], totalBytes);
        return Encoding.PLAIN;
    }

    private static void findBounds(byte[] bytes, int[] offsets, boolean[] nulls, int rows, BlockStats stats) {
        int minRow = -1;
        int maxRow = -1;
        for (int i = 0; i < rows; i++) {
            if (nulls[i]) {
                continue;
            }
            if (minRow < 0) {
                minRow = i;
                maxRow = i;
                continue;
            }
            int from = offsets[i];
            int to = offsets[i + 1];
            if (Arrays.compareUnsigned(bytes, from, to, bytes, offsets[minRow], offsets[minRow + 1]) < 0) {
                minRow = i;
            } else if (Arrays.compareUnsigned(bytes, from, to, bytes, offsets[maxRow], offsets[maxRow + 1]) > 0) {
                maxRow = i;
            }
        }
        stats.minRow = minRow;
        stats.maxRow = maxRow;
        stats.hasBounds = minRow >= 0;
    }
}
