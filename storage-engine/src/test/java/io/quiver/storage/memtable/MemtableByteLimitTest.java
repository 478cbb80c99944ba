package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.StorageException;
import io.quiver.storage.memory.NativeMemoryLeakCheck;
import io.quiver.storage.memory.NativeMemoryTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.quiver.storage.ColumnType.BIGINT;
import static io.quiver.storage.ColumnType.VARCHAR;
import static io.quiver.storage.memtable.TestRows.assertRows;
import static io.quiver.storage.memtable.TestRows.batch;
import static io.quiver.storage.memtable.TestRows.columns;
import static io.quiver.storage.memtable.TestRows.readAll;
import static io.quiver.storage.memtable.TestRows.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemtableByteLimitTest {
    private static final List<ColumnDef> COLS = columns("a", BIGINT, "v", VARCHAR);
    /** 8 rows of 8 bytes plus one 64-bit word of null bits. */
    private static final int CHUNK = 8 * 8 + 8;
    private static final int PAGE = 32;

    private final NativeMemoryLeakCheck leakCheck = NativeMemoryLeakCheck.start();
    private final List<Memtable> created = new ArrayList<>();

    @AfterEach
    void releaseAndCheckLeaks() {
        created.forEach(Memtable::release);
        leakCheck.assertNoLeak();
    }

    private Memtable memtable(long limit) {
        Memtable m = new Memtable("ticks", COLS, 8, PAGE, limit);
        created.add(m);
        return m;
    }

    private static List<Object[]> firstBatch() {
        return rows(new Object[] {1L, "abcd"}, new Object[] {2L, "efgh"}, new Object[] {3L, "ijkl"});
    }

    /** Five rows, 20 bytes: fills chunk 0 and page 0 exactly, so it needs no new memory. */
    private static List<Object[]> secondBatch() {
        return rows(new Object[] {4L, "mnop"}, new Object[] {5L, null}, new Object[] {6L, "qrstuvwx"},
                new Object[] {7L, ""}, new Object[] {8L, "yz01abcd"});
    }

    @Test
    void appendUpToTheLimitExactlySucceeds() {
        Memtable m = memtable(2 * CHUNK + PAGE);
        m.append(batch(COLS, firstBatch()));
        assertEquals(2 * CHUNK + PAGE, m.offHeapBytes(), "one chunk per column and one page");
        assertEquals(m.offHeapBytes(), leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE));
        m.append(batch(COLS, secondBatch())); // at the limit, but needs nothing new
        assertEquals(8, m.rowCount());
        assertEquals(2 * CHUNK + PAGE, m.offHeapBytes());
    }

    @Test
    void appendOneByteOverTheLimitFailsAndLeavesTheMemtableUnchanged() {
        Memtable m = memtable(4 * CHUNK + 2 * PAGE - 1);
        m.append(batch(COLS, firstBatch()));
        m.append(batch(COLS, secondBatch()));
        List<Object[]> before = readAll(m);
        long bytes = m.offHeapBytes();

        // Row 8 starts chunk 1 of both columns and page 1: exactly one byte too many.
        StorageException e = assertThrows(StorageException.class, () -> m.append(batch(COLS, rows(new Object[] {9L, "z"}))));
        assertEquals(StorageException.Kind.RESOURCE_EXHAUSTED, e.kind());
        assertTrue(e.isTransient());
        assertEquals("memtable full [table=ticks, bytes=" + bytes + ", needed=" + (2 * CHUNK + PAGE) + ", limit="
                + (4 * CHUNK + 2 * PAGE - 1) + ", rows=1]", e.getMessage());
        assertEquals(8, m.rowCount());
        assertEquals(bytes, m.offHeapBytes());
        assertEquals(bytes, leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE), "nothing allocated on the failed append");
        assertRows(before, readAll(m), "after the failed append");

        // Without string bytes the same row needs no page and fits.
        m.append(batch(COLS, rows(new Object[] {9L, ""})));
        assertEquals(9, m.rowCount());
        assertEquals(4 * CHUNK + PAGE, m.offHeapBytes());
    }

    @Test
    void appendReachingTheLimitExactlyWithNewChunksSucceeds() {
        Memtable m = memtable(4 * CHUNK + 2 * PAGE);
        m.append(batch(COLS, firstBatch()));
        m.append(batch(COLS, secondBatch()));
        m.append(batch(COLS, rows(new Object[] {9L, "z"})));
        assertEquals(4 * CHUNK + 2 * PAGE, m.offHeapBytes());
        assertEquals(9, m.rowCount());
        assertEquals("z", readAll(m).get(8)[1]);
    }

    @Test
    void aBatchLargerThanTheWholeLimitIsRejectedOnItsOwn() {
        Memtable m = memtable(10 * CHUNK);
        List<Object[]> big = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            big.add(new Object[] {(long) i, null});
        }
        StorageException e = assertThrows(StorageException.class, () -> m.append(batch(COLS, big)));
        assertEquals(StorageException.Kind.RESOURCE_EXHAUSTED, e.kind());
        assertEquals(0, m.rowCount());
        assertEquals(0, m.offHeapBytes());
        m.append(batch(COLS, big.subList(0, 40))); // 5 chunks per column: exactly the limit
        assertEquals(10 * CHUNK, m.offHeapBytes());
    }
}
