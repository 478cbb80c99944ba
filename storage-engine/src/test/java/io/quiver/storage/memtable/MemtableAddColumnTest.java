package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.StorageException;
import io.quiver.storage.memory.NativeMemoryLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.quiver.storage.ColumnType.BIGINT;
import static io.quiver.storage.ColumnType.DOUBLE;
import static io.quiver.storage.ColumnType.VARCHAR;
import static io.quiver.storage.memtable.TestRows.assertRows;
import static io.quiver.storage.memtable.TestRows.batch;
import static io.quiver.storage.memtable.TestRows.columns;
import static io.quiver.storage.memtable.TestRows.read;
import static io.quiver.storage.memtable.TestRows.readAll;
import static io.quiver.storage.memtable.TestRows.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MemtableAddColumnTest {
    private static final int CHUNK = 4 * 8 + 8; // 4 rows a chunk
    private static final int PAGE = 16;

    private final NativeMemoryLeakCheck leakCheck = NativeMemoryLeakCheck.start();
    private final List<Memtable> created = new ArrayList<>();

    @AfterEach
    void releaseAndCheckLeaks() {
        created.forEach(Memtable::release);
        leakCheck.assertNoLeak();
    }

    private Memtable memtable(List<ColumnDef> cols) {
        Memtable m = new Memtable("t", cols, 4, PAGE, 1 << 20);
        created.add(m);
        return m;
    }

    @Test
    void oldRowsReadNullWithoutMemoryAndNewRowsCarryTheColumn() {
        Memtable m = memtable(columns("a", BIGINT));
        List<Object[]> model = new ArrayList<>();
        for (long i = 0; i < 6; i++) { // chunk 0 full, chunk 1 half
            model.add(new Object[] {i, null, null, null});
        }
        m.append(batch(m.columns(), model.stream().map(r -> new Object[] {r[0]}).toList()));
        MemtableView before = m.view();
        assertEquals(2 * CHUNK, m.offHeapBytes());

        m.addColumn(new ColumnDef("d", DOUBLE));
        m.addColumn(new ColumnDef("v", VARCHAR));
        m.addColumn(new ColumnDef("l", BIGINT));
        assertEquals(2 * CHUNK, m.offHeapBytes(), "no memory for rows before the columns");
        assertEquals(columns("a", BIGINT, "d", DOUBLE, "v", VARCHAR, "l", BIGINT), m.columns());
        assertRows(model, readAll(m), "old rows, new columns");
        assertEquals(4, m.view().nullCount(1, 0));
        assertEquals(2, m.view().nullCount(3, 1));
        assertEquals(Double.POSITIVE_INFINITY, m.view().minDouble(1, 0));
        assertEquals(Long.MIN_VALUE, m.view().maxLong(3, 1));

        StorageException old = assertThrows(StorageException.class, () -> m.append(batch(columns("a", BIGINT), rows(new Object[] {9L}))));
        assertEquals(StorageException.Kind.INVALID_INPUT, old.kind());

        List<Object[]> added = rows(new Object[] {6L, 0.5, "p", 60L}, new Object[] {7L, null, "", null},
                new Object[] {8L, -1.5, "qr", 80L});
        m.append(batch(m.columns(), added));
        model.addAll(added);
        assertRows(model, readAll(m), "old and new rows");
        // Chunk 0 stays unallocated for the new columns: a:1 more chunk, d,l: 2 chunks, v: 2 chunks + a page.
        assertEquals(3 * CHUNK + 2 * CHUNK + 2 * CHUNK + 2 * CHUNK + PAGE, m.offHeapBytes());

        MemtableView view = m.view();
        assertEquals(4, view.nullCount(1, 0));
        assertEquals(3, view.nullCount(1, 1), "rows 4,5 before the column, row 7 NULL");
        assertEquals(0, view.nullCount(1, 2));
        assertEquals(0.5, view.minDouble(1, 1));
        assertEquals(0.5, view.maxDouble(1, 1));
        assertEquals(-1.5, view.minDouble(1, 2));
        assertEquals(60L, view.minLong(3, 1));
        assertEquals(2, view.nullCount(2, 1), "rows 4,5 before the column; row 7 is empty, not NULL");
        for (int from = 0; from < model.size(); from++) {
            for (int count = 0; from + count <= model.size(); count++) {
                assertRows(model.subList(from, from + count), read(view, from, count), "window " + from + '+' + count);
            }
        }

        // The view taken before the columns were added still reads its own columns and rows.
        assertEquals(1, before.columnCount());
        assertEquals(6, before.rowCount());
        assertRows(model.subList(0, 6).stream().map(r -> new Object[] {r[0]}).toList(), read(before, 0, 6), "old view");
    }

    @Test
    void columnAddedAtAChunkBoundaryOrToAnEmptyMemtable() {
        Memtable empty = memtable(columns("a", BIGINT));
        empty.addColumn(new ColumnDef("v", VARCHAR));
        empty.append(batch(empty.columns(), rows(new Object[] {1L, "x"})));
        assertRows(rows(new Object[] {1L, "x"}), readAll(empty), "column added before any row");

        Memtable m = memtable(columns("a", BIGINT));
        m.append(batch(m.columns(), rows(new Object[] {1L}, new Object[] {2L}, new Object[] {3L}, new Object[] {4L})));
        m.addColumn(new ColumnDef("v", VARCHAR));
        m.append(batch(m.columns(), rows(new Object[] {5L, "five"})));
        assertRows(rows(new Object[] {1L, null}, new Object[] {2L, null}, new Object[] {3L, null}, new Object[] {4L, null},
                new Object[] {5L, "five"}), readAll(m), "column added at a chunk boundary");
        assertEquals(0, m.view().nullCount(1, 1));
        assertEquals(4, m.view().nullCount(1, 0));
    }

    @Test
    void duplicateNamesAreRejected() {
        Memtable m = memtable(columns("a", BIGINT));
        StorageException e = assertThrows(StorageException.class, () -> m.addColumn(new ColumnDef("A", DOUBLE)));
        assertEquals(StorageException.Kind.ALREADY_EXISTS, e.kind());
        assertEquals("duplicate column [table=t, name=A]", e.getMessage());
        assertEquals(1, m.columns().size());
    }
}
