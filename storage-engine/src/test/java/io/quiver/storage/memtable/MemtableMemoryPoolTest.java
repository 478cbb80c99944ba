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
        try (MemtableMemoryPool pool = new MemtableMemoryPool(0)) {
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
        try (MemtableMemoryPool pool = new MemtableMemoryPool(1 << 20)) {
            Memtable m = new Memtable("t", COLS, ROWS_PER_CHUNK, 1 << 30, pool);
            m.append(batch(COLS, rows(5, 0, true)));
            m.release();
            assertEquals(0, pool.spareBytes());
            leakCheck.assertNoLeak();
        }
    }

    @Test
    void releaseSpareAndCloseFreeTheMemory() {
        MemtableMemoryPool pool = new MemtableMemoryPool(0);
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
}
