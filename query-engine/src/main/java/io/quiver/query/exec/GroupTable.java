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
    /**
     * One record per group, {@link #stride} longs: hash, null mask, then the keys. Kept together so a
     * probe that reaches a group touches one cache line, not one per array (large tables miss cache).
     */
    private long[] records;
    private final int stride;
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
        stride = width + 2;
        records = new long[stride * 64];
        slots = new int[128];
        Arrays.fill(slots, -1);
        mask = 127;
    }

    int size() {
        return size;
    }

    long bytes() {
        long b = records.length * 8L + slots.length * 4L;
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
        if (width == 1 && dicts[0] != null) {
            singleStringKey(keyCols[0], idx, n, gids, scratch);
            return;
        }
        if (width == 1 && types[0].physical() == ColumnType.Physical.LONG) {
            singleLongKey(keyCols[0], idx, n, gids, scratch);
            return;
        }
        if (width > 1 && fewCodeCombinations(keyCols, n)) {
            codeCombinationKeys(keyCols, idx, n, gids, scratch);
            return;
        }
        anyKeys(keyCols, idx, n, gids, scratch);
    }

    /** Code combinations up to this many are indexed directly (an int per combination, reset per batch). */
    private static final int MAX_CODE_COMBINATIONS = 4096;
    /** For several dictionary-coded keys: code combination -> group id for the current batch (-1 unknown, -2 pending). */
    private int[] combinationGroups;
    private int[] rowCombination = new int[0];
    private int[] newRows = new int[0];
    private int[] newCombinations = new int[0];
    private int[] newGroups = new int[0];
    private int[] radix = new int[0];

    /** Whether every key is a dictionary-coded string and their code combinations (NULL as one more code) are few. */
    private boolean fewCodeCombinations(ColumnVector[] keyCols, int n) {
        int combinations = 1;
        for (int c = 0; c < width; c++) {
            ColumnVector v = keyCols[c];
            if (dicts[c] == null || !ExprCompiler.onCodes(v, n)) {
                return false;
            }
            combinations *= v.dictionary.size() + 1;
            if (combinations > MAX_CODE_COMBINATIONS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Several low-cardinality string keys (GROUP BY os, browser): a row's code combination indexes
     * its group directly. Only the first row of each combination new to the batch goes through the
     * hashing path, all of them in one call, so the table and its hashes stay those of {@link #anyKeys}.
     */
    private void codeCombinationKeys(ColumnVector[] keyCols, int[] idx, int n, int[] gids, long[] scratch) {
        if (radix.length < width) {
            radix = new int[width];
        }
        int combinations = 1;
        for (int c = 0; c < width; c++) {
            radix[c] = keyCols[c].dictionary.size() + 1;
            combinations *= radix[c];
        }
        combinationGroups = reset(combinationGroups, combinations);
        if (rowCombination.length < n) {
            rowCombination = new int[Math.max(n, Batch.MAX_ROWS)];
        }
        int fresh = 0;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            int combination = 0;
            for (int c = 0; c < width; c++) {
                ColumnVector v = keyCols[c];
                combination = combination * radix[c] + (v.nulls[i] ? 0 : v.dictCodes[i] + 1);
            }
            rowCombination[k] = combination;
            if (combinationGroups[combination] == -1) {
                combinationGroups[combination] = -2;
                if (newRows.length <= fresh) {
                    newRows = Arrays.copyOf(newRows, Math.max(16, fresh * 2));
                    newCombinations = Arrays.copyOf(newCombinations, newRows.length);
                }
                newRows[fresh] = i;
                newCombinations[fresh++] = combination;
            }
        }
        if (fresh > 0) {
            if (newGroups.length < fresh) {
                newGroups = new int[newRows.length];
            }
            anyKeys(keyCols, newRows, fresh, newGroups, scratch);
            for (int f = 0; f < fresh; f++) {
                combinationGroups[newCombinations[f]] = newGroups[f];
            }
        }
        for (int k = 0; k < n; k++) {
            gids[k] = combinationGroups[rowCombination[k]];
        }
    }

    /** Any number and types of keys: each row hashed and probed (string keys through this table's dictionaries). */
    private void anyKeys(ColumnVector[] keyCols, int[] idx, int n, int[] gids, long[] scratch) {
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
                g = groupOfString(dicts[0].intern(d.bytes, d.offsets[code], d.offsets[code + 1]), scratch);
                codeGroups[code] = g;
            }
            gids[k] = g;
        }
    }

    /** For a single string key: string id in {@code dicts[0]} -> group id (-1 not yet looked up). */
    private int[] groupOfId = new int[0];
    private int nullKeyGroup = -1;

    /**
     * One string key without dictionary codes: the string's id in the table's dictionary indexes
     * its group directly, so each row costs one hash lookup (the interning), not two.
     */
    private void singleStringKey(ColumnVector v, int[] idx, int n, int[] gids, long[] scratch) {
        ByteDictionary dict = dicts[0];
        byte[] bytes = v.bytes;
        int[] offsets = v.offsets;
        boolean[] nulls = v.nulls;
        boolean anyNull = v.hasNulls;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            if (anyNull && nulls[i]) {
                gids[k] = nullGroup(scratch);
                continue;
            }
            int id = dict.intern(bytes, offsets[i], offsets[i + 1]);
            int g = id < groupOfId.length ? groupOfId[id] : -1;
            gids[k] = g >= 0 ? g : groupOfString(id, scratch);
        }
    }

    /** One integer key: the generic loop without its per-column dispatch (same hashes, so tables still merge). */
    private void singleLongKey(ColumnVector v, int[] idx, int n, int[] gids, long[] scratch) {
        long[] x = v.longs;
        boolean[] nulls = v.nulls;
        boolean anyNull = v.hasNulls;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            if (anyNull && nulls[i]) {
                gids[k] = nullGroup(scratch);
                continue;
            }
            long key = x[i];
            long h = Values.mix((0x9E3779B97F4A7C15L ^ key) * 0xff51afd7ed558ccdL);
            int slot = (int) h & mask;
            while (true) {
                int g = slots[slot];
                if (g < 0) {
                    scratch[0] = key;
                    gids[k] = add(scratch, 0L, h, slot);
                    break;
                }
                int base = g * 3; // stride of one key
                if (records[base] == h && records[base + 2] == key && records[base + 1] == 0) {
                    gids[k] = g;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }

    /** The group of string id {@code id} of a single string key, found (or added) and remembered. */
    private int groupOfString(int id, long[] scratch) {
        if (id >= groupOfId.length) {
            int old = groupOfId.length;
            groupOfId = Arrays.copyOf(groupOfId, Math.max(64, Math.max(id + 1, old * 2)));
            Arrays.fill(groupOfId, old, groupOfId.length, -1);
        }
        int g = groupOfId[id];
        if (g < 0) {
            scratch[0] = id;
            g = find(scratch, 0L, Values.mix((0x9E3779B97F4A7C15L ^ id) * 0xff51afd7ed558ccdL));
            groupOfId[id] = g;
        }
        return g;
    }

    /** The group of the NULL key of a single-key table. */
    private int nullGroup(long[] scratch) {
        if (nullKeyGroup < 0) {
            scratch[0] = 0;
            nullKeyGroup = find(scratch, 1L, Values.mix(((0x9E3779B97F4A7C15L ^ 0L) * 0xff51afd7ed558ccdL) ^ 1L));
        }
        return nullKeyGroup;
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
            int base = g * stride;
            if (records[base] == h && records[base + 1] == nulls && sameKey(base + 2, key)) {
                return g;
            }
            s = (s + 1) & mask;
        }
    }

    private boolean sameKey(int at, long[] key) {
        for (int c = 0; c < width; c++) {
            if (records[at + c] != key[c]) {
                return false;
            }
        }
        return true;
    }

    private int add(long[] key, long nulls, long h, int slot) {
        int base = size * stride;
        if (base + stride > records.length) {
            records = Arrays.copyOf(records, records.length * 2);
        }
        records[base] = h;
        records[base + 1] = nulls;
        System.arraycopy(key, 0, records, base + 2, width);
        slots[slot] = size;
        size++;
        if (size * 2 > slots.length) {
            slots = new int[slots.length * 2];
            Arrays.fill(slots, -1);
            mask = slots.length - 1;
            for (int g = 0; g < size; g++) {
                int s = (int) records[g * stride] & mask;
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
            long nulls = other.records[g * stride + 1];
            long h = 0x9E3779B97F4A7C15L;
            for (int c = 0; c < width; c++) {
                long k = other.records[g * stride + 2 + c];
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
            if ((records[g * stride + 1] & (1L << c)) != 0) {
                out.appendNull();
                continue;
            }
            long k = records[g * stride + 2 + c];
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
