package io.quiver.query.exec;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.util.Arrays;

import static io.quiver.query.exec.TaggedSlots.EMPTY;
import static io.quiver.query.exec.TaggedSlots.TAG;

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
    /** Group ids tagged with their hashes ({@link TaggedSlots}): a probe rejects most other groups without loading their record. */
    private long[] slots;
    private int mask;

    /** Per batch: every live row's hash, null mask and keys ({@link #width} per row), then the slot each probe reads first. */
    private long[] rowHashes = new long[0];
    private long[] rowNulls = new long[0];
    private long[] rowKeys = new long[0];
    private long[] firstSlots = new long[0];

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
        slots = new long[128];
        Arrays.fill(slots, EMPTY);
        mask = 127;
    }

    int size() {
        return size;
    }

    long bytes() {
        long b = records.length * 8L + slots.length * 8L + (rowHashes.length + rowNulls.length + rowKeys.length + firstSlots.length) * 8L
                + (direct == null ? 0 : direct.length * 4L);
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

    /** After {@link #countRows}: the groups the batch's rows fell into, and how many rows each. */
    private int[] countedGroups = new int[0];
    private long[] countedRows = new long[0];
    /** After {@link #countRows}: the key slot of each counted group (0 NULL, else code + 1 or value - min + 1). */
    private int[] countedSlots = new int[0];
    /** After {@link #countRows}: whether the key was dictionary-coded, else the batch's smallest integer key (slot 1). */
    private boolean countedCoded;
    private long countedMin;
    private int countedSlotCount;
    private int[] rowSlots = new int[0];
    private int[] keyCounts;

    int[] countedGroups() {
        return countedGroups;
    }

    long[] countedRows() {
        return countedRows;
    }

    int[] countedSlots() {
        return countedSlots;
    }

    /** After {@link #countRows}: how many key slots the batch's key can take (a bound on {@link #countedSlots}). */
    int countedSlotCount() {
        return countedSlotCount;
    }

    /**
     * After {@link #countRows} over the same key vector: the key slot of each of {@code rows[0..m)}
     * (row positions, not batch indexes), matching {@link #countedSlots}.
     */
    int[] keySlots(ColumnVector v, int[] rows, int m) {
        if (rowSlots.length < m) {
            rowSlots = new int[Math.max(m, Batch.MAX_ROWS)];
        }
        int[] out = rowSlots;
        boolean[] nulls = v.nulls;
        boolean anyNull = v.hasNulls;
        if (countedCoded) {
            int[] codes = v.dictCodes;
            for (int j = 0; j < m; j++) {
                int i = rows[j];
                out[j] = anyNull && nulls[i] ? 0 : codes[i] + 1;
            }
        } else {
            long[] x = v.longs;
            long min = countedMin;
            for (int j = 0; j < m; j++) {
                int i = rows[j];
                out[j] = anyNull && nulls[i] ? 0 : (int) (x[i] - min) + 1;
            }
        }
        return out;
    }

    /**
     * For an aggregation that only counts rows (GROUP BY device with COUNT(*)): when the single key
     * is dictionary-coded, or an integer over a small range, counts the live rows per code or value
     * in one pass and finds each distinct one's group, with no group id per row. Returns how many
     * groups were met ({@link #countedGroups}, {@link #countedRows}), or -1 when the key is of
     * neither kind (then {@link #findOrInsert} is the way).
     */
    int countRows(ColumnVector[] keyCols, int[] idx, int n, long[] scratch) {
        if (width != 1 || n == 0) {
            return -1;
        }
        ColumnVector v = keyCols[0];
        boolean[] nulls = v.nulls;
        if (dicts[0] != null) {
            if (!ExprCompiler.onCodes(v, n) || v.dictionary.size() > n) {
                return -1;
            }
            ColumnVector d = v.dictionary;
            int entries = d.size();
            // slot 0 is the NULL key, slot c + 1 dictionary code c
            int[] counts = keyCounts = zeroed(keyCounts, entries + 1);
            int[] codes = v.dictCodes;
            if (v.hasNulls) {
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    counts[nulls[i] ? 0 : codes[i] + 1]++;
                }
            } else {
                for (int k = 0; k < n; k++) {
                    counts[codes[idx[k]] + 1]++;
                }
            }
            int[] list = metCodes(entries);
            int met = 0;
            for (int c = 0; c < entries; c++) {
                if (counts[c + 1] != 0) {
                    list[met++] = c;
                }
            }
            int out = ensureCounted(met + 1);
            countedCoded = true;
            countedSlotCount = entries + 1;
            if (counts[0] != 0) {
                countedGroups[out] = nullGroup(scratch);
                countedSlots[out] = 0;
                countedRows[out++] = counts[0];
            }
            if (met > 0) {
                int[] ids = metIds;
                dicts[0].internRows(d.bytes, d.offsets, null, list, met, ids);
                for (int j = 0; j < met; j++) {
                    countedGroups[out] = groupOfString(ids[j], scratch);
                    countedSlots[out] = list[j] + 1;
                    countedRows[out++] = counts[list[j] + 1];
                }
            }
            return out;
        }
        if (types[0].physical() != ColumnType.Physical.LONG) {
            return -1;
        }
        long[] x = v.longs;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int k = 0; k < n; k++) {
            // NULL rows count too: whatever their slot holds only widens the range, they go to slot 0 anyway
            long key = x[idx[k]];
            min = Math.min(min, key);
            max = Math.max(max, key);
        }
        if (max - min < 0 || max - min >= Math.min(MAX_DIRECT_RANGE, n)) {
            return -1;
        }
        int range = (int) (max - min);
        int[] counts = keyCounts = zeroed(keyCounts, range + 2);
        if (v.hasNulls) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                counts[nulls[i] ? 0 : (int) (x[i] - min) + 1]++;
            }
        } else {
            for (int k = 0; k < n; k++) {
                counts[(int) (x[idx[k]] - min) + 1]++;
            }
        }
        int out = ensureCounted(range + 2);
        countedCoded = false;
        countedMin = min;
        countedSlotCount = range + 2;
        if (counts[0] != 0) {
            countedGroups[out] = nullGroup(scratch);
            countedSlots[out] = 0;
            countedRows[out++] = counts[0];
        }
        for (int s = 1; s <= range + 1; s++) {
            if (counts[s] != 0) {
                long key = min + s - 1;
                scratch[0] = key;
                countedGroups[out] = find(scratch, 0L, Values.mix((0x9E3779B97F4A7C15L ^ key) * 0xff51afd7ed558ccdL));
                countedSlots[out] = s;
                countedRows[out++] = counts[s];
            }
        }
        return out;
    }

    private int ensureCounted(int n) {
        if (countedGroups.length < n) {
            countedGroups = new int[Math.max(n, 64)];
            countedRows = new long[countedGroups.length];
            countedSlots = new int[countedGroups.length];
        }
        return 0;
    }

    private static int[] zeroed(int[] a, int n) {
        if (a == null || a.length < n) {
            return new int[Math.max(n, 64)];
        }
        java.util.Arrays.fill(a, 0, n, 0);
        return a;
    }

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
        if (width > 1 && fewKeyCombinations(keyCols, idx, n)) {
            smallKeyCombinations(keyCols, idx, n, gids, scratch);
            return;
        }
        anyKeys(keyCols, idx, n, gids, scratch);
    }

    /** Key combinations up to this many are indexed directly (an int per combination, reset per batch). */
    private static final int MAX_CODE_COMBINATIONS = 4096;
    /** For several small keys: key combination -> group id for the current batch (-1 unknown, -2 pending). */
    private int[] combinationGroups;
    private int[] rowCombination = new int[0];
    private int[] newRows = new int[0];
    private int[] newCombinations = new int[0];
    private int[] newGroups = new int[0];
    /** Per key of the current batch: how many values it takes (NULL included), and an integer key's smallest value. */
    private int[] radix = new int[0];
    private long[] rangeMin = new long[0];
    /** Rows sent through the hashed path by {@link #smallKeyCombinations} (one per combination new to a batch). */
    private long combinationRowsHashed;

    long combinationRowsHashed() {
        return combinationRowsHashed;
    }

    /**
     * Whether every key is a dictionary-coded string or an integer whose batch values span a small
     * range, and their combinations (NULL as one more value of each) are few; fills {@link #radix}
     * and {@link #rangeMin}. Dictionary sizes are checked before any integer column is read, so a
     * large dictionary (user id and search phrase) costs no pass over the rows.
     */
    private boolean fewKeyCombinations(ColumnVector[] keyCols, int[] idx, int n) {
        if (radix.length < width) {
            radix = new int[width];
            rangeMin = new long[width];
        }
        long combinations = 1;
        for (int c = 0; c < width; c++) {
            ColumnVector v = keyCols[c];
            if (dicts[c] != null) {
                if (!ExprCompiler.onCodes(v, n)) {
                    return false;
                }
                radix[c] = v.dictionary.size() + 1;
                combinations *= radix[c];
                if (combinations > MAX_CODE_COMBINATIONS) {
                    return false;
                }
            } else if (types[c].physical() != ColumnType.Physical.LONG) {
                return false;
            }
        }
        for (int c = 0; c < width; c++) {
            if (dicts[c] != null) {
                continue;
            }
            ColumnVector v = keyCols[c];
            long[] x = v.longs;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            if (v.hasNulls) {
                // a NULL row's slot may hold anything (0 for a date far from the others): it takes value 0 anyway
                boolean[] nulls = v.nulls;
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    long key = nulls[i] ? min : x[i];
                    min = Math.min(min, key);
                    max = Math.max(max, nulls[i] ? max : key);
                }
                if (min > max) {
                    min = max = 0; // every live row NULL
                }
            } else {
                for (int k = 0; k < n; k++) {
                    long key = x[idx[k]];
                    min = Math.min(min, key);
                    max = Math.max(max, key);
                }
            }
            long span = max - min; // negative when the true span overflows a long
            if (n == 0 || span < 0 || span >= MAX_CODE_COMBINATIONS) {
                return false;
            }
            rangeMin[c] = min;
            radix[c] = (int) span + 2;
            combinations *= radix[c];
            if (combinations > MAX_CODE_COMBINATIONS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Several small keys (GROUP BY os, browser; GROUP BY tenant_id, event_date): a row's combination
     * of dictionary codes and offsets in its batch's integer ranges indexes its group directly. Only
     * the first row of each combination new to the batch goes through the hashing path, all of them
     * in one call, so the table and its hashes stay those of {@link #anyKeys} (tables still merge,
     * and batches of wide ranges hash into the same groups).
     */
    private void smallKeyCombinations(ColumnVector[] keyCols, int[] idx, int n, int[] gids, long[] scratch) {
        int combinations = 1;
        for (int c = 0; c < width; c++) {
            combinations *= radix[c];
        }
        combinationGroups = reset(combinationGroups, combinations);
        if (rowCombination.length < n) {
            rowCombination = new int[Math.max(n, Batch.MAX_ROWS)];
        }
        int[] rc = rowCombination;
        Arrays.fill(rc, 0, n, 0);
        // a column at a time, so each loop is one shape without a per-row dispatch on the key's kind
        for (int c = 0; c < width; c++) {
            ColumnVector v = keyCols[c];
            int r = radix[c];
            boolean[] nulls = v.nulls;
            if (dicts[c] != null) {
                int[] codes = v.dictCodes;
                if (v.hasNulls) {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        rc[k] = rc[k] * r + (nulls[i] ? 0 : codes[i] + 1);
                    }
                } else {
                    for (int k = 0; k < n; k++) {
                        rc[k] = rc[k] * r + codes[idx[k]] + 1;
                    }
                }
            } else {
                long[] x = v.longs;
                long min = rangeMin[c];
                if (v.hasNulls) {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        rc[k] = rc[k] * r + (nulls[i] ? 0 : (int) (x[i] - min) + 1);
                    }
                } else {
                    for (int k = 0; k < n; k++) {
                        rc[k] = rc[k] * r + (int) (x[idx[k]] - min) + 1;
                    }
                }
            }
        }
        int[] cg = combinationGroups;
        int fresh = 0;
        for (int k = 0; k < n; k++) {
            int combination = rc[k];
            if (cg[combination] == -1) {
                cg[combination] = -2;
                if (newRows.length <= fresh) {
                    newRows = Arrays.copyOf(newRows, Math.max(16, fresh * 2));
                    newCombinations = Arrays.copyOf(newCombinations, newRows.length);
                }
                newRows[fresh] = idx[k];
                newCombinations[fresh++] = combination;
            }
        }
        if (fresh > 0) {
            if (newGroups.length < fresh) {
                newGroups = new int[newRows.length];
            }
            combinationRowsHashed += fresh;
            anyKeys(keyCols, newRows, fresh, newGroups, scratch);
            for (int f = 0; f < fresh; f++) {
                cg[newCombinations[f]] = newGroups[f];
            }
        }
        for (int k = 0; k < n; k++) {
            gids[k] = cg[rc[k]];
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
                internCodes(c, v, idx, n, ids[c]);
            } else if (ids != null) {
                ids[c] = null;
            }
        }
        if (ids == null && codeIds != null) {
            java.util.Arrays.fill(codeIds, null);
        }
        ensureRowBuffers(n);
        long[] keysOut = rowKeys;
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
                            yield cache[v.dictCodes[i]];
                        }
                    };
                }
                keysOut[k * width + c] = key;
                h = (h ^ key) * 0xff51afd7ed558ccdL + c;
            }
            rowNulls[k] = nulls;
            rowHashes[k] = Values.mix(h ^ nulls);
        }
        probeRows(n, gids);
    }

    /**
     * The ids in {@code dicts[c]} of the codes the live rows of dictionary-coded {@code v} hold, into
     * {@code cache} (reset to -1), interned together so their cache misses overlap.
     */
    private void internCodes(int c, ColumnVector v, int[] idx, int n, int[] cache) {
        int[] list = metCodes(Math.min(n, v.dictionary.size()));
        int[] codes = v.dictCodes;
        boolean[] nulls = v.nulls;
        int met = 0;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            if (!nulls[i]) {
                int code = codes[i];
                if (cache[code] == -1) {
                    cache[code] = -2;
                    list[met++] = code;
                }
            }
        }
        ColumnVector d = v.dictionary;
        int[] ids = metIds;
        dicts[c].internRows(d.bytes, d.offsets, null, list, met, ids);
        for (int j = 0; j < met; j++) {
            cache[list[j]] = ids[j];
        }
    }

    private void ensureRowBuffers(int n) {
        if (rowHashes.length < n) {
            int cap = Math.max(n, Batch.MAX_ROWS);
            rowHashes = new long[cap];
            rowNulls = new long[cap];
            firstSlots = new long[cap];
            rowKeys = new long[cap * Math.max(1, width)];
        }
    }

    /**
     * Groups of the {@code n} rows in {@link #rowHashes}/{@link #rowNulls}/{@link #rowKeys}, in
     * passes of loads that do not wait on one another, so that the cache misses of a table much
     * larger than the cache overlap instead of following one another: first every row's candidate
     * (the first slot on its probe path with its hash tag, or an empty slot), then every candidate's
     * record. Rows whose candidate holds their key (nearly all repeats) are settled there; the rest
     * (new groups, tag collisions, slots moved by a growth in this batch) take the full probe.
     */
    private void probeRows(int n, int[] gids) {
        long[] hashes = rowHashes;
        long[] first = firstSlots;
        long[] table = slots;
        int m = mask;
        for (int k = 0; k < n; k++) {
            first[k] = TaggedSlots.candidate(table, m, hashes[k]);
        }
        long[] nulls = rowNulls;
        long[] keys = rowKeys;
        int w = width;
        int st = stride;
        long[] rec = records;
        int misses = 0;
        for (int k = 0; k < n; k++) {
            long e = first[k];
            int g = (int) e;
            if (e != EMPTY && rec[g * st + 1] == nulls[k] && sameKey(rec, g * st + 2, keys, k * w)) {
                gids[k] = g;
            } else {
                gids[k] = -1;
                misses++;
            }
        }
        for (int k = 0; misses > 0 && k < n; k++) {
            if (gids[k] < 0) {
                gids[k] = find(keys, k * w, nulls[k], hashes[k]);
                misses--;
            }
        }
    }

    /**
     * One dictionary-coded string key: each distinct code of the batch is looked up once, all of
     * them together ({@link ByteDictionary#internRows}), so their cache misses overlap. The
     * codes present are marked first, then the per-row loop is a gather with no branch and no call:
     * a call in the loop would make the JIT reload every array from its field on each row.
     */
    private void singleDictionaryKey(ColumnVector v, int[] idx, int n, int[] gids, long[] scratch) {
        ColumnVector d = v.dictionary;
        int entries = d.size();
        // slot 0 is the NULL key, slot c + 1 dictionary code c
        int[] slots = codeGroups = reset(codeGroups, entries + 1);
        int[] codes = v.dictCodes;
        boolean[] nulls = v.nulls;
        int met;
        if (entries < n) {
            if (v.hasNulls) {
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    slots[nulls[i] ? 0 : codes[i] + 1] = -2;
                }
            } else {
                for (int k = 0; k < n; k++) {
                    slots[codes[idx[k]] + 1] = -2;
                }
            }
            int[] list = metCodes(entries);
            met = 0;
            for (int c = 0; c < entries; c++) {
                if (slots[c + 1] == -2) {
                    list[met++] = c;
                }
            }
        } else {
            // a dictionary larger than the batch (a filtered batch of a large block): list the codes met, not every entry
            int[] list = metCodes(n);
            met = 0;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                int slot = nulls[i] ? 0 : codes[i] + 1;
                if (slots[slot] == -1) {
                    slots[slot] = -2;
                    if (slot > 0) {
                        list[met++] = slot - 1;
                    }
                }
            }
        }
        // only codes some live row holds become groups: a filtered-out code must not appear as an empty group
        if (slots[0] == -2) {
            slots[0] = nullGroup(scratch);
        }
        if (met > 0) {
            int[] ids = metIds;
            dicts[0].internRows(d.bytes, d.offsets, null, metCodes, met, ids);
            for (int j = 0; j < met; j++) {
                slots[metCodes[j] + 1] = groupOfString(ids[j], scratch);
            }
        }
        if (v.hasNulls) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                gids[k] = slots[nulls[i] ? 0 : codes[i] + 1];
            }
        } else {
            for (int k = 0; k < n; k++) {
                gids[k] = slots[codes[idx[k]] + 1];
            }
        }
    }

    /** The dictionary codes a batch holds, and their ids in a table dictionary. */
    private int[] metCodes = new int[0];
    private int[] metIds = new int[0];

    private int[] metCodes(int n) {
        if (metCodes.length < n) {
            metCodes = new int[Math.max(n, 64)];
            metIds = new int[metCodes.length];
        }
        return metCodes;
    }

    /** For a single string key: string id in {@code dicts[0]} -> group id (-1 not yet looked up). */
    private int[] groupOfId = new int[0];
    private int nullKeyGroup = -1;

    /**
     * One string key without dictionary codes: each string carries its group as its value in the
     * table's dictionary ({@link ByteDictionary#setValue}), so a row costs one hash lookup (the
     * interning) and no second one, nor a load from a side array of groups per string id.
     */
    private void singleStringKey(ColumnVector v, int[] idx, int n, int[] gids, long[] scratch) {
        ByteDictionary d = dicts[0];
        d.internRows(v.bytes, v.offsets, v.hasNulls ? v.nulls : null, idx, n, gids, true);
        for (int k = 0; k < n; k++) {
            int g = gids[k];
            if (g < 0) {
                if (g == -1) {
                    gids[k] = nullGroup(scratch);
                } else {
                    int id = -2 - g;
                    g = d.value(id);
                    if (g < 0) {
                        g = groupOfString(id, scratch);
                        d.setValue(id, g);
                    }
                    gids[k] = g;
                }
            }
        }
    }

    /** Key ranges up to this many values (per batch) are indexed directly by {@link #smallRangeLongKey}. */
    private static final int MAX_DIRECT_RANGE = 1024;
    /** For a single integer key over a small range: key - min + 1 -> group id for the current batch (slot 0: NULL). */
    private int[] rangeGroups;

    /**
     * One integer key: when the batch's keys span a small range (an hour, a status code, a tenant
     * id), the key's offset in that range indexes its group directly, as dictionary codes do;
     * otherwise each row is hashed and probed, the generic loop without its per-column dispatch.
     * Both find groups through the same hashes, so tables still merge.
     */
    private void singleLongKey(ColumnVector v, int[] idx, int n, int[] gids, long[] scratch) {
        long[] x = v.longs;
        boolean[] isNull = v.nulls;
        boolean anyNull = v.hasNulls;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            // NULL rows count too: whatever their slot holds only widens the range, they map to slot 0 anyway
            min = Math.min(min, x[i]);
            max = Math.max(max, x[i]);
        }
        if (n > 0 && max - min >= 0 && max - min < Math.min(MAX_DIRECT_RANGE, n)) {
            smallRangeLongKey(x, isNull, anyNull, min, (int) (max - min), idx, n, gids, scratch);
            return;
        }
        if (n > 0 && directCovers(min, max, n)) {
            directLongKey(x, isNull, anyNull, idx, n, gids, scratch);
            return;
        }
        hashedLongKey(v, idx, n, gids);
    }

    /** Keys of a single integer key that are dense ids: key - directBase -> group id + 1 (0: not looked up yet). */
    private int[] direct;
    private long directBase;
    /** Window entries allowed per group (plus the batch's rows), and at most this many entries in all (32 MiB). */
    private static final long DIRECT_PER_GROUP = 16;
    private static final long MAX_DIRECT_ENTRIES = 1L << 23;

    /**
     * Whether the direct index covers keys [min, max], growing it when the window needed stays small
     * against the groups (ids over a few hundred thousand values: an int each, 1.6 MB, where the
     * hashed table's slots and records take 17 MB and a probe misses the cache twice).
     */
    private boolean directCovers(long min, long max, int n) {
        // keys this far from the ends of the long range keep every window offset below free of overflow
        if (min < Long.MIN_VALUE + MAX_DIRECT_ENTRIES || max > Long.MAX_VALUE - MAX_DIRECT_ENTRIES) {
            return false;
        }
        if (direct != null && min >= directBase && max - directBase < direct.length) {
            return true;
        }
        long lo = direct == null ? min : Math.min(min, directBase);
        long hi = direct == null ? max : Math.max(max, directBase + direct.length - 1);
        long width = hi - lo; // negative only when the true width overflows a long
        long allowed = Math.min(MAX_DIRECT_ENTRIES, Math.max(1 << 12, DIRECT_PER_GROUP * ((long) size + n)));
        if (width < 0 || width >= allowed) {
            return false;
        }
        long span = width + 1;
        long room = Math.min(allowed, Long.highestOneBit(span - 1) << 1);
        int[] grown = new int[(int) Math.max(span, room)];
        if (direct != null) {
            System.arraycopy(direct, 0, grown, (int) (directBase - lo), direct.length);
        }
        direct = grown;
        directBase = lo;
        return true;
    }

    /**
     * Group ids through the direct index: a gather per row, no call; keys not looked up yet (and
     * NULLs) go through the hashed find afterwards, which is what keeps the index a cache of the table.
     */
    private void directLongKey(long[] x, boolean[] isNull, boolean anyNull, int[] idx, int n, int[] gids, long[] scratch) {
        int[] d = direct;
        long base = directBase;
        int misses = 0;
        if (anyNull) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                int g = isNull[i] ? -1 : d[(int) (x[i] - base)] - 1;
                gids[k] = g;
                misses += g >>> 31;
            }
        } else {
            for (int k = 0; k < n; k++) {
                int g = d[(int) (x[idx[k]] - base)] - 1;
                gids[k] = g;
                misses += g >>> 31;
            }
        }
        for (int k = 0; misses > 0 && k < n; k++) {
            if (gids[k] >= 0) {
                continue;
            }
            misses--;
            int i = idx[k];
            if (anyNull && isNull[i]) {
                gids[k] = nullGroup(scratch);
                continue;
            }
            long key = x[i];
            scratch[0] = key;
            int g = find(scratch, 0L, Values.mix((0x9E3779B97F4A7C15L ^ key) * 0xff51afd7ed558ccdL));
            d[(int) (key - base)] = g + 1;
            gids[k] = g;
        }
    }

    private void smallRangeLongKey(long[] x, boolean[] isNull, boolean anyNull, long min, int range, int[] idx, int n,
                                   int[] gids, long[] scratch) {
        int[] slots = rangeGroups = reset(rangeGroups, range + 2);
        if (anyNull) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                slots[isNull[i] ? 0 : (int) (x[i] - min) + 1] = -2;
            }
        } else {
            for (int k = 0; k < n; k++) {
                slots[(int) (x[idx[k]] - min) + 1] = -2;
            }
        }
        // only keys some live row holds become groups
        if (slots[0] == -2) {
            slots[0] = nullGroup(scratch);
        }
        for (int s = 1; s <= range + 1; s++) {
            if (slots[s] == -2) {
                long key = min + s - 1;
                scratch[0] = key;
                slots[s] = find(scratch, 0L, Values.mix((0x9E3779B97F4A7C15L ^ key) * 0xff51afd7ed558ccdL));
            }
        }
        if (anyNull) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                gids[k] = slots[isNull[i] ? 0 : (int) (x[i] - min) + 1];
            }
        } else {
            for (int k = 0; k < n; k++) {
                gids[k] = slots[(int) (x[idx[k]] - min) + 1];
            }
        }
    }

    private void hashedLongKey(ColumnVector v, int[] idx, int n, int[] gids) {
        ensureRowBuffers(n);
        long[] x = v.longs;
        boolean[] isNull = v.nulls;
        boolean anyNull = v.hasNulls;
        long[] keys = rowKeys;
        long[] nulls = rowNulls;
        long[] hashes = rowHashes;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            long nullBit = anyNull && isNull[i] ? 1L : 0L;
            long key = nullBit == 0 ? x[i] : 0L;
            keys[k] = key;
            nulls[k] = nullBit;
            hashes[k] = Values.mix(((0x9E3779B97F4A7C15L ^ key) * 0xff51afd7ed558ccdL) ^ nullBit);
        }
        probeRows(n, gids);
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
        return find(key, 0, nulls, h);
    }

    private int find(long[] key, int keyAt, long nulls, long h) {
        int s = (int) h & mask;
        long tag = h & TAG;
        while (true) {
            long e = slots[s];
            if (e == EMPTY) {
                return add(key, keyAt, nulls, h, s);
            }
            if ((e & TAG) == tag) {
                int base = (int) e * stride;
                if (records[base + 1] == nulls && sameKey(base + 2, key, keyAt)) {
                    return (int) e;
                }
            }
            s = (s + 1) & mask;
        }
    }

    private boolean sameKey(int at, long[] key, int keyAt) {
        return sameKey(records, at, key, keyAt);
    }

    private boolean sameKey(long[] rec, int at, long[] key, int keyAt) {
        for (int c = 0; c < width; c++) {
            if (rec[at + c] != key[keyAt + c]) {
                return false;
            }
        }
        return true;
    }

    private int add(long[] key, int keyAt, long nulls, long h, int slot) {
        int base = size * stride;
        if (base + stride > records.length) {
            records = Arrays.copyOf(records, records.length * 2);
        }
        records[base] = h;
        records[base + 1] = nulls;
        System.arraycopy(key, keyAt, records, base + 2, width);
        slots[slot] = TaggedSlots.entry(h, size);
        size++;
        if (size * 2 > slots.length) {
            slots = new long[slots.length * 2];
            Arrays.fill(slots, EMPTY);
            mask = slots.length - 1;
            for (int g = 0; g < size; g++) {
                long gh = records[g * stride];
                int s = (int) gh & mask;
                while (slots[s] != EMPTY) {
                    s = (s + 1) & mask;
                }
                slots[s] = TaggedSlots.entry(gh, g);
            }
        }
        return size - 1;
    }

    /** Inserts every group of {@code other}; returns other's group id -> this table's group id. */
    int[] mergeFrom(GroupTable other) {
        int[] map = new int[other.size];
        int[] chunkGids = new int[Batch.MAX_ROWS];
        // other's string ids -> ours, each string looked up once rather than once per group holding it
        int[][] idMaps = new int[width][];
        for (int c = 0; c < width; c++) {
            if (dicts[c] != null) {
                idMaps[c] = new int[other.dicts[c].size()];
                dicts[c].internAll(other.dicts[c], idMaps[c]);
            }
        }
        long[] otherRecords = other.records;
        for (int from = 0; from < other.size; from += Batch.MAX_ROWS) {
            int n = Math.min(Batch.MAX_ROWS, other.size - from);
            ensureRowBuffers(n);
            for (int j = 0; j < n; j++) {
                int at = (from + j) * stride;
                long nulls = otherRecords[at + 1];
                long h = 0x9E3779B97F4A7C15L;
                for (int c = 0; c < width; c++) {
                    long k = otherRecords[at + 2 + c];
                    if (dicts[c] != null && (nulls & (1L << c)) == 0) {
                        k = idMaps[c][(int) k];
                    }
                    rowKeys[j * width + c] = k;
                    h = (h ^ k) * 0xff51afd7ed558ccdL + c;
                }
                rowNulls[j] = nulls;
                rowHashes[j] = width == 0 ? 0 : Values.mix(h ^ nulls);
            }
            probeRows(n, chunkGids);
            System.arraycopy(chunkGids, 0, map, from, n);
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
