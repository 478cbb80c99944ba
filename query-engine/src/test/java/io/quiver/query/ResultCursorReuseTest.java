package io.quiver.query;

import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader that hands every batch back ({@link ResultCursor#release}) gets refilled batches with
 * exactly the rows a reader that keeps its batches gets: whole batches (bulk copies) and filtered
 * ones (a selection vector: the gather path), NULLs and strings included. {@link ResultCursor#ready}
 * is true at the end of the stream.
 */
class ResultCursorReuseTest {
    private static final long SEED = 20261123L;
    private static final int ROWS = 20_000;
    private QueryEngine engine;
    /** The rows inserted, as (k, d, s), generated in Java: what every read must return. */
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

    @Test
    void releasedBatchesAreRefilledWithTheSameRows() {
        assertEquals(ROWS, inserted.size());
        List<List<Object>> filtered = inserted.stream()
                .filter(r -> (Long) r.get(0) % 3 == 1 || (r.get(1) != null && (Double) r.get(1) > 200)).toList();
        Map<String, List<List<Object>>> cases = Map.of("SELECT k, d, s FROM t", inserted,
                "SELECT k, d, s FROM t WHERE k % 3 = 1 OR d > 200", filtered);
        for (Map.Entry<String, List<List<Object>>> e : cases.entrySet()) {
            for (boolean release : new boolean[]{false, true}) {
                List<List<Object>> got = read(e.getKey(), release);
                got.sort((a, b) -> Long.compare((Long) a.get(0), (Long) b.get(0)));
                assertEquals(e.getValue(), got, e.getKey() + " release=" + release + " (seed " + SEED + ")");
            }
        }
    }

    /** Reads every row as objects; with {@code release}, hands each batch back before taking the next. */
    private List<List<Object>> read(String sql, boolean release) {
        List<List<Object>> rows = new ArrayList<>();
        Map<RowBatch, Boolean> distinct = new IdentityHashMap<>();
        int batches = 0;
        try (QueryResult r = engine.execute(sql)) {
            ResultCursor c = r.cursor();
            RowBatch b;
            while ((b = c.next()) != null) {
                batches++;
                distinct.put(b, true);
                for (int i = 0; i < b.rowCount(); i++) {
                    List<Object> row = new ArrayList<>();
                    for (int col = 0; col < b.columnCount(); col++) {
                        row.add(b.column(col).getObject(i));
                    }
                    rows.add(row);
                }
                if (release) {
                    c.release(b);
                }
            }
            assertTrue(c.ready(), "the end is known at once after it was read");
        }
        if (release && batches > 12) { // the queue holds 8 and each worker one more: later batches must be refills
            assertTrue(distinct.size() < batches, "released batches are refilled: " + distinct.size() + " objects for " + batches + " batches");
        }
        return rows;
    }
}
