package io.quiver.query.exec;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.util.Arrays;

/**
 * Group keys to dense group ids: an open-addressing table over keys encoded as longs (integers and
 * dates as themselves, doubles as normalised bits, strings as ids of a per-table {@link
 * ByteDictionary}) plus a null mask. Thread-confined: each worker fills its own and the partial
 * tables are merged with {@link #mergeFrom}.
 */
final class GroupTable {
    private final ColumnType[] types;
    private final int width;
    private final ByteDictionary[] dicts;
    private long[] keys;
    private long[] nullMasks;
    private long[] hashes;
    private int size;
    private int[] slots;
    private int mask;

    GroupTable(ColumnType[] types) {
        this.types = types;
        this.width = types.length;
        this.dicts = new ByteDictionary[width];
        for (int c = 0; c < width; c++) {
            if (types[c].physical() == ColumnType.Physical.BYTES) {
                dicts[c] = new ByteDictionary();
            }
        }
        keys = new long[Math.max(1, width) * 64];
        nullMasks = new long[64];
        hashes = new long[64];
        slots = new int[128];
        Arrays.fill(slots, -1);
        mask = 127;
    }

    int size() {
        return size;
    }

    long bytes() {
        long b = keys.length * 8L + nullMasks.length * 8L + hashes.length * 8L + slots.length * 4L;
        for (ByteDictionary d : dicts) {
            if (d != null) {
                b += d.bytes();
            }
        }
        return b;
    }

    /** Per key column: dictionary code -> string id in this table's dictionary, for the current batch (-1 unknown). */
    private int[][] codeIds;
    /** For a single dictionary-coded key: code -> group id for the current batch (-1 unknown). */
    private int[] codeGroups;

    /** Group id of every live row of the batch's key vectors, into {@code gids[k]} for {@code idx[k]}. */
    void findOrInsert(ColumnVector[] keyCols, int[] idx, int n, int[] gids, long[] scratch) {
        if (width == 1 && dicts[0] != null && ExprCompiler.onCodes(keyCols[0], n)) {
            singleDictionaryKey(keyCols[0], idx, n, gids, scratch);
            return;
        }
        int[][] ids = null;
        for (int c = 0; c < width; c++) {
            ColumnVector v = keyCols[c];
            if (dicts[c] != null && ExprCompiler.onCodes(v, n)) {
                if (ids == null) {
                    ids = codeIds == null ? (codeIds = new int[width][]) : codeIds;
                }
                ids[c] = reset(ids[c], v.dictionary.size());
            } else if (ids != null) {
                ids[c] = null;
            }
        }
        if (ids == null && codeIds != null) {
            java.util.Arrays.fill(codeIds, null);
        }
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            long nulls = 0;
            long h = 0x9E3779B97F4A7C15L;
            for (int c = 0; c < width; c++) {
                ColumnVector v = keyCols[c];
                long key;
                if (v.nulls[i]) {
                    nulls |= 1L << c;
                    key = 0;
                } else {
                    key = switch (types[c].physical()) {
                        case LONG -> v.longs[i];
                        case DOUBLE -> Values.normalizedBits(v.doubles[i]);
                        case BYTES -> {
                            int[] cache = ids == null ? null : ids[c];
                            if (cache == null) {
                                yield dicts[c].intern(v.bytes, v.offsets[i], v.offsets[i + 1]);
                            }
                            int code = v.dictCodes[i];
                            int id = cache[code];
                            if (id < 0) {
                                ColumnVector d = v.dictionary;
                                id = dicts[c].intern(d.bytes, d.offsets[code], d.offsets[code + 1]);
                                cache[code] = id;
                            }
                            yield id;
                        }
                    };
                }
                scratch[c] = key;
                h = (h ^ key) * 0xff51afd7ed558ccdL + c;
            }
            h = Values.mix(h ^ nulls);
            gids[k] = find(scratch, nulls, h);
        }
    }

    /** One dictionary-coded string key: each distinct code of the batch is looked up once. */
    private void singleDictionaryKey(ColumnVector v, int[] idx, int n, int[] gids, long[] scratch) {
        ColumnVector d = v.dictionary;
        codeGroups = reset(codeGroups, d.size());
        int nullGroup = -1;
        int[] codes = v.dictCodes;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            if (v.nulls[i]) {
                if (nullGroup < 0) {
                    scratch[0] = 0;
                    nullGroup = find(scratch, 1L, Values.mix(((0x9E3779B97F4A7C15L ^ 0L) * 0xff51afd7ed558ccdL) ^ 1L));
                }
                gids[k] = nullGroup;
                continue;
            }
            int code = codes[i];
            int g = codeGroups[code];
            if (g < 0) {
                long key = dicts[0].intern(d.bytes, d.offsets[code], d.offsets[code + 1]);
                scratch[0] = key;
                long h = Values.mix((0x9E3779B97F4A7C15L ^ key) * 0xff51afd7ed558ccdL);
                g = find(scratch, 0L, h);
                codeGroups[code] = g;
            }
            gids[k] = g;
        }
    }

    private static int[] reset(int[] a, int n) {
        if (a == null || a.length < n) {
            a = new int[Math.max(n, 64)];
        }
        java.util.Arrays.fill(a, 0, n, -1);
        return a;
    }

    /** The id of the single group of a grouping without keys. */
    int singleGroup() {
        if (size == 0) {
            find(new long[0], 0, 0);
        }
        return 0;
    }

    private int find(long[] key, long nulls, long h) {
        int s = (int) h & mask;
        while (true) {
            int g = slots[s];
            if (g < 0) {
                return add(key, nulls, h, s);
            }
            if (hashes[g] == h && nullMasks[g] == nulls && sameKey(g, key)) {
                return g;
            }
            s = (s + 1) & mask;
        }
    }

    private boolean sameKey(int g, long[] key) {
        int base = g * width;
        for (int c = 0; c < width; c++) {
            if (keys[base + c] != key[c]) {
                return false;
            }
        }
        return true;
    }

    private int add(long[] key, long nulls, long h, int slot) {
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
            nullMasks = Arrays.copyOf(nullMasks, size * 2);
            keys = Arrays.copyOf(keys, Math.max(1, width) * size * 2);
        }
        System.arraycopy(key, 0, keys, size * width, width);
        nullMasks[size] = nulls;
        hashes[size] = h;
        slots[slot] = size;
        size++;
        if (size * 2 > slots.length) {
            slots = new int[slots.length * 2];
            Arrays.fill(slots, -1);
            mask = slots.length - 1;
            for (int g = 0; g < size; g++) {
                int s = (int) hashes[g] & mask;
                while (slots[s] >= 0) {
                    s = (s + 1) & mask;
                }
                slots[s] = g;
            }
        }
        return size - 1;
    }

    /** Inserts every group of {@code other}; returns other's group id -> this table's group id. */
    int[] mergeFrom(GroupTable other) {
        int[] map = new int[other.size];
        long[] key = new long[width];
        for (int g = 0; g < other.size; g++) {
            long nulls = other.nullMasks[g];
            long h = 0x9E3779B97F4A7C15L;
            for (int c = 0; c < width; c++) {
                long k = other.keys[g * width + c];
                if (dicts[c] != null && (nulls & (1L << c)) == 0) {
                    ByteDictionary od = other.dicts[c];
                    k = dicts[c].intern(od.data(), od.start((int) k), od.end((int) k));
                }
                key[c] = k;
                h = (h ^ k) * 0xff51afd7ed558ccdL + c;
            }
            h = width == 0 ? 0 : Values.mix(h ^ nulls);
            map[g] = find(key, nulls, h);
        }
        return map;
    }

    /** Writes key column {@code c} of groups {@code [from, from+n)} into {@code out}. */
    void writeKeys(int c, int from, int n, ColumnVector out) {
        out.reset(n);
        for (int g = from; g < from + n; g++) {
            if ((nullMasks[g] & (1L << c)) != 0) {
                out.appendNull();
                continue;
            }
            long k = keys[g * width + c];
            switch (types[c].physical()) {
                case LONG -> out.appendLong(k);
                case DOUBLE -> out.appendDouble(Double.longBitsToDouble(k));
                case BYTES -> {
                    ByteDictionary d = dicts[c];
                    out.appendBytes(d.data(), d.start((int) k), d.end((int) k) - d.start((int) k));
                }
            }
        }
    }
}
