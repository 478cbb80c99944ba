package io.quiver.flight.sql;

import io.quiver.storage.vector.RowBatch;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.flight.FlightStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strings from flushed dictionary blocks and from the memtable, with NULLs, over a real Flight
 * endpoint: every value of every row must arrive, whatever the projection's order, with a column
 * twice, with filters on another column and on the string itself (the rows a filter keeps are
 * gathered before the workers encode them), and through an expression.
 */
class DictionaryStringsOverFlightTest {
    private static final int FLUSHED = 40_000;
    private static final int IN_MEMORY = 3_000;

    @TempDir
    Path dir;

    private static String s(long id) {
        return id % 7 == 0 ? null : "k" + id % 13;
    }

    private static String u(long id) {
        return "https://example.com/path-" + id % 300 + "/é" + "x".repeat((int) (id % 300 % 20));
    }

    private static void load(FlightSqlFixture f) throws Exception {
        try (var r = f.engine.execute("CREATE TABLE t (ts TIMESTAMP, id BIGINT, s VARCHAR, u VARCHAR)")) {
            r.updateCount();
        }
        var table = f.storage.tableOrThrow("t");
        append(table, 0, FLUSHED);
        table.flush(); // dictionary blocks on disk
        append(table, FLUSHED, IN_MEMORY); // and rows still in the memtable
    }

    private static void append(io.quiver.storage.table.Table table, long from, int rows) {
        RowBatch b = new RowBatch(table.schema().columns(), rows);
        for (long id = from; id < from + rows; id++) {
            b.column(0).appendLong(1_704_067_200_000_000L + id * 1_000_000L);
            b.column(1).appendLong(id);
            String s = s(id);
            if (s == null) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendString(s);
            }
            b.column(3).appendString(u(id));
        }
        b.syncRowCount();
        table.append(null, b).join();
    }

    /** Reads a whole result over Flight; for each row calls {@code check} with the root and the row. */
    private static long read(FlightSqlFixture f, String sql, RowCheck check) throws Exception {
        long rows = 0;
        try (FlightStream st = f.sql().getStream(f.sql().execute(sql).getEndpoints().get(0).getTicket())) {
            while (st.next()) {
                VectorSchemaRoot root = st.getRoot();
                for (int i = 0; i < root.getRowCount(); i++) {
                    check.row(root, i);
                }
                rows += root.getRowCount();
            }
        }
        return rows;
    }

    private interface RowCheck {
        void row(VectorSchemaRoot root, int i);
    }

    private static String string(FieldVector v, int i) {
        return v.isNull(i) ? null : new String(((VarCharVector) v).get(i), StandardCharsets.UTF_8);
    }

    @Test
    void plainProjectionsAndFilteredOnesReturnEveryString() throws Exception {
        try (FlightSqlFixture f = new FlightSqlFixture(dir)) {
            load(f);
            int total = FLUSHED + IN_MEMORY;
            assertEquals(total, read(f, "SELECT id, s, u FROM t", (root, i) -> {
                long id = ((BigIntVector) root.getVector(0)).get(i);
                assertEquals(s(id), string(root.getVector(1), i), "s of id " + id);
                assertEquals(u(id), string(root.getVector(2), i), "u of id " + id);
            }));
            assertEquals(total, read(f, "SELECT u, id, s, u AS again FROM t", (root, i) -> {
                long id = ((BigIntVector) root.getVector(1)).get(i);
                assertEquals(u(id), string(root.getVector(0), i), "u of id " + id);
                assertEquals(s(id), string(root.getVector(2), i), "s of id " + id);
                assertEquals(u(id), string(root.getVector(3), i), "u again of id " + id);
            }));
            AtomicLong thirds = new AtomicLong();
            read(f, "SELECT id, s, u FROM t WHERE id % 3 = 0", (root, i) -> {
                long id = ((BigIntVector) root.getVector(0)).get(i);
                assertEquals(0, id % 3);
                assertEquals(s(id), string(root.getVector(1), i), "s of id " + id);
                assertEquals(u(id), string(root.getVector(2), i), "u of id " + id);
                thirds.incrementAndGet();
            });
            assertEquals((total + 2) / 3, thirds.get());
            AtomicLong fives = new AtomicLong();
            read(f, "SELECT s, id, u FROM t WHERE s = 'k5'", (root, i) -> {
                long id = ((BigIntVector) root.getVector(1)).get(i);
                assertEquals("k5", string(root.getVector(0), i));
                assertEquals("k5", s(id));
                assertEquals(u(id), string(root.getVector(2), i), "u of id " + id);
                fives.incrementAndGet();
            });
            long expectedFives = 0;
            for (long id = 0; id < total; id++) {
                expectedFives += "k5".equals(s(id)) ? 1 : 0;
            }
            assertEquals(expectedFives, fives.get());
            assertEquals(total, read(f, "SELECT id, upper(s) AS big, u FROM t", (root, i) -> {
                long id = ((BigIntVector) root.getVector(0)).get(i);
                String s = s(id);
                assertEquals(s == null ? null : s.toUpperCase(java.util.Locale.ROOT), string(root.getVector(1), i), "upper(s) of id " + id);
            }));
        }
    }
}
