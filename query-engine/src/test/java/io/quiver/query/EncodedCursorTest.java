package io.quiver.query;

import io.quiver.query.exec.Batch;
import io.quiver.query.exec.Sink;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A result read as encoded units ({@link ResultCursor#encoded}): the engine's workers do the
 * encoding (not the reader's thread), every row arrives exactly once with its NULLs and strings,
 * an ORDER BY keeps its order across units, and a reader that closes mid-stream leaves no unit and
 * no part unfreed.
 */
class EncodedCursorTest {
    private static final long SEED = 20261123L;
    // Enough rows that even the sorted result (4096-row batches) outgrows the cursor queue (8) before the
    // reader switches to encoded units: some units must then be encoded on the engine's threads.
    private static final int ROWS = 100_000;
    private QueryEngine engine;
    private final List<List<Object>> inserted = new ArrayList<>();

    @BeforeEach
    void start() {
        engine = new QueryEngine(new MemoryCatalog(500, true), QueryConfig.defaults().withParallelism(2));
        inserted.addAll(CursorTestTable.create(engine, ROWS, SEED));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    /** Units are lists of rows; counts what is alive so a leak shows. */
    private static final class RowsEncoder implements ResultEncoder<List<List<Object>>> {
        final int unitRows;
        final AtomicInteger liveUnits = new AtomicInteger();
        final AtomicInteger openParts = new AtomicInteger();
        final Set<String> appendThreads = ConcurrentHashMap.newKeySet();

        RowsEncoder(int unitRows) {
            this.unitRows = unitRows;
        }

        @Override
        public Part<List<List<Object>>> newPart(List<ColumnType> types) {
            openParts.incrementAndGet();
            return new Part<>() {
                private List<List<Object>> pending = new ArrayList<>();
                private boolean closed;

                @Override
                public List<List<Object>> append(ColumnVector[] cols, int count) {
                    assertFalse(closed, "append after close");
                    appendThreads.add(Thread.currentThread().getName());
                    for (int i = 0; i < count; i++) {
                        List<Object> row = new ArrayList<>();
                        for (ColumnVector v : cols) {
                            row.add(v.getObject(i));
                        }
                        pending.add(row);
                    }
                    return pending.size() >= unitRows ? flush() : null;
                }

                @Override
                public List<List<Object>> flush() {
                    if (pending.isEmpty()) {
                        return null;
                    }
                    List<List<Object>> unit = pending;
                    pending = new ArrayList<>();
                    liveUnits.incrementAndGet();
                    return unit;
                }

                @Override
                public void close() {
                    if (!closed) {
                        closed = true;
                        openParts.decrementAndGet();
                    }
                }
            };
        }

        @Override
        public void discard(List<List<Object>> unit) {
            liveUnits.decrementAndGet();
        }
    }

    @Test
    void workersEncodeEveryRowOnceAndAnOrderByKeepsItsOrder() {
        List<List<Object>> filtered = inserted.stream()
                .filter(r -> (Long) r.get(0) % 3 == 1 || (r.get(1) != null && (Double) r.get(1) > 200)).toList();
        String reader = Thread.currentThread().getName();
        for (String sql : List.of("SELECT k, d, s FROM t", "SELECT k, d, s FROM t WHERE k % 3 = 1 OR d > 200",
                "SELECT k, d, s FROM t ORDER BY k DESC")) {
            RowsEncoder encoder = new RowsEncoder(10_000);
            List<List<Object>> got = new ArrayList<>();
            int units = 0;
            try (QueryResult r = engine.execute(sql); EncodedCursor<List<List<Object>>> c = r.cursor().encoded(encoder)) {
                List<List<Object>> unit;
                while ((unit = c.next()) != null) {
                    assertFalse(unit.isEmpty(), "an empty unit");
                    encoder.liveUnits.decrementAndGet();
                    got.addAll(unit);
                    units++;
                }
            }
            List<List<Object>> expected = new ArrayList<>(sql.contains("WHERE") ? filtered : inserted);
            if (sql.contains("ORDER BY")) {
                expected.sort((a, b) -> Long.compare((Long) b.get(0), (Long) a.get(0)));
            } else {
                got.sort((a, b) -> Long.compare((Long) a.get(0), (Long) b.get(0)));
            }
            assertEquals(expected, got, sql + " (seed " + SEED + ")");
            assertTrue(units >= 1, sql);
            encoder.appendThreads.remove(reader); // batches queued before the switch are encoded by the reader
            assertFalse(encoder.appendThreads.isEmpty(), sql + ": no unit was encoded on a worker thread");
            assertEquals(0, encoder.liveUnits.get(), sql);
            assertEquals(0, encoder.openParts.get(), sql + ": a part was never closed");
        }
    }

    /**
     * A query started with its encoder ({@link QueryEngine#execute(String, QueryOptions, ResultEncoder)})
     * is encoded on the workers from its first row, however late the reader asks for the units: no
     * batch goes through the plain path to be encoded on the reader's thread (a path each stream used
     * at a point that varied, which cost the workers' compiled code a deoptimization when first taken).
     */
    @Test
    void aQueryStartedWithItsEncoderIsEncodedOnlyOnTheWorkers() throws Exception {
        String reader = Thread.currentThread().getName();
        for (String sql : List.of("SELECT k, d, s FROM t", "SELECT k, d, s FROM t ORDER BY k DESC")) {
            RowsEncoder encoder = new RowsEncoder(10_000);
            List<List<Object>> got = new ArrayList<>();
            try (QueryResult r = engine.execute(sql, QueryOptions.defaults(), encoder)) {
                Thread.sleep(300); // the workers fill the queue meanwhile; before the change, with row batches
                try (EncodedCursor<List<List<Object>>> c = r.cursor().encoded(encoder)) {
                    List<List<Object>> unit;
                    while ((unit = c.next()) != null) {
                        encoder.liveUnits.decrementAndGet();
                        got.addAll(unit);
                    }
                }
            }
            List<List<Object>> expected = new ArrayList<>(inserted);
            if (sql.contains("ORDER BY")) {
                expected.sort((a, b) -> Long.compare((Long) b.get(0), (Long) a.get(0)));
            } else {
                got.sort((a, b) -> Long.compare((Long) a.get(0), (Long) b.get(0)));
            }
            assertEquals(expected, got, sql + " (seed " + SEED + ")");
            assertFalse(encoder.appendThreads.contains(reader), sql + ": rows encoded on the reader's thread " + encoder.appendThreads);
            assertEquals(0, encoder.liveUnits.get(), sql);
            assertEquals(0, encoder.openParts.get(), sql + ": a part was never closed");
        }
        try (QueryResult r = engine.execute("SELECT k FROM t", QueryOptions.defaults(), new RowsEncoder(10))) {
            assertThrows(IllegalStateException.class, () -> r.cursor().encoded(new RowsEncoder(10)),
                    "the units of another encoder than the query was started for");
        }
    }

    /**
     * A reader that takes every unit as soon as it is queued (as a Flight stream does before it
     * waits for the client) must still get full units: a part that ships whenever the queue is
     * momentarily empty turns a fast scan into one unit per engine batch, and each short unit costs
     * the stream a message (and Flight a copy into buffers of its size).
     */
    @Test
    void aReaderThatKeepsTheQueueEmptyStillGetsFullUnits() {
        int unitRows = 20_000;
        for (int attempt = 0; attempt < 3; attempt++) {
            RowsEncoder encoder = new RowsEncoder(unitRows);
            int shortUnits = 0;
            int rows = 0;
            try (QueryResult r = engine.execute("SELECT k, d, s FROM t"); EncodedCursor<List<List<Object>>> c = r.cursor().encoded(encoder)) {
                List<List<Object>> unit;
                while ((unit = c.next()) != null) {
                    encoder.liveUnits.decrementAndGet();
                    rows += unit.size();
                    shortUnits += unit.size() < unitRows ? 1 : 0;
                }
            }
            assertEquals(ROWS, rows);
            // at most: the batches queued before the switch (8), each worker's last part (2) and a few
            // parts the reader took after 10 ms of silence on a loaded machine; one unit per engine
            // batch would be ~200
            assertTrue(shortUnits <= 24, "short units: " + shortUnits + " of " + ROWS + " rows in units of " + unitRows);
        }
    }

    /**
     * Rows a worker's part holds (not yet a full unit) are freed when the reader closes, not when the
     * query has wound down: a part holds a whole unit's buffers, and a Flight stream waits for its
     * allocator to empty before it ends (a server closing meanwhile reported the part as a leak).
     */
    @Test
    void closingTheReaderFreesAWorkersPendingRowsAtOnce() {
        RowsEncoder encoder = new RowsEncoder(1_000_000);
        StreamingCursor cursor = new StreamingCursor(List.of("k"), List.of(ColumnType.BIGINT), new QueryContext(), 0);
        EncodedCursor<List<List<Object>>> reader = cursor.encoded(encoder);
        Sink worker = cursor.sinkFactory().create();
        ColumnVector k = new ColumnVector(ColumnType.BIGINT, 10);
        for (int i = 0; i < 10; i++) {
            k.appendLong(i);
        }
        worker.accept(new Batch(new ColumnVector[]{k}, 10));
        assertEquals(2, encoder.openParts.get()); // the reader's own part and the worker's
        reader.close(); // the query's workers have not finished (complete/fail never ran)
        assertEquals(0, encoder.openParts.get(), "a worker's part still holds its rows after the reader closed");
        assertThrows(QueryException.class, () -> worker.accept(new Batch(new ColumnVector[]{k}, 10)), "a closed part took rows");
        Sink late = cursor.sinkFactory().create(); // a worker whose first rows come after the close (a join's probe side)
        assertThrows(QueryException.class, () -> late.accept(new Batch(new ColumnVector[]{k}, 10)), "a part made after the close took rows");
        assertEquals(0, encoder.openParts.get(), "a part made after the close stays open");
    }

    /**
     * A batch queued before the reader switched to units is encoded on the reader's thread; when
     * that one batch fills a unit, the part hands the unit back from its append (not from the flush
     * after it), and that unit must reach the reader, not be dropped with its memory.
     */
    @Test
    void aBatchQueuedBeforeTheSwitchThatFillsAUnitIsDelivered() {
        RowsEncoder encoder = new RowsEncoder(10);
        StreamingCursor cursor = new StreamingCursor(List.of("k"), List.of(ColumnType.BIGINT), new QueryContext(), 0);
        Sink worker = cursor.sinkFactory().create();
        ColumnVector k = new ColumnVector(ColumnType.BIGINT, 10);
        for (int i = 0; i < 10; i++) {
            k.appendLong(i);
        }
        worker.accept(new Batch(new ColumnVector[]{k}, 10)); // queued as a row batch: nobody asked for units yet
        EncodedCursor<List<List<Object>>> reader = cursor.encoded(encoder);
        worker.finish();
        cursor.complete();
        int rows = 0;
        List<List<Object>> unit;
        while ((unit = reader.next()) != null) {
            encoder.liveUnits.decrementAndGet();
            rows += unit.size();
        }
        reader.close();
        assertEquals(10, rows, "the rows of a batch queued before the switch");
        assertEquals(0, encoder.liveUnits.get(), "a unit was made and never delivered nor discarded");
    }

    /**
     * Rows the reader takes from an idle worker's part never were on the queue: taking them must not
     * give the queue extra room, or after a few such takes the workers queue more finished units
     * (each a record batch of off-heap memory for Flight) than the bound allows.
     */
    @Test
    void rowsTakenFromAnIdlePartDoNotEnlargeTheQueue() throws Exception {
        RowsEncoder encoder = new RowsEncoder(10);
        StreamingCursor cursor = new StreamingCursor(List.of("k"), List.of(ColumnType.BIGINT), new QueryContext(), 0);
        EncodedCursor<List<List<Object>>> reader = cursor.encoded(encoder);
        Sink worker = cursor.sinkFactory().create();
        ColumnVector few = new ColumnVector(ColumnType.BIGINT, 10);
        for (int i = 0; i < 5; i++) {
            few.appendLong(i);
        }
        for (int take = 0; take < 5; take++) {
            worker.accept(new Batch(new ColumnVector[]{few}, 5)); // half a unit: pending in the worker's part
            assertEquals(5, reader.next().size(), "the reader takes the idle part's rows itself");
            encoder.liveUnits.decrementAndGet();
        }
        ColumnVector full = new ColumnVector(ColumnType.BIGINT, 10);
        for (int i = 0; i < 10; i++) {
            full.appendLong(i);
        }
        Thread producer = new Thread(() -> {
            try {
                for (int u = 0; u < 12; u++) {
                    worker.accept(new Batch(new ColumnVector[]{full}, 10)); // a unit each; blocks once the queue is full
                }
            } catch (QueryException expected) {
                // the reader closed while this worker waited for room
            }
        });
        producer.start();
        Thread.sleep(500);
        // the queue's bound plus the one unit a blocked worker holds (with the room the takes gave back: 9)
        assertTrue(encoder.liveUnits.get() <= StreamingCursor.MAX_QUEUED_UNITS + 1, "finished units waiting for the reader: "
                + encoder.liveUnits.get());
        reader.close();
        producer.join(10_000);
        assertFalse(producer.isAlive());
    }

    @Test
    void aReaderThatClosesMidStreamLeavesNothingUnfreed() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            RowsEncoder encoder = new RowsEncoder(2_000);
            try (QueryResult r = engine.execute("SELECT k, d, s FROM t"); EncodedCursor<List<List<Object>>> c = r.cursor().encoded(encoder)) {
                List<List<Object>> first = c.next();
                assertNotNull(first);
                encoder.liveUnits.decrementAndGet();
                Thread.sleep(20); // let the workers fill the queue and block on it
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((encoder.liveUnits.get() != 0 || encoder.openParts.get() != 0) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, encoder.liveUnits.get(), "units neither delivered nor discarded");
            assertEquals(0, encoder.openParts.get(), "parts never closed");
        }
    }
}
