package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.memory.NativeMemoryLeakCheck;
import io.quiver.storage.memory.NativeMemoryTag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.quiver.storage.ColumnType.BIGINT;
import static io.quiver.storage.ColumnType.DOUBLE;
import static io.quiver.storage.ColumnType.VARCHAR;
import static io.quiver.storage.memtable.TestRows.assertRows;
import static io.quiver.storage.memtable.TestRows.batch;
import static io.quiver.storage.memtable.TestRows.columns;
import static io.quiver.storage.memtable.TestRows.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemtableMemoryPoolTest {
    private static final List<ColumnDef> COLS = columns("a", BIGINT, "d", DOUBLE, "v", VARCHAR);
    private static final int ROWS_PER_CHUNK = 8;

    private final NativeMemoryLeakCheck leakCheck = NativeMemoryLeakCheck.start();

    /** {@code n} rows; every third value NULL when {@code nulls}, else values that differ from any NULL reading. */
    private static List<Object[]> rows(int n, long base, boolean nulls) {
        List<Object[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean isNull = nulls && i % 3 == 0;
            out.add(new Object[] {isNull ? null : base + i, isNull ? null : (base + i) / 2.0, isNull ? null : "s" + (base + i) + "-".repeat(i % 7)});
        }
        return out;
    }

    @Test
    void aMemtableOnRecycledMemoryReadsOnlyItsOwnRows() {
        try (MemtableMemoryPool pool = new MemtableMemoryPool(0, Long.MAX_VALUE)) {
            Memtable first = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            first.append(batch(COLS, rows(40, 1_000, false))); // no NULLs: every slot and page byte non-zero
            long held = leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE);
            assertTrue(held > 0);
            first.release();
            assertEquals(held, pool.spareBytes(), "the released memtable's memory is kept, not freed");
            assertEquals(held, leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE));

            Memtable second = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            assertEquals(0, pool.spareBytes(), "the spare went to the new memtable");
            assertEquals(0, second.offHeapBytes(), "a new memtable starts with nothing in use");
            List<Object[]> expected = new ArrayList<>();
            for (int b = 0; b < 3; b++) { // fewer rows than before, NULLs where the old rows had values
                List<Object[]> batchRows = rows(11, 50 * b, true);
                second.append(batch(COLS, batchRows));
                expected.addAll(batchRows);
            }
            assertRows(expected, readAll(second), "rows on recycled memory");
            assertEquals(held, leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE), "33 rows fit in the 40 rows' memory: nothing new");
            second.release();
        }
        leakCheck.assertNoLeak();
    }

    @Test
    void aMemtableSmallerThanTheThresholdIsFreedNotKept() {
        try (MemtableMemoryPool pool = new MemtableMemoryPool(1 << 20, Long.MAX_VALUE)) {
            Memtable m = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            m.append(batch(COLS, rows(5, 0, true)));
            m.release();
            assertEquals(0, pool.spareBytes());
            leakCheck.assertNoLeak();
        }
    }

    @Test
    void releaseSpareAndCloseFreeTheMemory() {
        MemtableMemoryPool pool = new MemtableMemoryPool(0, Long.MAX_VALUE);
        Memtable a = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
        a.append(batch(COLS, rows(20, 0, false)));
        a.release();
        assertTrue(pool.spareBytes() > 0);
        pool.releaseSpare();
        assertEquals(0, pool.spareBytes());
        leakCheck.assertNoLeak();

        Memtable b = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
        b.append(batch(COLS, rows(20, 0, false)));
        pool.close();
        b.release(); // after close: freed, not kept
        assertEquals(0, pool.spareBytes());
        leakCheck.assertNoLeak();
    }

    @Test
    void theSpareKeepsTheMemoryOfEveryMemtableReleasedWhileItWaits() {
        try (MemtableMemoryPool pool = new MemtableMemoryPool(0, Long.MAX_VALUE)) {
            // Two memtables flushed one after the other while the next one has not been sealed yet.
            Memtable first = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            Memtable second = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            first.append(batch(COLS, rows(40, 0, false)));
            second.append(batch(COLS, rows(40, 100, false)));
            long held = leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE);
            first.release();
            second.release();
            assertEquals(held, pool.spareBytes(), "both released memtables' memory is kept");

            // The next memtable grows as large as both together: all of it on reused memory.
            Memtable third = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            List<Object[]> expected = new ArrayList<>();
            for (int b = 0; b < 8; b++) {
                List<Object[]> batchRows = rows(10, 1_000 * b, b % 2 == 0);
                third.append(batch(COLS, batchRows));
                expected.addAll(batchRows);
            }
            assertRows(expected, readAll(third), "rows on memory recycled from two memtables");
            assertEquals(held, leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE), "80 rows fit in two 40 rows' memory: nothing new");
            third.release();
            assertEquals(held, pool.spareBytes());
        }
        leakCheck.assertNoLeak();
    }

    @Test
    void theSpareStaysWithinItsBudgetKeepingTheLargerMemory() {
        try (MemtableMemoryPool pool = new MemtableMemoryPool(0, 1)) { // a budget no two memories fit in
            Memtable small = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            small.append(batch(COLS, rows(8, 0, false)));
            long smallBytes = leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE);
            Memtable large = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            large.append(batch(COLS, rows(64, 0, false)));
            long largeBytes = leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE) - smallBytes;
            assertTrue(largeBytes > smallBytes);
            small.release();
            assertEquals(smallBytes, pool.spareBytes(), "an empty pool keeps one memory whatever the budget");
            large.release();
            assertEquals(largeBytes, pool.spareBytes(), "over the budget, the larger memory replaces the smaller");
            assertEquals(largeBytes, leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE), "the smaller one was freed");
        }
        leakCheck.assertNoLeak();
    }
}
