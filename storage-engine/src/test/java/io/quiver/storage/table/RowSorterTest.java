package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntToLongFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The flush's sort order is exactly a stable sort by (partition, sort key): checked against the
 * JDK's stable list sort on the shapes ingest produces (interleaved in-order batches) and on the
 * edge cases of a natural-run merge (one row, all in order, all reversed, equal keys, random).
 */
class RowSorterTest {
    private static final long HOUR = 3_600_000_000L;
    private static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("k", ColumnType.VARCHAR));

    @Test
    void emptyAndOneRow() {
        assertSortedLikeReference(batch(0, i -> i, null), List.of());
        assertSortedLikeReference(batch(1, i -> 5, null), List.of());
    }

    @Test
    void allInOrder() {
        assertSortedLikeReference(batch(5_000, i -> i * 1_000L, null), List.of());
    }

    @Test
    void allReversedWithAndWithoutTies() {
        assertSortedLikeReference(batch(5_000, i -> -i * 1_000L, null), List.of());
        assertSortedLikeReference(batch(5_000, i -> -(i / 3), null), List.of()); // equal neighbours must keep their order
    }

    @Test
    void equalKeysKeepArrivalOrder() {
        assertSortedLikeReference(batch(3_000, i -> 7, null), List.of());
        Random random = new Random(3);
        assertSortedLikeReference(batch(10_000, i -> random.nextInt(4), null), List.of());
    }

    @Test
    void randomRows() {
        for (long seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            int n = random.nextInt(3_000) + 2;
            assertSortedLikeReference(batch(n, i -> random.nextLong(HOUR * 5), null), List.of());
        }
    }

    /** Several writers, each sending batches in time order, interleaved: runs that overlap their neighbours. */
    @Test
    void interleavedInOrderBatches() {
        for (long seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            int writers = 1 + random.nextInt(4);
            int batchRows = 1 + random.nextInt(700);
            long[] clock = new long[writers];
            int n = 20_000;
            long[] ts = new long[n];
            for (int start = 0; start < n; start += batchRows) {
                int w = random.nextInt(writers);
                for (int i = start; i < Math.min(n, start + batchRows); i++) {
                    clock[w] += random.nextInt(3); // steps of 0 give equal keys inside a run
                    ts[i] = clock[w] * 1_000_000L;
                }
            }
            assertSortedLikeReference(batch(n, i -> ts[i], null), List.of());
        }
    }

    /** Partitions first, then a VARCHAR sort key with NULLs, then arrival order. */
    @Test
    void partitionsThenSortKeyWithNulls() {
        Random random = new Random(11);
        String[] keys = {null, "", "a", "b", "ab", "\u00e9"};
        RowBatch rows = batch(8_000, i -> (i / 100) * (HOUR / 7) + random.nextInt(1000), i -> keys[random.nextInt(keys.length)]);
        assertSortedLikeReference(rows, List.of(1));
    }

    private static RowBatch batch(int n, IntToLongFunction ts, java.util.function.IntFunction<String> key) {
        RowBatch rows = new RowBatch(COLUMNS, Math.max(1, n));
        ColumnVector tsColumn = rows.column(0);
        ColumnVector keyColumn = rows.column(1);
        for (int i = 0; i < n; i++) {
            tsColumn.appendLong(ts.applyAsLong(i));
            String k = key == null ? "x" : key.apply(i);
            if (k == null) {
                keyColumn.appendNull();
            } else {
                keyColumn.appendString(k);
            }
        }
        rows.setRowCount(n);
        return rows;
    }

    /**
     * Checks the sort with the given key and, when it is empty, with the table's default key (the
     * timestamp alone, which takes the sorter's timestamp-only path), against a stable JDK sort by
     * (partition, key columns) written out here independently of the sorter.
     */
    private static void assertSortedLikeReference(RowBatch rows, List<Integer> sortKey) {
        List<List<Integer>> keys = sortKey.isEmpty() ? List.of(sortKey, List.of(0)) : List.of(sortKey);
        for (List<Integer> key : keys) {
            RowSorter sorter = new RowSorter(rows, 0, PartitionBy.HOUR, key);
            List<Integer> reference = new ArrayList<>();
            for (int i = 0; i < rows.rowCount(); i++) {
                reference.add(i);
            }
            ColumnVector ts = rows.column(0);
            Comparator<Integer> byPartitionThenKey = Comparator.comparingLong(i -> PartitionBy.HOUR.partitionStart(ts.longs[i]));
            for (int column : key) {
                byPartitionThenKey = byPartitionThenKey.thenComparing((a, b) -> RowSorter.compareValues(rows.column(column), a, rows.column(column), b));
            }
            reference.sort(byPartitionThenKey); // List.sort is stable
            int[] expected = reference.stream().mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, sorter.sort(), "sort key " + key);
            for (int i = 1; i < expected.length; i++) {
                org.junit.jupiter.api.Assertions.assertTrue(sorter.compare(expected[i - 1], expected[i]) <= 0, "compare at " + i);
            }
        }
    }
}
