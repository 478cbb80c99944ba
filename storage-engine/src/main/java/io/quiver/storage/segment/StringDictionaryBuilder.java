package io.quiver.storage.segment;

import java.util.Arrays;

/**
 * Finds the distinct values of a VARCHAR block with an open-addressing hash table over the block's
 * own bytes (no per-value objects), then sorts them so that code order is value order. Reused block
 * after block by one writer.
 */
final class StringDictionaryBuilder {
    private int[] slots = new int[64];
    /** Per entry: a row holding its value. */
    private int[] entryRow = new int[16];
    private int[] entryHash = new int[16];
    private int size;
    /** Per row: entry index before sorting, code after {@link #sortAndRecode}. */
    private int[] codes = new int[16];
    /** Entries in ascending value order. */
    private int[] sorted = new int[16];
    private int[] mergeScratch = new int[16];
    private int[] rank = new int[16];
    /**
     * Per entry: its eight bytes after the prefix all entries share, big-endian and zero-padded, so
     * that most comparisons of the sort are one unsigned long compare (URLs share a long prefix, and
     * comparing whole values through the offsets was most of the sort's time).
     */
    private long[] sortKey = new long[16];
    private int sharedPrefix;

    /**
     * Collects the distinct non-null values of rows {@code [0, rows)}, giving up (returning false)
     * once more than {@code maxEntries} are found. Null rows get code 0 and add no entry; a block
     * whose every row is null gets a single empty-string entry.
     */
    boolean build(byte[] bytes, int[] offsets, boolean[] nulls, int rows, int maxEntries) {
        size = 0;
        int tableSize = Integer.highestOneBit(Math.max(16, Math.min(maxEntries, rows) * 2 + 1)) << 1;
        if (slots.length < tableSize) {
            slots = new int[tableSize];
        } else {
            Arrays.fill(slots, 0);
            tableSize = slots.length;
        }
        if (codes.length < rows) {
            codes = new int[rows];
        }
        int entryCapacity = Math.min(maxEntries, rows) + 1; // + 1: the synthetic entry of an all-null block
        if (entryRow.length < entryCapacity) {
            // Sized once for the block, so adding an entry is two stores: growing by doubling inside
            // the probe loop cost more than the probing itself in flush profiles.
            entryRow = new int[entryCapacity];
            entryHash = new int[entryCapacity];
        }
        int mask = tableSize - 1;
        int firstNonNull = -1;
        for (int row = 0; row < rows; row++) {
            if (nulls[row]) {
                codes[row] = 0;
                continue;
            }
            if (firstNonNull < 0) {
                firstNonNull = row;
            }
            int from = offsets[row];
            int to = offsets[row + 1];
            int h = hash(bytes, from, to);
            int slot = h & mask;
            int code;
            while (true) {
                int e = slots[slot] - 1;
                if (e < 0) {
                    if (size == maxEntries) {
                        return false;
                    }
                    code = addEntry(row, h);
                    slots[slot] = code + 1;
                    break;
                }
                int r = entryRow[e];
                if (entryHash[e] == h && Arrays.equals(bytes, offsets[r], offsets[r + 1], bytes, from, to)) {
                    code = e;
                    break;
                }
                slot = (slot + 1) & mask;
            }
            codes[row] = code;
        }
        if (size == 0) {
            addEntry(0, 0); // every row null: the row's slot holds the empty string
        }
        return true;
    }

    private int addEntry(int row, int h) {
        entryRow[size] = row;
        entryHash[size] = h;
        return size++;
    }

    /** Hashes eight bytes per multiply (a byte-at-a-time hash was the encoder's hot spot). */
    private static int hash(byte[] b, int from, int to) {
        long h = 0x9E3779B97F4A7C15L ^ (to - from);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            h = (h ^ (long) SegmentFormat.LONG_LE.get(b, i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        long tail = 0;
        for (int shift = 0; i < to; i++, shift += 8) {
            tail |= (b[i] & 0xFFL) << shift;
        }
        h = (h ^ tail) * 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }

    int size() {
        return size;
    }

    /** Sorts entries by value and rewrites the row codes of rows {@code [0, rows)} to sorted codes. */
    void sortAndRecode(byte[] bytes, int[] offsets, int rows) {
        if (sorted.length < size) {
            sorted = new int[size];
            mergeScratch = new int[size];
            rank = new int[size];
            sortKey = new long[size];
        }
        computeSortKeys(bytes, offsets);
        for (int i = 0; i < size; i++) {
            sorted[i] = i;
        }
        mergeSort(bytes, offsets, 0, size);
        for (int i = 0; i < size; i++) {
            rank[sorted[i]] = i;
        }
        for (int row = 0; row < rows; row++) {
            codes[row] = rank[codes[row]];
        }
    }

    /**
     * Order of two keys decides the order of their values whenever the keys differ: up to the first
     * differing byte the values agree, and a value that ended earlier (padded with zero) is a prefix
     * of the other, so it sorts first. Equal keys fall back to comparing the values.
     */
    private void computeSortKeys(byte[] bytes, int[] offsets) {
        int first = entryRow[0];
        int firstFrom = offsets[first];
        int firstTo = offsets[first + 1];
        int shared = firstTo - firstFrom;
        for (int e = 1; e < size && shared > 0; e++) {
            int r = entryRow[e];
            int from = offsets[r];
            int to = Math.min(offsets[r + 1], from + shared);
            int m = Arrays.mismatch(bytes, firstFrom, firstFrom + shared, bytes, from, to);
            if (m >= 0) {
                shared = m;
            }
        }
        sharedPrefix = shared;
        for (int e = 0; e < size; e++) {
            int r = entryRow[e];
            int from = offsets[r] + shared;
            int to = offsets[r + 1];
            long key;
            if (to - from >= 8) {
                key = (long) SegmentFormat.LONG_BE.get(bytes, from);
            } else {
                key = 0;
                for (int i = 0; i < 8; i++) {
                    key = (key << 8) | (from + i < to ? bytes[from + i] & 0xFFL : 0);
                }
            }
            sortKey[e] = key;
        }
    }

    private void mergeSort(byte[] bytes, int[] offsets, int from, int to) {
        if (to - from <= 12) {
            for (int i = from + 1; i < to; i++) { // insertion sort: cheaper than recursing on short ranges
                int e = sorted[i];
                int j = i - 1;
                while (j >= from && compare(bytes, offsets, sorted[j], e) > 0) {
                    sorted[j + 1] = sorted[j];
                    j--;
                }
                sorted[j + 1] = e;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(bytes, offsets, from, mid);
        mergeSort(bytes, offsets, mid, to);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            mergeScratch[k++] = compare(bytes, offsets, sorted[i], sorted[j]) <= 0 ? sorted[i++] : sorted[j++];
        }
        while (i < mid) {
            mergeScratch[k++] = sorted[i++];
        }
        while (j < to) {
            mergeScratch[k++] = sorted[j++];
        }
        System.arraycopy(mergeScratch, from, sorted, from, to - from);
    }

    private int compare(byte[] bytes, int[] offsets, int a, int b) {
        int byKey = Long.compareUnsigned(sortKey[a], sortKey[b]);
        if (byKey != 0) {
            return byKey;
        }
        int ra = entryRow[a];
        int rb = entryRow[b];
        int skip = sharedPrefix;
        return Arrays.compareUnsigned(bytes, offsets[ra] + skip, offsets[ra + 1], bytes, offsets[rb] + skip, offsets[rb + 1]);
    }

    /** Row of the entry with sorted code {@code code}. */
    /** A row holding entry {@code entry}'s value, entries in the order {@link #build} found them. */
    int rowOfEntry(int entry) {
        return entryRow[entry];
    }

    int rowOfCode(int code) {
        return entryRow[sorted[code]];
    }

    int[] codes() {
        return codes;
    }
}
