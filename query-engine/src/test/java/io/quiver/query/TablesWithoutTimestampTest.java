package io.quiver.query;

import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.table.SegmentInfo;
import io.quiver.storage.table.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dimension tables made by SQL without a TIMESTAMP column: they take rows without a timestamp,
 * keep them through flush, compaction and a restart, and join like any table.
 */
class TablesWithoutTimestampTest {
    @TempDir
    Path dir;
    private StorageEngine storage;
    private QueryEngine engine;

    private void open() throws Exception {
        storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig().compactionEnabled(true).compactionMinSegments(2));
        engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(2));
    }

    private void reopen() throws Exception {
        close();
        open();
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
        if (storage != null) {
            storage.close();
            storage = null;
        }
    }

    private List<List<Object>> q(String sql) {
        return Rows.query(engine, sql);
    }

    /** INSERTs {@code from..to} as (id, name, tier): ids descending inside each statement, every 5th tier NULL. */
    private void insertUsers(int from, int to) {
        StringBuilder sql = new StringBuilder("INSERT INTO users VALUES ");
        for (int id = to; id >= from; id--) {
            sql.append(id == to ? "" : ", ").append('(').append(id).append(", 'user-").append(id).append("', ")
                    .append(id % 5 == 0 ? "NULL" : "'t" + id % 3 + "'").append(')');
        }
        assertEquals(List.of(List.of((long) (to - from + 1))), q(sql.toString()));
    }

    private static List<List<Object>> expectedUsers(int[][] ranges) {
        List<List<Object>> out = new ArrayList<>();
        for (int[] r : ranges) {
            for (int id = r[1]; id >= r[0]; id--) {
                out.add(Arrays.asList((long) id, "user-" + id, id % 5 == 0 ? null : "t" + id % 3));
            }
        }
        return out;
    }

    @Test
    void rowsWithoutATimestampSurviveFlushCompactionAndRestartInWrittenOrder() throws Exception {
        open();
        q("CREATE TABLE users (id BIGINT, name VARCHAR, tier VARCHAR)");
        List<List<Object>> described = q("DESCRIBE users");
        assertEquals(3, described.size());
        described.forEach(row -> assertEquals("", row.get(2), "no column is the designated timestamp: " + described));
        Table t = storage.tableOrThrow("users");
        assertNull(t.schema().timestampColumn());

        insertUsers(1, 300);
        int[][] written = {{1, 300}};
        assertEquals(expectedUsers(written), q("SELECT * FROM users"), "memtable rows, in written order");
        t.flush();
        insertUsers(301, 500);
        t.flush();
        insertUsers(501, 520); // stays in the memtable
        written = new int[][] {{1, 300}, {301, 500}, {501, 520}};
        List<List<Object>> all = expectedUsers(written);
        List<List<Object>> byId = new ArrayList<>(all);
        byId.sort((a, b) -> Long.compare((Long) a.get(0), (Long) b.get(0)));
        assertEquals(byId, q("SELECT id, name, tier FROM users ORDER BY id"), "segments and memtable together");
        assertEquals(List.of(List.of(520L, 104L, 1L, 520L)), q("SELECT count(*), count(*) FILTER (WHERE tier IS NULL), min(id), max(id) FROM users"));

        assertTrue(t.compact() > 0, "two small segments of the one partition merge");
        List<SegmentInfo> segments = t.segments();
        assertEquals(1, segments.size(), segments.toString());
        assertEquals("default", segments.get(0).partition(), segments.toString());

        reopen(); // WAL replay for the memtable rows, the table file for the schema
        assertNull(storage.tableOrThrow("users").schema().timestampColumn());
        assertEquals(List.of(List.of(520L)), q("SELECT count(*) FROM users"));
        storage.tableOrThrow("users").flush();
        reopen();
        List<List<Object>> readBack = new ArrayList<>();
        // One worker reads segments in order: the rows come back exactly as they were written.
        try (QueryEngine serial = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(1))) {
            readBack.addAll(Rows.query(serial, "SELECT id, name, tier FROM users"));
        }
        assertEquals(all, readBack);
    }

    @Test
    void aSortKeyOrdersTheSegmentsAndADimensionJoinsAFactTable() throws Exception {
        open();
        q("CREATE TABLE users (id BIGINT, name VARCHAR, tier VARCHAR) WITH (sort_key = 'id')");
        q("CREATE TABLE ev (ts TIMESTAMP, user_id BIGINT, amount DOUBLE)");
        insertUsers(1, 50);
        insertUsers(51, 60);
        q("INSERT INTO ev VALUES (TIMESTAMP '2026-11-01 10:00:00', 3, 1.5), (TIMESTAMP '2026-11-01 11:00:00', 55, 2.0), "
                + "(TIMESTAMP '2026-11-02 10:00:00', 3, 4.0), (TIMESTAMP '2026-11-02 12:00:00', 999, 8.0)");
        storage.flushAll();
        try (QueryEngine serial = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(1))) {
            List<Object> ids = Rows.query(serial, "SELECT id FROM users").stream().map(r -> r.get(0)).toList();
            List<Object> sorted = new ArrayList<>(ids);
            sorted.sort((a, b) -> Long.compare((Long) a, (Long) b));
            assertEquals(sorted, ids, "a flush writes the rows in sort-key order");
        }
        assertEquals(List.of(Arrays.asList("user-3", 2L, 5.5), Arrays.asList("user-55", 1L, 2.0), Arrays.asList(null, 1L, 8.0)),
                q("SELECT u.name, count(*), sum(e.amount) FROM ev e LEFT JOIN users u ON e.user_id = u.id "
                        + "GROUP BY u.name ORDER BY u.name NULLS LAST"));
        assertEquals(List.of(List.of(58L)), q("SELECT count(*) FROM users WHERE id NOT IN (SELECT user_id FROM ev)"));
    }

    @Test
    void timePartitioningWithoutATimestampAndSeveralCandidatesAreClearErrors() throws Exception {
        open();
        QueryException noTs = assertThrows(QueryException.class,
                () -> q("CREATE TABLE d (id BIGINT, name VARCHAR) WITH (partition_by = 'DAY')"));
        assertTrue(noTs.getMessage().contains("partitioning by time needs a designated timestamp"), noTs.getMessage());
        QueryException two = assertThrows(QueryException.class,
                () -> q("CREATE TABLE d (created TIMESTAMP, updated TIMESTAMP, id BIGINT)"));
        assertTrue(two.getMessage().contains("name the designated timestamp column"), two.getMessage());
        assertTrue(storage.tableNames().isEmpty(), storage.tableNames().toString());
        q("CREATE TABLE d (created TIMESTAMP, updated TIMESTAMP, id BIGINT) WITH (timestamp = 'updated')");
        assertEquals("updated", storage.tableOrThrow("d").schema().timestampColumn());
    }
}
