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
}
