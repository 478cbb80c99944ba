package io.quiver.query.exec;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Group ids against a map from key to first-seen order, over enough groups that the table grows
 * in the middle of batches and repeats a key new to the batch (the cases the batched probe settles
 * apart from the plain lookups).
 */
class GroupTableTest {
    private static final int BATCHES = 120;

    @Test
    void singleIntegerKeyWithNullsGetsDenseFirstSeenIds() {
        SplittableRandom random = new SplittableRandom(7);
        GroupTable table = new GroupTable(new ColumnType[] {ColumnType.BIGINT});
        Map<List<Object>, Integer> expected = new HashMap<>();
        for (int b = 0; b < BATCHES; b++) {
            ColumnVector v = new ColumnVector(ColumnType.BIGINT, Batch.MAX_ROWS);
            List<List<Object>> keys = new ArrayList<>();
            for (int i = 0; i < Batch.MAX_ROWS; i++) {
                if (random.nextInt(50) == 0) {
                    v.appendNull();
                    keys.add(Arrays.asList((Object) null));
                } else {
                    long k = random.nextLong(200_000) - 100_000;
                    v.appendLong(k);
                    keys.add(List.of(k));
                }
            }
            assertBatch(table, expected, new ColumnVector[] {v}, keys);
        }
        assertEquals(expected.size(), table.size());
    }

    @Test
    void integerAndStringKeysGetDenseFirstSeenIdsAndMerge() {
        ColumnType[] types = {ColumnType.BIGINT, ColumnType.VARCHAR};
        GroupTable left = new GroupTable(types);
        GroupTable right = new GroupTable(types);
        Map<List<Object>, Integer> leftIds = new HashMap<>();
        Map<List<Object>, Integer> rightIds = new HashMap<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int b = 0; b < BATCHES; b++) {
            ColumnVector ints = new ColumnVector(ColumnType.BIGINT, Batch.MAX_ROWS);
            ColumnVector strings = new ColumnVector(ColumnType.VARCHAR, Batch.MAX_ROWS);
            List<List<Object>> keys = new ArrayList<>();
            for (int i = 0; i < Batch.MAX_ROWS; i++) {
                long k = random.nextLong(3_000);
                ints.appendLong(k);
                if (random.nextInt(40) == 0) {
                    strings.appendNull();
                    keys.add(Arrays.asList(k, null));
                } else {
                    String s = "phrase number " + random.nextInt(100);
                    strings.appendString(s);
                    keys.add(List.of(k, s));
                }
            }
            boolean toLeft = b % 2 == 0;
            assertBatch(toLeft ? left : right, toLeft ? leftIds : rightIds, new ColumnVector[] {ints, strings}, keys);
        }
        int[] map = left.mergeFrom(right);
        Map<List<Object>, Integer> merged = new HashMap<>(leftIds);
        List<List<Object>> rightInOrder = inIdOrder(rightIds);
        for (List<Object> key : rightInOrder) {
            merged.putIfAbsent(key, merged.size());
        }
        int[] expectedMap = new int[rightInOrder.size()];
        for (int g = 0; g < expectedMap.length; g++) {
            expectedMap[g] = merged.get(rightInOrder.get(g));
        }
        assertArrayEquals(expectedMap, map);
        assertEquals(merged.size(), left.size());
        ColumnVector out = new ColumnVector(ColumnType.VARCHAR, 16);
        List<List<Object>> mergedInOrder = inIdOrder(merged);
        for (int g = 0; g < left.size(); g += 997) {
            left.writeKeys(1, g, 1, out);
            Object expectedString = mergedInOrder.get(g).get(1);
            assertEquals(expectedString == null, out.nulls[0], "null key of group " + g);
            if (expectedString != null) {
                assertEquals(expectedString, new String(out.bytes, out.offsets[0], out.offsets[1] - out.offsets[0],
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    private static void assertBatch(GroupTable table, Map<List<Object>, Integer> expected, ColumnVector[] cols,
                                    List<List<Object>> keys) {
        int n = keys.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        int[] gids = new int[n];
        table.findOrInsert(cols, idx, n, gids, new long[cols.length]);
        for (int i = 0; i < n; i++) {
            Integer id = expected.putIfAbsent(keys.get(i), expected.size());
            assertEquals(id == null ? expected.size() - 1 : id, gids[i], "row " + i + " key " + keys.get(i));
        }
    }

    private static List<List<Object>> inIdOrder(Map<List<Object>, Integer> ids) {
        List<List<Object>> keys = new ArrayList<>(ids.keySet());
        keys.sort((a, b) -> Integer.compare(ids.get(a), ids.get(b)));
        return keys;
    }

    /**
     * Batches whose integer keys span a small range (grouped by offset in the range) and batches
     * that do not (hashed), into one table: a key keeps one group whichever path met it, NULL is one
     * group, keys near the ends of the long range neither overflow nor merge, and only rows of the
     * selection make groups.
     */
    @Test
    void smallRangeAndHashedIntegerKeysShareGroups() {
        GroupTable table = new GroupTable(new ColumnType[] {ColumnType.BIGINT});
        Map<Object, Integer> ids = new HashMap<>();
        SplittableRandom random = new SplittableRandom(5);
        // {first key, key count}; the sparse selections skip the odd rows, so (with the key from the row number) some keys of the range never show
        long[][] ranges = {{0, 24}, {-100_000, 100_000}, {Long.MAX_VALUE - 5, 6}, {Long.MIN_VALUE, 3}, {1_000, 40}};
        for (int b = 0; b < 40; b++) {
            long[] range = ranges[b % ranges.length];
            ColumnVector v = new ColumnVector(ColumnType.BIGINT, Batch.MAX_ROWS);
            for (int i = 0; i < Batch.MAX_ROWS; i++) {
                if (random.nextInt(30) == 0) {
                    v.appendNull();
                } else {
                    // odd rows hold the odd offsets of the range, even rows the even ones
                    long offset = (random.nextLong(range[1]) & ~1L) | (i & 1);
                    v.appendLong(range[0] + (offset < range[1] ? offset : offset - 2));
                }
            }
            if (b == 7) {
                v.longs[3] = Long.MIN_VALUE; // one batch spanning the whole long range: its width overflows
                v.longs[4] = Long.MAX_VALUE;
                v.nulls[3] = false;
                v.nulls[4] = false;
            }
            assertConsistentGroups(table, ids, v, everyOther(Batch.MAX_ROWS, b % 3 == 0));
        }
        assertEquals(ids.size(), table.size(), "a group per distinct live key, no more");
    }

    /**
     * Dense ids over a wide range (a user id): hashed while the groups are few against the range,
     * then through the direct index, which grows downwards and upwards as new ids arrive; NULLs,
     * selections, and batches reaching the ends of the long range (never indexed directly) mixed in.
     */
    @Test
    void denseIdsMoveToTheDirectIndexAndKeepTheirGroups() {
        GroupTable table = new GroupTable(new ColumnType[] {ColumnType.BIGINT});
        Map<Object, Integer> ids = new HashMap<>();
        SplittableRandom random = new SplittableRandom(17);
        for (int b = 0; b < 150; b++) {
            ColumnVector v = new ColumnVector(ColumnType.BIGINT, Batch.MAX_ROWS);
            // the id range widens with the batches, below and above the first ids
            long lo = 5_000_000 - 2_000L * b;
            long width = 200_000 + 4_000L * b;
            for (int i = 0; i < Batch.MAX_ROWS; i++) {
                if (random.nextInt(40) == 0) {
                    v.appendNull();
                } else if (b % 37 == 36 && i < 3) {
                    v.appendLong(i == 0 ? Long.MIN_VALUE : Long.MAX_VALUE - i);
                } else {
                    v.appendLong(lo + random.nextLong(width));
                }
            }
            assertConsistentGroups(table, ids, v, everyOther(Batch.MAX_ROWS, b % 4 == 1));
        }
    }

    /** Dictionary-coded keys under a selection: codes no selected row holds make no group. */
    @Test
    void dictionaryKeyGroupsOnlySelectedCodes() {
        GroupTable table = new GroupTable(new ColumnType[] {ColumnType.VARCHAR});
        Map<Object, Integer> ids = new HashMap<>();
        ColumnVector dict = new ColumnVector(ColumnType.VARCHAR, 8);
        for (String s : List.of("a", "b", "c", "d")) {
            dict.appendString(s);
        }
        for (int b = 0; b < 6; b++) {
            int n = 400;
            ColumnVector v = new ColumnVector(ColumnType.VARCHAR, n);
            v.dictCodes = new int[n];
            for (int i = 0; i < n; i++) {
                // even rows hold "a" or "b", odd rows "c" or "d"; some rows NULL
                boolean isNull = i % 37 == 5;
                int code = isNull ? -1 : (i % 2) * 2 + (i / 2 + b) % 2;
                v.appendString(isNull ? "" : List.of("a", "b", "c", "d").get(code));
                v.nulls[i] = isNull;
                v.hasNulls |= isNull;
                v.dictCodes[i] = code;
            }
            v.dictionary = dict;
            assertConsistentGroups(table, ids, v, everyOther(n, b < 3));
            if (b < 3) {
                assertEquals(Map.of("a", true, "b", true).keySet(),
                        ids.keySet().stream().filter(k -> k != NULL_KEY).collect(java.util.stream.Collectors.toSet()),
                        "only the selected (even) rows' codes are groups");
            }
        }
        assertEquals(ids.size(), table.size());
    }

    /**
     * Dictionary-coded string keys, alone and after an integer key, over blocks whose dictionaries
     * overlap or are disjoint (with the empty string and non-ASCII entries) and blocks of plain
     * strings, under dense and sparse selections (so some dictionaries are larger than the rows
     * left), into two tables that are then merged: each key has one group throughout.
     */
    @Test
    void codedStringKeysOverManyBlockDictionariesMerge() {
        for (boolean withInteger : new boolean[] {false, true}) {
            ColumnType[] types = withInteger ? new ColumnType[] {ColumnType.BIGINT, ColumnType.VARCHAR} : new ColumnType[] {ColumnType.VARCHAR};
            GroupTable[] tables = {new GroupTable(types), new GroupTable(types)};
            List<Map<List<Object>, Integer>> ids = List.of(new HashMap<>(), new HashMap<>());
            SplittableRandom random = new SplittableRandom(withInteger ? 17 : 19);
            String[] words = {"", "é", "日本", "😀", "naïve", "q"};
            for (int b = 0; b < 60; b++) {
                List<String> entries = new ArrayList<>();
                int kind = b % 3;
                int size = kind == 2 ? 3_000 : 50 + random.nextInt(200);
                for (int e = 0; e < size; e++) {
                    // kind 0: a shared pool (overlapping dictionaries); kind 1 and 2: strings of this block only
                    String s = kind == 0 ? words[e % words.length] + (e * 7 % 300) : words[e % words.length] + "#" + b + "/" + e;
                    if (!entries.contains(s) || kind != 0) {
                        entries.add(s);
                    }
                }
                ColumnVector dict = new ColumnVector(ColumnType.VARCHAR, entries.size());
                entries.forEach(dict::appendString);
                int n = 1_000;
                ColumnVector strings = new ColumnVector(ColumnType.VARCHAR, n);
                ColumnVector ints = new ColumnVector(ColumnType.BIGINT, n);
                strings.dictCodes = new int[n];
                boolean plain = b % 5 == 4;
                List<List<Object>> keys = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    long k = random.nextLong(20);
                    ints.appendLong(k);
                    boolean isNull = random.nextInt(25) == 0;
                    int code = isNull ? -1 : random.nextInt(entries.size());
                    String s = isNull ? null : entries.get(code);
                    if (isNull) {
                        strings.appendNull();
                    } else {
                        // coded blocks carry no strings (only the codes), plain ones only strings
                        strings.appendString(plain ? s : "");
                    }
                    strings.dictCodes[i] = code;
                    keys.add(withInteger ? Arrays.asList(k, s) : Arrays.asList((Object) s));
                }
                if (!plain) {
                    strings.dictionary = dict;
                } else {
                    strings.dictCodes = null;
                }
                int[] idx = everyOther(n, b % 2 == 1);
                List<List<Object>> live = new ArrayList<>();
                for (int i : idx) {
                    live.add(keys.get(i));
                }
                ColumnVector[] cols = withInteger ? new ColumnVector[] {ints, strings} : new ColumnVector[] {strings};
                int t = b % 4 == 0 ? 1 : 0;
                int[] gids = new int[idx.length];
                tables[t].findOrInsert(cols, idx, idx.length, gids, new long[cols.length]);
                assertOneGroupPerKey(ids.get(t), live, gids, "batch " + b);
                assertEquals(ids.get(t).size(), tables[t].size(), "batch " + b);
            }
            int[] map = tables[0].mergeFrom(tables[1]);
            Map<List<Object>, Integer> merged = new HashMap<>(ids.get(0));
            assertOneGroupPerKey(merged, inIdOrder(ids.get(1)), map, "merge");
            assertEquals(merged.size(), tables[0].size());
            List<List<Object>> all = inIdOrder(merged);
            int c = types.length - 1;
            ColumnVector out = new ColumnVector(ColumnType.VARCHAR, all.size());
            tables[0].writeKeys(c, 0, all.size(), out);
            for (int g = 0; g < all.size(); g++) {
                Object s = all.get(g).get(c);
                assertEquals(s, out.nulls[g] ? null : out.getString(g), "string of group " + g);
            }
        }
    }

    /**
     * Two integer keys (a tenant and a date): batches whose values span small ranges are grouped by
     * their combination of offsets, hashing one row per combination new to the batch; batches with a
     * wide range (or values at the ends of the long range) hash every row. NULLs, selections and two
     * tables that are then merged: each key pair keeps one group throughout.
     */
    @Test
    void smallIntegerKeyCombinationsHashOneRowPerCombinationAndShareGroups() {
        ColumnType[] types = {ColumnType.BIGINT, ColumnType.DATE};
        GroupTable[] tables = {new GroupTable(types), new GroupTable(types)};
        List<Map<List<Object>, Integer>> ids = List.of(new HashMap<>(), new HashMap<>());
        SplittableRandom random = new SplittableRandom(23);
        for (int b = 0; b < 80; b++) {
            int n = Batch.MAX_ROWS;
            ColumnVector tenants = new ColumnVector(ColumnType.BIGINT, n);
            ColumnVector dates = new ColumnVector(ColumnType.DATE, n);
            boolean wide = b % 7 == 3;
            boolean extremes = b % 11 == 5;
            List<List<Object>> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Long tenant = random.nextInt(30) == 0 ? null : (wide ? random.nextLong(100_000) : 1 + random.nextLong(5));
                Long date = random.nextInt(45) == 0 ? null : 20_000L + (b % 3) * 10 + random.nextLong(12);
                if (extremes && i < 2) {
                    date = i == 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
                }
                if (tenant == null) {
                    tenants.appendNull();
                } else {
                    tenants.appendLong(tenant);
                }
                if (date == null) {
                    dates.appendNull();
                } else {
                    dates.appendLong(date);
                }
                keys.add(Arrays.asList(tenant, date));
            }
            int[] idx = everyOther(n, b % 2 == 1);
            List<List<Object>> live = new ArrayList<>();
            for (int i : idx) {
                live.add(keys.get(i));
            }
            int t = b % 3 == 0 ? 1 : 0;
            long hashedBefore = tables[t].combinationRowsHashed();
            int[] gids = new int[idx.length];
            tables[t].findOrInsert(new ColumnVector[] {tenants, dates}, idx, idx.length, gids, new long[2]);
            assertOneGroupPerKey(ids.get(t), live, gids, "batch " + b);
            assertEquals(ids.get(t).size(), tables[t].size(), "batch " + b);
            long hashed = tables[t].combinationRowsHashed() - hashedBefore;
            if (wide || extremes) {
                assertEquals(0, hashed, "batch " + b + " spans a wide range: hashed row by row");
            } else {
                assertEquals(new java.util.HashSet<>(live).size(), hashed, "batch " + b + ": one hashed row per distinct pair");
            }
        }
        int[] map = tables[0].mergeFrom(tables[1]);
        Map<List<Object>, Integer> merged = new HashMap<>(ids.get(0));
        assertOneGroupPerKey(merged, inIdOrder(ids.get(1)), map, "merge");
        assertEquals(merged.size(), tables[0].size());
        List<List<Object>> all = inIdOrder(merged);
        for (int c = 0; c < 2; c++) {
            ColumnVector out = new ColumnVector(types[c], all.size());
            tables[0].writeKeys(c, 0, all.size(), out);
            for (int g = 0; g < all.size(); g++) {
                Object expected = all.get(g).get(c);
                assertEquals(expected, out.nulls[g] ? null : (Object) out.longs[g], "key " + c + " of group " + g);
            }
        }
    }

    /**
     * Counting rows per key without a group id per row ({@code countRows}): dictionary-coded and
     * small-range integer batches are counted (NULL as a key of its own, only selected rows), into
     * the same groups as batches that go through {@code findOrInsert}; plain strings, dictionaries
     * larger than the batch and wide integer ranges are refused.
     */
    @Test
    void countRowsCountsPerKeyIntoTheGroupsFindOrInsertUses() {
        SplittableRandom random = new SplittableRandom(29);
        // strings: dictionary-coded batches (some with more entries than selected rows) and plain ones
        GroupTable strings = new GroupTable(new ColumnType[] {ColumnType.VARCHAR});
        Map<Object, Integer> stringIds = new HashMap<>();
        Map<Object, Long> stringCounts = new HashMap<>();
        List<String> words = List.of("phone", "tablet", "desktop", "", "télé", "tv", "car");
        for (int b = 0; b < 30; b++) {
            int n = b % 5 == 2 ? 6 : 500;
            ColumnVector dict = new ColumnVector(ColumnType.VARCHAR, 8);
            List<String> entries = new ArrayList<>(words.subList(b % 3, words.size()));
            entries.forEach(dict::appendString);
            ColumnVector v = new ColumnVector(ColumnType.VARCHAR, n);
            v.dictCodes = new int[n];
            for (int i = 0; i < n; i++) {
                boolean isNull = random.nextInt(15) == 0;
                int code = isNull ? -1 : random.nextInt(entries.size());
                if (isNull) {
                    v.appendNull();
                } else {
                    v.appendString(entries.get(code));
                }
                v.dictCodes[i] = code;
            }
            if (b % 4 == 3) {
                v.dictCodes = null; // plain strings
            } else {
                v.dictionary = dict;
            }
            int[] idx = everyOther(n, b % 2 == 0);
            boolean refused = b % 4 == 3 || idx.length < entries.size();
            countOrFind(strings, stringIds, stringCounts, v, idx, refused, "strings batch " + b);
        }
        // integers: small ranges (counted) and wide ones (refused)
        GroupTable ints = new GroupTable(new ColumnType[] {ColumnType.BIGINT});
        Map<Object, Integer> intIds = new HashMap<>();
        Map<Object, Long> intCounts = new HashMap<>();
        for (int b = 0; b < 30; b++) {
            int n = 1_000;
            boolean wide = b % 6 == 5;
            ColumnVector v = new ColumnVector(ColumnType.BIGINT, n);
            for (int i = 0; i < n; i++) {
                if (random.nextInt(20) == 0) {
                    v.appendNull();
                } else {
                    v.appendLong(wide ? random.nextLong(1_000_000) : 20 + b + random.nextLong(24));
                }
            }
            countOrFind(ints, intIds, intCounts, v, everyOther(n, b % 2 == 1), wide, "integers batch " + b);
        }
    }

    /** One batch through {@code countRows} (or, when it is refused, {@code findOrInsert}), checked against the keys. */
    private static void countOrFind(GroupTable table, Map<Object, Integer> ids, Map<Object, Long> counts, ColumnVector v, int[] idx,
                                    boolean refused, String where) {
        long[] scratch = new long[1];
        int m = table.countRows(new ColumnVector[] {v}, idx, idx.length, scratch);
        if (refused) {
            assertEquals(-1, m, where);
            assertConsistentGroups(table, ids, v, idx);
            return;
        }
        Map<Object, Long> expected = new HashMap<>();
        for (int i : idx) {
            Object key = v.nulls[i] ? NULL_KEY : v.type() == ColumnType.VARCHAR ? v.dictionary.getString(v.dictCodes[i]) : (Object) v.longs[i];
            expected.merge(key, 1L, Long::sum);
        }
        assertEquals(expected.size(), m, where + ": a group per distinct selected key");
        Map<Integer, Long> byGroup = new HashMap<>();
        for (int j = 0; j < m; j++) {
            assertEquals(null, byGroup.put(table.countedGroups()[j], table.countedRows()[j]), where + ": a group met twice");
        }
        // the same rows through findOrInsert must land in the groups just counted
        int[] gids = new int[idx.length];
        table.findOrInsert(new ColumnVector[] {v}, idx, idx.length, gids, scratch);
        Map<Integer, Long> found = new HashMap<>();
        for (int k = 0; k < idx.length; k++) {
            found.merge(gids[k], 1L, Long::sum);
        }
        assertEquals(byGroup, found, where);
        assertConsistentGroups(table, ids, v, idx);
        assertEquals(ids.size(), table.size(), where);
    }

    /** Each key keeps the group it had; a key new to {@code ids} takes an id no other key holds. */
    private static void assertOneGroupPerKey(Map<List<Object>, Integer> ids, List<List<Object>> keys, int[] gids, String where) {
        Map<Integer, List<Object>> keyOfId = new HashMap<>();
        ids.forEach((k, id) -> keyOfId.put(id, k));
        for (int k = 0; k < keys.size(); k++) {
            List<Object> key = keys.get(k);
            Integer known = ids.get(key);
            if (known == null) {
                assertEquals(null, keyOfId.get(gids[k]), where + ": key " + key + " took the group of " + keyOfId.get(gids[k]));
                ids.put(key, gids[k]);
                keyOfId.put(gids[k], key);
            } else {
                assertEquals(known.intValue(), gids[k], where + ": key " + key);
            }
        }
    }

    /**
     * One plain (not dictionary-coded) string key over 60 000 distinct strings that share a 40-byte
     * prefix, differ in one byte at any position, are empty, non-ASCII or NULL, in batches mixed
     * with dictionary-coded ones (whose groups are found through another path, then met plain): a
     * group per string throughout, as the table and its string dictionary grow mid-batch.
     */
    @Test
    void plainStringKeyKeepsOneGroupPerStringAcrossGrowthCodedBatchesAndNulls() {
        SplittableRandom random = new SplittableRandom(41);
        GroupTable table = new GroupTable(new ColumnType[] {ColumnType.VARCHAR});
        Map<Object, Integer> ids = new HashMap<>();
        String prefix = "https://shop.example.com/category/garden";
        String[] odd = {"", "é", "日本語 ", "😀", "straße/ü"};
        java.util.function.IntFunction<String> string = r -> {
            if (r < odd.length) {
                return odd[r];
            }
            char[] c = (prefix + Integer.toString(r, 36) + prefix.substring(0, r % 41)).toCharArray();
            c[r % c.length] = (char) ('!' + r % 90); // a one-character change anywhere, the start included
            return new String(c);
        };
        for (int b = 0; b < 40; b++) {
            int n = 4096;
            ColumnVector v = new ColumnVector(ColumnType.VARCHAR, n);
            boolean coded = b % 5 == 4;
            ColumnVector dict = new ColumnVector(ColumnType.VARCHAR, 64);
            if (coded) {
                v.dictCodes = new int[n];
                for (int e = 0; e < 64; e++) {
                    dict.appendString(string.apply(random.nextInt(60_000)));
                }
            }
            for (int i = 0; i < n; i++) {
                boolean isNull = random.nextInt(50) == 0;
                if (coded) {
                    int code = isNull ? -1 : random.nextInt(64);
                    v.appendString(isNull ? "" : dict.getString(code));
                    v.dictCodes[i] = code;
                } else if (isNull) {
                    v.appendNull();
                } else {
                    // skewed, so strings repeat within a batch and across them
                    v.appendString(string.apply((int) (60_000 * Math.pow(random.nextDouble(), 2))));
                }
                v.nulls[i] = isNull;
                v.hasNulls |= isNull;
            }
            if (coded) {
                v.dictionary = dict;
            }
            assertConsistentGroups(table, ids, v, everyOther(n, b % 3 == 1));
        }
        assertEquals(ids.size(), table.size());
        assertEquals(true, table.size() > 30_000, "many groups: " + table.size());
    }

    private static final Object NULL_KEY = new Object();

    private static int[] everyOther(int rows, boolean sparse) {
        int n = sparse ? rows / 2 : rows;
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
            idx[k] = sparse ? 2 * k : k;
        }
        return idx;
    }

    /** Every live row's group is the one its key had before (or a new id never used by another key). */
    private static void assertConsistentGroups(GroupTable table, Map<Object, Integer> ids, ColumnVector v, int[] idx) {
        int n = idx.length;
        int[] gids = new int[n];
        table.findOrInsert(new ColumnVector[] {v}, idx, n, gids, new long[1]);
        Map<Integer, Object> keyOfId = new HashMap<>();
        ids.forEach((k, id) -> keyOfId.put(id, k));
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            Object key = v.nulls[i] ? NULL_KEY : v.type() == ColumnType.VARCHAR ? v.getString(i) : (Object) v.longs[i];
            Integer known = ids.get(key);
            if (known == null) {
                assertEquals(null, keyOfId.get(gids[k]), "row " + i + ": key " + key + " took another key's group");
                ids.put(key, gids[k]);
                keyOfId.put(gids[k], key);
            } else {
                assertEquals(known.intValue(), gids[k], "row " + i + " key " + key);
            }
        }
        assertEquals(ids.size(), table.size(), "a group per distinct key of the live rows, no more");
    }
}
