package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.memory.NativeMemoryLeakCheck;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.quiver.storage.ColumnType.BIGINT;
import static io.quiver.storage.ColumnType.DOUBLE;
import static io.quiver.storage.ColumnType.VARCHAR;
import static io.quiver.storage.memtable.TestRows.assertRows;
import static io.quiver.storage.memtable.TestRows.batch;
import static io.quiver.storage.memtable.TestRows.columns;
import static io.quiver.storage.memtable.TestRows.read;
import static io.quiver.storage.memtable.TestRows.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Memtable#gather}: rows in any order, as a flush of out-of-order rows reads them. */
class MemtableGatherTest {
    private static final List<ColumnDef> COLS = columns("a", BIGINT, "d", DOUBLE, "v", VARCHAR);
    private static final int ROWS_PER_CHUNK = 16;

    private final NativeMemoryLeakCheck leakCheck = NativeMemoryLeakCheck.start();

    private static List<Object[]> randomRows(Random rnd, int n) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {
                    rnd.nextInt(5) == 0 ? null : rnd.nextLong(),
                    rnd.nextInt(5) == 0 ? null : rnd.nextGaussian(),
                    rnd.nextInt(5) == 0 ? null : "ü".repeat(rnd.nextInt(4)) + rnd.nextInt(1000)});
        }
        return rows;
    }

    private static List<Object[]> gather(Memtable m, int[] order, int from, int count, List<ColumnDef> cols) {
        int[] indexes = new int[cols.size()];
        ColumnVector[] out = new ColumnVector[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            indexes[c] = c;
            out[c] = new ColumnVector(cols.get(c).type(), 1);
            out[c].appendNull(); // gather must reset what a vector held before
        }
        m.gather(order, from, count, indexes, out);
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            Object[] row = new Object[cols.size()];
            for (int c = 0; c < cols.size(); c++) {
                assertEquals(count, out[c].size());
                row[c] = value(out[c], r);
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void gatherReturnsTheRowsInTheOrderAsked() {
        long seed = 7_331;
        Random rnd = new Random(seed);
        Memtable m = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30);
        List<Object[]> rows = randomRows(rnd, 200);
        m.append(batch(COLS, rows.subList(0, 90)));
        m.append(batch(COLS, rows.subList(90, 200)));
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, rnd);
        int[] order = perm.stream().mapToInt(Integer::intValue).toArray();
        for (int from = 0; from < order.length; from += 37) {
            int count = Math.min(37, order.length - from);
            List<Object[]> expected = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                expected.add(rows.get(order[i]));
            }
            assertRows(expected, gather(m, order, from, count, COLS), "gather from " + from + " seed " + seed);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> gather(m, new int[] {0, 200}, 0, 2, COLS));
        m.release();
        leakCheck.assertNoLeak();
    }

    /**
     * The order a flush of interleaved in-order batches gathers by: stretches of consecutive rows of
     * any length, across chunk and VARCHAR page boundaries, with NULLs and empty strings.
     */
    @Test
    void gatherOfConsecutiveStretchesReturnsTheRowsInTheOrderAsked() {
        for (long seed = 0; seed < 10; seed++) {
            Random rnd = new Random(seed);
            Memtable m = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30);
            List<Object[]> rows = randomRows(rnd, 500);
            for (int start = 0; start < rows.size(); start += 60) {
                m.append(batch(COLS, rows.subList(start, Math.min(rows.size(), start + 60))));
            }
            List<int[]> stretches = new ArrayList<>();
            for (int start = 0; start < rows.size(); ) {
                int length = Math.min(rows.size() - start, 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 80));
                stretches.add(new int[] {start, length});
                start += length;
            }
            Collections.shuffle(stretches, rnd);
            int[] order = new int[rows.size()];
            int at = 0;
            for (int[] stretch : stretches) {
                for (int i = 0; i < stretch[1]; i++) {
                    order[at++] = stretch[0] + i;
                }
            }
            for (int from = 0; from < order.length; ) {
                int count = Math.min(order.length - from, 1 + rnd.nextInt(150));
                List<Object[]> expected = new ArrayList<>();
                for (int i = from; i < from + count; i++) {
                    expected.add(rows.get(order[i]));
                }
                assertRows(expected, gather(m, order, from, count, COLS), "gather from " + from + " seed " + seed);
                from += count;
            }
            m.release();
        }
        leakCheck.assertNoLeak();
    }

    /**
     * A VARCHAR column added in the middle of a chunk whose memory was recycled: the slots of the rows
     * before it were never written and hold the old memtable's bytes. Reads and gathers that start at
     * or before the column's first row must still see NULL then the right values.
     */
    @Test
    void aColumnAddedMidChunkOnRecycledMemoryReadsRight() {
        try (MemtableMemoryPool pool = new MemtableMemoryPool(0, Long.MAX_VALUE)) {
            Memtable first = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            List<Object[]> junk = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                junk.add(new Object[] {(long) -i - 1, -1.5 * i, "old-row-bytes-" + i});
            }
            first.append(batch(COLS, junk));
            first.release();

            Memtable m = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            List<Object[]> head = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                head.add(new Object[] {(long) i, (double) i, "h" + i});
            }
            m.append(batch(COLS, head));
            m.addColumn(new ColumnDef("w", ColumnType.VARCHAR)); // first row 5: mid-chunk
            m.addColumn(new ColumnDef("x", ColumnType.BIGINT));
            List<ColumnDef> wide = new ArrayList<>(COLS);
            wide.add(new ColumnDef("w", ColumnType.VARCHAR));
            wide.add(new ColumnDef("x", ColumnType.BIGINT));
            List<Object[]> tail = new ArrayList<>();
            for (int i = 5; i < 12; i++) {
                tail.add(new Object[] {(long) i, (double) i, "t" + i, i % 3 == 0 ? null : "new-" + i, (long) i * 10});
            }
            m.append(batch(wide, tail));

            List<Object[]> expected = new ArrayList<>();
            for (Object[] h : head) {
                expected.add(new Object[] {h[0], h[1], h[2], null, null});
            }
            expected.addAll(tail);
            MemtableView view = m.view();
            for (int from = 0; from < 12; from++) {
                for (int to = from; to <= 12; to++) {
                    assertRows(expected.subList(from, to), read(view, from, to - from), "read [" + from + ", " + to + ")");
                }
            }
            int[] reversed = new int[12];
            for (int i = 0; i < 12; i++) {
                reversed[i] = 11 - i;
            }
            List<Object[]> expectedReversed = new ArrayList<>(expected);
            Collections.reverse(expectedReversed);
            assertRows(expectedReversed, gather(m, reversed, 0, 12, wide), "gather reversed");
            int[] runs = {3, 4, 5, 6, 7, 0, 1, 2, 8, 9, 10, 11}; // stretches across the column's first row
            List<Object[]> expectedRuns = new ArrayList<>();
            for (int row : runs) {
                expectedRuns.add(expected.get(row));
            }
            assertRows(expectedRuns, gather(m, runs, 0, 12, wide), "gather runs");
            m.release();
        }
        leakCheck.assertNoLeak();
    }
}
