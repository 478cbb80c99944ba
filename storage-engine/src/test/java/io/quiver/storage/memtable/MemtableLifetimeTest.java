package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.StorageException;
import io.quiver.storage.memory.NativeMemoryLeakCheck;
import io.quiver.storage.memory.NativeMemoryTag;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemtableLifetimeTest {
    private static final List<ColumnDef> COLS = columns("l", BIGINT, "d", DOUBLE, "v", VARCHAR);
    private static final List<Object[]> ROWS = rows(new Object[] {1L, 1.5, "one"}, new Object[] {2L, null, "two"},
            new Object[] {null, 3.5, null}, new Object[] {4L, 4.5, "four"}, new Object[] {5L, 5.5, "five"});

    private final NativeMemoryLeakCheck leakCheck = NativeMemoryLeakCheck.start();

    @AfterEach
    void noLeak() {
        leakCheck.assertNoLeak();
    }

    private static Memtable filled() {
        Memtable m = new Memtable("t", COLS, 4, 8, 1 << 20);
        m.append(batch(COLS, ROWS));
        return m;
    }

    @Test
    void aRetainingReaderKeepsMemoryAliveAndTheLastReleaseFreesIt() {
        Memtable m = filled();
        long bytes = m.offHeapBytes();
        assertTrue(bytes > 0);
        assertEquals(bytes, leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE));

        assertTrue(m.tryRetain(), "reader takes a reference");
        assertEquals(2, m.refCount());
        m.release(); // the owner switches to a new memtable
        assertTrue(m.isOpen());
        assertEquals(bytes, leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE), "still held for the reader");
        assertRows(ROWS, readAll(m), "read after the owner's release");

        m.release(); // the reader is done
        assertFalse(m.isOpen());
        assertEquals(0, m.refCount());
        assertEquals(0, m.offHeapBytes());
        assertEquals(0, leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE), "freed at the last release");
    }

    @Test
    void everyUseAfterFreeThrowsClosed() {
        Memtable m = filled();
        MemtableView oldView = m.view();
        m.release();

        ColumnVector[] out = {new ColumnVector(BIGINT, 4)};
        List<Executable> uses = List.of(
                () -> m.read(0, 1, new int[] {0}, out),
                () -> m.append(batch(COLS, ROWS)),
                () -> m.addColumn(new ColumnDef("x", BIGINT)),
                m::view,
                m::release,
                () -> oldView.read(0, 1, new int[] {0}, out),
                () -> oldView.nullCount(0, 0),
                () -> oldView.minLong(0, 0),
                () -> oldView.maxDouble(1, 0));
        for (Executable use : uses) {
            StorageException e = assertThrows(StorageException.class, use);
            assertEquals(StorageException.Kind.CLOSED, e.kind(), e.getMessage());
        }
        assertFalse(m.tryRetain(), "no reference can be taken once freed");
        assertNull(m.tryAcquireView());
        // Metadata that does not touch native memory stays available.
        assertEquals(ROWS.size(), m.rowCount());
        assertEquals(COLS, m.columns());
        assertEquals(0, m.offHeapBytes());
    }

    @Test
    void anAcquiredViewHoldsAReferenceUntilClosedOnce() {
        Memtable m = filled();
        MemtableView view = m.tryAcquireView();
        assertEquals(2, m.refCount());
        m.release();
        assertRows(ROWS, read(view, 0, ROWS.size()), "through the acquired view");
        view.close();
        view.close(); // a second close must not release someone else's reference
        assertFalse(m.isOpen());
        assertEquals(0, leakCheck.heldSinceStart(NativeMemoryTag.MEMTABLE));

        Memtable other = filled();
        try (MemtableView plain = other.view()) {
            assertEquals(ROWS.size(), plain.rowCount());
        }
        assertEquals(1, other.refCount(), "a plain view holds no reference");
        other.release();
    }

    @Test
    void aReaderWithoutAReferenceRacingTheFreeGetsClosedNeverGarbage() throws Exception {
        Memtable m = filled();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            ColumnVector[] out = {new ColumnVector(BIGINT, 8), new ColumnVector(DOUBLE, 8), new ColumnVector(VARCHAR, 8)};
            int[] cols = {0, 1, 2};
            try {
                while (true) {
                    m.read(0, ROWS.size(), cols, out);
                    if (out[0].getLong(4) != 5L || out[1].getDouble(3) != 4.5 || !"four".equals(out[2].getString(3))) {
                        throw new AssertionError("read garbage: " + out[0].getLong(4) + ", " + out[1].getDouble(3) + ", " + out[2].getString(3));
                    }
                    reads.incrementAndGet();
                    started.countDown();
                }
            } catch (StorageException e) {
                if (e.kind() != StorageException.Kind.CLOSED) {
                    failure.set(e);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "unretained-reader");
        reader.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        m.release();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(reader.isAlive(), "reader must stop with CLOSED");
        if (failure.get() != null) {
            throw new AssertionError("reader failed after " + reads.get() + " reads", failure.get());
        }
        assertTrue(reads.get() > 0);
    }
}
