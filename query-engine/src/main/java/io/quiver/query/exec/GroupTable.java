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

    /** Group id of every live row of the batch's key vectors, into {@code gids[k]} for {@code idx[k]}. */
    void findOrInsert(ColumnVector[] keyCols, int[] idx, int n, int[] gids, long[] scratch) {
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
                        case BYTES -> dicts[c].intern(v.bytes, v.offsets[i], v.offsets[i + 1]);
                    };
                }
                scratch[c] = key;
                h = (h ^ key) * 0xff51afd7ed558ccdL + c;
            }
            h = Values.mix(h ^ nulls);
            gids[k] = find(scratch, nulls, h);
        }
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
