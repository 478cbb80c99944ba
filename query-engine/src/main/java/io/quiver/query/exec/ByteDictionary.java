package io.quiver.query.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import static io.quiver.query.exec.TaggedSlots.EMPTY;
import static io.quiver.query.exec.TaggedSlots.TAG;

/**
 * Distinct byte strings to dense ids, open addressing, no allocation per lookup.
 *
 * <p>Strings live back to back in one arena, each behind a header (its length, its id and an int
 * the owner may set, {@link #setValue}), and a slot holds the arena position of its entry under the
 * top 32 bits of the entry's hash ({@link TaggedSlots} with a position for the id). A probe thus
 * goes slot, then entry: one line with the length, the id, the value and the first bytes, where an
 * id in the slot would first load the id's offset (one more miss per row in a table of 76 000 urls).
 */
final class ByteDictionary {
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** Entry header: length, id, value. */
    private static final int HEADER = 12;
    private static final int ID = 4;
    private static final int VALUE = 8;
    /** Rows probed per pass of {@link #internRows}: the entries a pass touches stay in L1/L2 until compared. */
    private static final int CHUNK = 256;

    private byte[] arena;
    private int arenaLength;
    /** Arena position of each id's entry. */
    private int[] at;
    private long[] hashes;
    private int size;
    /** Tagged arena positions, see the class comment. */
    private long[] slots;
    private int mask;

    ByteDictionary() {
        this(64);
    }

    /** A dictionary sized for about {@code entries} strings before it grows (small for per-group sets). */
    ByteDictionary(int entries) {
        int n = Integer.highestOneBit(Math.max(2, entries - 1) * 2);
        arena = new byte[n * (16 + HEADER)];
        at = new int[n];
        hashes = new long[n];
        slots = new long[n * 2];
        mask = slots.length - 1;
        Arrays.fill(slots, EMPTY);
    }

    int size() {
        return size;
    }

    long bytes() {
        return arena.length + at.length * 4L + hashes.length * 8L + slots.length * 8L;
    }

    /** The id of the string, adding it when new. */
    int intern(byte[] b, int from, int to) {
        return id(entryOf(b, from, to, Values.hashBytes(b, from, to)));
    }

    /** The value set for string {@code id} ({@link #setValue}), -1 until set. */
    int value(int id) {
        return (int) INT_LE.get(arena, at[id] + VALUE);
    }

    /** Keeps {@code v} (not negative) with string {@code id}; {@link #internRows} can return it in place of the id. */
    void setValue(int id, int v) {
        INT_LE.set(arena, at[id] + VALUE, v);
    }

    private int id(int entry) {
        return (int) INT_LE.get(arena, entry + ID);
    }

    /** The arena position of the string's entry, adding it when new. */
    private int entryOf(byte[] b, int from, int to, long h) {
        int s = (int) h & mask;
        int len = to - from;
        while (true) {
            long e = slots[s];
            if (e == EMPTY) {
                return add(b, from, to, h, s);
            }
            if (((e ^ h) & TAG) == 0) {
                int p = (int) e;
                if ((int) INT_LE.get(arena, p) == len && same(arena, p + HEADER, b, from, len)) {
                    return p;
                }
            }
            s = (s + 1) & mask;
        }
    }

    /**
     * Whether {@code a[ai..ai+len)} equals {@code b[bi..bi+len)}: the words' differences or-ed
     * together, the last word read overlapping, one branch at the end. For strings of tens of bytes
     * that share long prefixes (urls) this takes about a third of {@link Arrays#equals}' time,
     * which checks both ranges and calls a stub built for long arrays.
     */
    static boolean same(byte[] a, int ai, byte[] b, int bi, int len) {
        if (len >= 8) {
            long d = 0;
            int k = 0;
            for (; k + 8 < len; k += 8) {
                d |= (long) Values.LONG_LE.get(a, ai + k) ^ (long) Values.LONG_LE.get(b, bi + k);
            }
            d |= (long) Values.LONG_LE.get(a, ai + len - 8) ^ (long) Values.LONG_LE.get(b, bi + len - 8);
            return d == 0;
        }
        for (int k = 0; k < len; k++) {
            if (a[ai + k] != b[bi + k]) {
                return false;
            }
        }
        return true;
    }

    private long[] rowHashes = new long[0];
    private long[] candidates = new long[0];
    /** Written so the JIT keeps the touching loads of {@link #internRows}. */
    private int touched;

    /**
     * The ids of the strings of rows {@code idx[0..n)} of {@code bytes}/{@code rowOffsets} into
     * {@code ids} (-1 for a null row), adding new ones; also the entries {@code idx} of a block
     * dictionary (its entry offsets as {@code rowOffsets}, {@code nulls} null). With {@code values},
     * each string's value ({@link #setValue}) instead when set, else {@code -2 - id}.
     *
     * <p>All hashes first, then, {@link #CHUNK} rows at a time, every row's candidate slot with a load
     * of both ends of the candidate's entry, then the comparisons: passes of independent work whose
     * cache misses overlap, where one row at a time would wait out each miss.
     */
    void internRows(byte[] bytes, int[] rowOffsets, boolean[] nulls, int[] idx, int n, int[] ids, boolean values) {
        if (rowHashes.length < n) {
            rowHashes = new long[n];
            candidates = new long[n];
        }
        long[] hs = rowHashes;
        if (nulls == null) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                hs[k] = Values.hashBytes(bytes, rowOffsets[i], rowOffsets[i + 1]);
            }
        } else {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                hs[k] = nulls[i] ? 0 : Values.hashBytes(bytes, rowOffsets[i], rowOffsets[i + 1]);
            }
        }
        long[] cand = candidates;
        int misses = 0;
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            long[] table = slots;
            int m = mask;
            byte[] ar = arena;
            int last = ar.length - 1;
            int x = 0;
            for (int k = from; k < to; k++) {
                long e = TaggedSlots.candidate(table, m, hs[k]);
                cand[k] = e;
                if (e != EMPTY) {
                    int i = idx[k];
                    int p = (int) e;
                    // the header's line and the last byte's (an entry of 40+ bytes mostly spans two)
                    x += ar[p] + ar[Math.min(p + HEADER + rowOffsets[i + 1] - rowOffsets[i], last)];
                }
            }
            touched += x;
            int valueAt = values ? VALUE : ID;
            for (int k = from; k < to; k++) {
                int i = idx[k];
                long e = cand[k];
                if (nulls != null && nulls[i]) {
                    ids[k] = -1;
                    continue;
                }
                if (e != EMPTY) {
                    int p = (int) e;
                    int start = rowOffsets[i];
                    int end = rowOffsets[i + 1];
                    int len = end - start;
                    if ((int) INT_LE.get(ar, p) == len && same(ar, p + HEADER, bytes, start, len)) {
                        int v = (int) INT_LE.get(ar, p + valueAt);
                        ids[k] = v >= 0 ? v : -2 - (int) INT_LE.get(ar, p + ID);
                        continue;
                    }
                }
                ids[k] = Integer.MIN_VALUE;
                misses++;
            }
        }
        for (int k = 0; misses > 0 && k < n; k++) {
            if (ids[k] == Integer.MIN_VALUE) {
                int i = idx[k];
                int p = entryOf(bytes, rowOffsets[i], rowOffsets[i + 1], hs[k]);
                int v = values ? (int) INT_LE.get(arena, p + VALUE) : -1;
                ids[k] = v >= 0 ? v : values ? -2 - id(p) : id(p);
                misses--;
            }
        }
    }

    /** {@link #internRows} returning ids. */
    void internRows(byte[] bytes, int[] rowOffsets, boolean[] nulls, int[] idx, int n, int[] ids) {
        internRows(bytes, rowOffsets, nulls, idx, n, ids, false);
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
        byte[] od = other.arena;
        for (int from = 0; from < n; from += chunk) {
            int m = Math.min(chunk, n - from);
            long[] table = slots;
            int msk = mask;
            byte[] ar = arena;
            int x = 0;
            for (int k = 0; k < m; k++) {
                long e = TaggedSlots.candidate(table, msk, other.hashes[from + k]);
                cand[k] = e;
                if (e != EMPTY) {
                    x += ar[(int) e];
                }
            }
            touched += x;
            for (int k = 0; k < m; k++) {
                int id = from + k;
                long e = cand[k];
                int op = other.at[id];
                int len = (int) INT_LE.get(od, op);
                int start = op + HEADER;
                int end = start + len;
                int mine;
                if (e != EMPTY && (int) INT_LE.get(arena, (int) e) == len
                        && same(arena, (int) e + HEADER, od, start, len)) {
                    mine = id((int) e);
                } else {
                    mine = id(entryOf(od, start, end, other.hashes[id]));
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
            int len = end - start;
            if (e == EMPTY || (int) INT_LE.get(arena, (int) e) != len
                    || !same(arena, (int) e + HEADER, bytes, start, len)) {
                entryOf(bytes, start, end, hs[k]);
            }
        }
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
                slots[s] = TaggedSlots.entry(h, at[id]);
            }
        }
    }

    private int add(byte[] b, int from, int to, long h, int slot) {
        int len = to - from;
        int p = arenaLength;
        long need = (long) p + HEADER + len;
        if (need > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("string dictionary over 2 GiB");
        }
        if (need > arena.length) {
            arena = Arrays.copyOf(arena, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(arena.length * 2L, need)));
        }
        INT_LE.set(arena, p, len);
        INT_LE.set(arena, p + ID, size);
        INT_LE.set(arena, p + VALUE, -1);
        System.arraycopy(b, from, arena, p + HEADER, len);
        arenaLength = (int) need;
        if (size >= at.length) {
            at = Arrays.copyOf(at, Math.max(at.length * 2, size + 1));
            hashes = Arrays.copyOf(hashes, at.length);
        }
        at[size] = p;
        hashes[size] = h;
        slots[slot] = TaggedSlots.entry(h, p);
        size++;
        if (size * 2 > slots.length) {
            growFor(size);
        }
        return p;
    }

    byte[] data() {
        return arena;
    }

    int start(int id) {
        return at[id] + HEADER;
    }

    int end(int id) {
        return at[id] + HEADER + (int) INT_LE.get(arena, at[id]);
    }
}
