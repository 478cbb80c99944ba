package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.memory.NativeMemoryLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.quiver.storage.ColumnType.BIGINT;
import static io.quiver.storage.ColumnType.DOUBLE;
import static io.quiver.storage.ColumnType.VARCHAR;
import static io.quiver.storage.memtable.TestRows.batch;
import static io.quiver.storage.memtable.TestRows.columns;
import static io.quiver.storage.memtable.TestRows.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemtableZoneMapTest {
    private static final List<ColumnDef> COLS = columns("l", BIGINT, "d", DOUBLE, "v", VARCHAR);

    private final NativeMemoryLeakCheck leakCheck = NativeMemoryLeakCheck.start();
    private final List<Memtable> created = new ArrayList<>();

    @AfterEach
    void releaseAndCheckLeaks() {
        created.forEach(Memtable::release);
        leakCheck.assertNoLeak();
    }

    private Memtable memtable(int rowsPerChunk) {
        Memtable m = new Memtable("t", COLS, rowsPerChunk, 64, 1 << 24);
        created.add(m);
        return m;
    }

    @Test
    void minMaxNullAndNanCountsPerChunk() {
        Memtable m = memtable(4);
        m.append(batch(COLS, rows(
                new Object[] {5L, 1.5, "a"}, new Object[] {null, Double.NaN, null}, new Object[] {-3L, null, "b"}, new Object[] {10L, -2.0, null},
                new Object[] {null, Double.NaN, null}, new Object[] {null, Double.NaN, null})));
        m.append(batch(COLS, rows(new Object[] {null, null, "c"}, new Object[] {null, null, "d"},
                new Object[] {7L, 0.0, "e"})));

        MemtableView v = m.view();
        assertEquals(3, v.chunkCount());
        assertEquals(8, v.chunkFirstRow(2));
        assertEquals(1, v.chunkRowCount(2));
        assertEquals(4, v.chunkRowCount(0));

        assertEquals(-3L, v.minLong(0, 0));
        assertEquals(10L, v.maxLong(0, 0));
        assertEquals(1, v.nullCount(0, 0));
        assertEquals(Long.MAX_VALUE, v.minLong(0, 1), "an all-NULL chunk has no values");
        assertEquals(Long.MIN_VALUE, v.maxLong(0, 1));
        assertEquals(4, v.nullCount(0, 1));
        assertEquals(7L, v.minLong(0, 2));
        assertEquals(7L, v.maxLong(0, 2));
        assertEquals(0, v.nullCount(0, 2));

        assertEquals(-2.0, v.minDouble(1, 0), "NaN is kept out of min/max");
        assertEquals(1.5, v.maxDouble(1, 0));
        assertEquals(1, v.nanCount(1, 0));
        assertEquals(1, v.nullCount(1, 0));
        assertEquals(Double.POSITIVE_INFINITY, v.minDouble(1, 1));
        assertEquals(Double.NEGATIVE_INFINITY, v.maxDouble(1, 1));
        assertEquals(2, v.nanCount(1, 1));
        assertEquals(2, v.nullCount(1, 1));
        assertEquals(0, v.nanCount(1, 2));

        assertEquals(2, v.nullCount(2, 0));
        assertEquals(2, v.nullCount(2, 1));

        assertThrows(IllegalArgumentException.class, () -> v.minLong(1, 0), "DOUBLE column has no long zone map");
        assertThrows(IllegalArgumentException.class, () -> v.maxDouble(0, 0));
        assertThrows(IllegalArgumentException.class, () -> v.minLong(2, 0), "VARCHAR has only null counts");
        assertThrows(IndexOutOfBoundsException.class, () -> v.minLong(0, 3));
        assertThrows(IllegalArgumentException.class, () -> v.nullCount(3, 0));
    }

    @Test
    void aViewKeepsExactNullCountsAndValidBoundsWhileItsLastChunkFills() {
        Memtable m = memtable(8);
        m.append(batch(COLS, rows(new Object[] {7L, 1.0, "x"}, new Object[] {8L, 2.0, "y"})));
        MemtableView early = m.view();
        m.append(batch(COLS, rows(new Object[] {null, Double.NaN, null}, new Object[] {100L, null, null},
                new Object[] {-100L, -5.0, "z"})));

        assertEquals(2, early.chunkRowCount(0));
        assertEquals(0, early.nullCount(0, 0), "rows appended after the view do not count");
        assertEquals(0, early.nullCount(2, 0));
        assertTrue(early.minLong(0, 0) <= 7 && early.maxLong(0, 0) >= 8, "bounds still cover the view's values");
        assertTrue(early.minDouble(1, 0) <= 1.0 && early.maxDouble(1, 0) >= 2.0);

        MemtableView late = m.view();
        assertEquals(1, late.nullCount(0, 0));
        assertEquals(1, late.nullCount(1, 0));
        assertEquals(2, late.nullCount(2, 0));
        assertEquals(-100L, late.minLong(0, 0));
        assertEquals(100L, late.maxLong(0, 0));
        assertEquals(-5.0, late.minDouble(1, 0));
        assertEquals(1, late.nanCount(1, 0));
    }

    @Test
    void randomChunksMatchTheirValues() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Memtable m = memtable(16);
        List<Object[]> model = new ArrayList<>();
        for (int b = 0; b < 30; b++) {
            List<Object[]> rows = new ArrayList<>();
            for (int r = random.nextInt(40); r > 0; r--) {
                rows.add(new Object[] {
                    random.nextInt(4) == 0 ? null : random.nextLong(-1000, 1000),
                    random.nextInt(4) == 0 ? null : random.nextInt(10) == 0 ? Double.NaN : random.nextDouble(-1, 1),
                    random.nextInt(4) == 0 ? null : "s"});
            }
            m.append(batch(COLS, rows));
            model.addAll(rows);
        }
        MemtableView v = m.view();
        for (int chunk = 0; chunk < v.chunkCount(); chunk++) {
            long minL = Long.MAX_VALUE, maxL = Long.MIN_VALUE;
            double minD = Double.POSITIVE_INFINITY, maxD = Double.NEGATIVE_INFINITY;
            int nullsL = 0, nullsD = 0, nullsV = 0, nans = 0;
            for (int r = 0; r < v.chunkRowCount(chunk); r++) {
                Object[] row = model.get((int) v.chunkFirstRow(chunk) + r);
                if (row[0] == null) {
                    nullsL++;
                } else {
                    minL = Math.min(minL, (Long) row[0]);
                    maxL = Math.max(maxL, (Long) row[0]);
                }
                if (row[1] == null) {
                    nullsD++;
                } else if (Double.isNaN((Double) row[1])) {
                    nans++;
                } else {
                    minD = Math.min(minD, (Double) row[1]);
                    maxD = Math.max(maxD, (Double) row[1]);
                }
                if (row[2] == null) {
                    nullsV++;
                }
            }
            String context = "chunk " + chunk + " seed " + seed;
            assertEquals(minL, v.minLong(0, chunk), context);
            assertEquals(maxL, v.maxLong(0, chunk), context);
            assertEquals(nullsL, v.nullCount(0, chunk), context);
            assertEquals(minD, v.minDouble(1, chunk), context);
            assertEquals(maxD, v.maxDouble(1, chunk), context);
            assertEquals(nans, v.nanCount(1, chunk), context);
            assertEquals(nullsD, v.nullCount(1, chunk), context);
            assertEquals(nullsV, v.nullCount(2, chunk), context);
        }
    }
}
