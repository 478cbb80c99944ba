package io.quiver.query.exec;

import java.util.Arrays;

import static io.quiver.query.exec.TaggedSlots.EMPTY;
import static io.quiver.query.exec.TaggedSlots.TAG;

/** Distinct byte strings to dense ids, open addressing, no allocation per lookup. */
final class ByteDictionary {
    private byte[] data;
    private int dataLength;
    private int[] offsets;
    private long[] hashes;
    private int size;
    /** See {@link TaggedSlots}. */
    private long[] slots;
    private int mask;

    ByteDictionary() {
        this(64);
    }

    /** A dictionary sized for about {@code entries} strings before it grows (small for per-group sets). */
    ByteDictionary(int entries) {
        int n = Integer.highestOneBit(Math.max(2, entries - 1) * 2);
        data = new byte[n * 16];
        offsets = new int[n + 1];
        hashes = new long[n];
        slots = new long[n * 2];
        mask = slots.length - 1;
        Arrays.fill(slots, EMPTY);
    }

    int size() {
        return size;
    }

    long bytes() {
        return data.length + offsets.length * 4L + hashes.length * 8L + slots.length * 8L;
    }

    /** The id of the string, adding it when new. */
    int intern(byte[] b, int from, int to) {
        return intern(b, from, to, Values.hashBytes(b, from, to));
    }

    private int intern(byte[] b, int from, int to, long h) {
        int s = (int) h & mask;
        long tag = h & TAG;
        while (true) {
            long e = slots[s];
            if (e == EMPTY) {
                return add(b, from, to, h, s);
            }
            if ((e & TAG) == tag) {
                int id = (int) e;
                if (Arrays.equals(data, offsets[id], offsets[id + 1], b, from, to)) {
                    return id;
                }
            }
            s = (s + 1) & mask;
        }
    }

    private long[] rowHashes = new long[0];
    private long[] candidates = new long[0];

    /**
     * The ids of the strings of rows {@code idx[0..n)} of {@code bytes}/{@code rowOffsets} into
     * {@code ids} (-1 for a null row), adding new ones; also the entries {@code idx} of a block
     * dictionary (its entry offsets as {@code rowOffsets}, {@code nulls} null). All hashes first, then every row's candidate
     * slot, then the comparisons: passes of independent work whose cache misses overlap, where one
     * row at a time would wait out each miss.
     */
    void internRows(byte[] bytes, int[] rowOffsets, boolean[] nulls, int[] idx, int n, int[] ids) {
        if (rowHashes.length < n) {
            rowHashes = new long[n];
            candidates = new long[n];
        }
        long[] hashes = rowHashes;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            hashes[k] = nulls != null && nulls[i] ? 0 : Values.hashBytes(bytes, rowOffsets[i], rowOffsets[i + 1]);
        }
        long[] table = slots;
        int m = mask;
        long[] cand = candidates;
        for (int k = 0; k < n; k++) {
            cand[k] = TaggedSlots.candidate(table, m, hashes[k]);
        }
        touchCandidates(cand, n);
        int misses = 0;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            long e = cand[k];
            if (nulls != null && nulls[i]) {
                ids[k] = -1;
            } else if (e != EMPTY && Arrays.equals(data, offsets[(int) e], offsets[(int) e + 1], bytes, rowOffsets[i], rowOffsets[i + 1])) {
                ids[k] = (int) e;
            } else {
                ids[k] = -2;
                misses++;
            }
        }
        for (int k = 0; misses > 0 && k < n; k++) {
            if (ids[k] == -2) {
                int i = idx[k];
                ids[k] = intern(bytes, rowOffsets[i], rowOffsets[i + 1], hashes[k]);
                misses--;
            }
        }
    }

    /**
     * Adds every string of {@code other} (ids are not returned), reusing the hashes it stored and
     * probing in passes like {@link #internRows}, so merging two large sets neither rehashes the
     * bytes nor waits out one cache miss per string.
     */
    void addAll(ByteDictionary other) {
        internAll(other, null);
    }

    /**
     * Like {@link #addAll}, and writes each of {@code other}'s ids' id in this dictionary into
     * {@code map} (when not null).
     */
    void internAll(ByteDictionary other, int[] map) {
        int n = other.size;
        if (n == 0) {
            return;
        }
        growFor(size + n);
        int chunk = 1024;
        if (candidates.length < chunk) {
            candidates = new long[chunk];
        }
        long[] cand = candidates;
        for (int from = 0; from < n; from += chunk) {
            int m = Math.min(chunk, n - from);
            long[] table = slots;
            int msk = mask;
            for (int k = 0; k < m; k++) {
                cand[k] = TaggedSlots.candidate(table, msk, other.hashes[from + k]);
            }
            touchCandidates(cand, m);
            for (int k = 0; k < m; k++) {
                int id = from + k;
                long e = cand[k];
                int start = other.offsets[id];
                int end = other.offsets[id + 1];
                int mine;
                if (e != EMPTY && Arrays.equals(data, offsets[(int) e], offsets[(int) e + 1], other.data, start, end)) {
                    mine = (int) e;
                } else {
                    mine = intern(other.data, start, end, other.hashes[id]);
                }
                if (map != null) {
                    map[id] = mine;
                }
            }
        }
    }

    /**
     * Adds the strings {@code codes[0..n)} of a block dictionary ({@code bytes}/{@code entryOffsets}),
     * each code listed once, in passes like {@link #internRows}.
     */
    void addEntries(byte[] bytes, int[] entryOffsets, int[] codes, int n) {
        if (rowHashes.length < n) {
            rowHashes = new long[n];
            candidates = new long[n];
        }
        long[] hs = rowHashes;
        for (int k = 0; k < n; k++) {
            int c = codes[k];
            hs[k] = Values.hashBytes(bytes, entryOffsets[c], entryOffsets[c + 1]);
        }
        growFor(size + n / 4);
        long[] table = slots;
        int msk = mask;
        long[] cand = candidates;
        for (int k = 0; k < n; k++) {
            cand[k] = TaggedSlots.candidate(table, msk, hs[k]);
        }
        for (int k = 0; k < n; k++) {
            int c = codes[k];
            long e = cand[k];
            int start = entryOffsets[c];
            int end = entryOffsets[c + 1];
            if (e == EMPTY || !Arrays.equals(data, offsets[(int) e], offsets[(int) e + 1], bytes, start, end)) {
                intern(bytes, start, end, hs[k]);
            }
        }
    }

    /** Written so the JIT keeps {@link #touchCandidates}' loads. */
    private int touched;

    /**
     * Loads the first byte of every candidate's string, independent loads whose misses overlap, so
     * the comparisons after it hit the cache.
     */
    private void touchCandidates(long[] cand, int n) {
        int[] off = offsets;
        byte[] d = data;
        int last = d.length - 1; // an empty string may start at the end of the data
        int x = 0;
        for (int k = 0; k < n; k++) {
            long e = cand[k];
            if (e != EMPTY) {
                x += d[Math.min(off[(int) e], last)];
            }
        }
        touched += x;
    }

    /** Grows the slot table up front for about {@code entries} strings, so a batch of adds does not rehash midway. */
    private void growFor(int entries) {
        while (entries * 2 > slots.length) {
            slots = new long[slots.length * 2];
            mask = slots.length - 1;
            Arrays.fill(slots, EMPTY);
            for (int id = 0; id < size; id++) {
                long h = hashes[id];
                int s = (int) h & mask;
                while (slots[s] != EMPTY) {
                    s = (s + 1) & mask;
                }
                slots[s] = TaggedSlots.entry(h, id);
            }
        }
    }

    private int add(byte[] b, int from, int to, long h, int slot) {
        int len = to - from;
        if (dataLength + len > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + len));
        }
        System.arraycopy(b, from, data, dataLength, len);
        if (size + 2 > offsets.length || size >= hashes.length) {
            offsets = Arrays.copyOf(offsets, Math.max(offsets.length * 2, size + 2));
            hashes = Arrays.copyOf(hashes, Math.max(hashes.length * 2, size + 1));
        }
        offsets[size] = dataLength;
        dataLength += len;
        offsets[size + 1] = dataLength;
        hashes[size] = h;
        slots[slot] = TaggedSlots.entry(h, size);
        size++;
        if (size * 2 > slots.length) {
            rehash();
        }
        return size - 1;
    }

    private void rehash() {
        growFor(size);
    }

    byte[] data() {
        return data;
    }

    int start(int id) {
        return offsets[id];
    }

    int end(int id) {
        return offsets[id + 1];
    }
}
