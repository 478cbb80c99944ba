package io.quiver.query;

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
