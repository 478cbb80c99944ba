package io.quiver.flight.sql;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Apache Arrow Flight SQL JDBC driver (a client we did not write) against a real server with a
 * token: metadata, statements, parameters of every type, getters of every type, errors, a large
 * streamed result, concurrency and cancellation.
 */
class JdbcDriverTest {
    static final String TOKEN = "s3cret-token";
    static final String ENDLESS = "SELECT a.id, b.s FROM big a JOIN big b ON a.s = b.s";

    @TempDir
    static Path dir;
    static FlightSqlFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new FlightSqlFixture(dir, FlightSqlSettings.defaults("127.0.0.1", 0).withAuthToken(TOKEN));
        f.loadBig("big", 300_000);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertEquals(0, s.executeUpdate("CREATE TABLE all_types (ts TIMESTAMP, b BOOLEAN, sm SMALLINT, i INT, bi BIGINT, "
                    + "d DOUBLE, dt DATE, s VARCHAR)"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(f.jdbcUrl());
    }

    @Test
    void databaseMetaData() throws Exception {
        try (Connection c = connect()) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals("Quiver", md.getDatabaseProductName());
            assertEquals("\"", md.getIdentifierQuoteString());
            assertTrue(md.getSQLKeywords().contains("EXPLAIN"), md.getSQLKeywords());
            assertTrue(md.getNumericFunctions().contains("ROUND"));
            assertFalse(md.supportsTransactions());
            assertFalse(md.isReadOnly());
            try (ResultSet rs = md.getCatalogs()) {
                assertFalse(rs.next());
            }
            try (ResultSet rs = md.getSchemas()) {
                assertTrue(rs.next());
                assertEquals("public", rs.getString("TABLE_SCHEM"));
                assertFalse(rs.next());
            }
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, null, "%", new String[]{"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                    assertEquals("TABLE", rs.getString("TABLE_TYPE"));
                }
            }
            assertTrue(tables.containsAll(List.of("all_types", "big")), tables.toString());
            List<String> cols = new ArrayList<>();
            List<Integer> jdbcTypes = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, null, "all\\_types", "%")) {
                while (rs.next()) {
                    cols.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
                    jdbcTypes.add(rs.getInt("DATA_TYPE"));
                }
            }
            assertEquals(List.of("ts:TIMESTAMP", "b:BOOLEAN", "sm:SMALLINT", "i:INT", "bi:BIGINT", "d:DOUBLE", "dt:DATE", "s:VARCHAR"), cols);
            assertEquals(Types.VARCHAR, jdbcTypes.get(7));
            assertEquals(Types.BIGINT, jdbcTypes.get(4));
            // Driver 18.3 answers getTypeInfo() itself (empty) and never sends GetXdbcTypeInfo: RawFlightSqlTest covers it.
            try (ResultSet rs = md.getPrimaryKeys(null, null, "big")) {
                assertFalse(rs.next());
            }
            try (ResultSet rs = md.getImportedKeys(null, null, "big")) {
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void parametersAndGettersOfEveryTypeIncludingNull() throws Exception {
        Instant t0 = Instant.parse("2024-03-04T05:06:07.123Z");
        try (Connection c = connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO all_types VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                assertEquals(8, ps.getParameterMetaData().getParameterCount());
                ps.setTimestamp(1, Timestamp.from(t0));
                ps.setBoolean(2, true);
                ps.setShort(3, (short) -7);
                ps.setInt(4, 123_456);
                ps.setLong(5, Long.MAX_VALUE);
                ps.setDouble(6, -2.5);
                ps.setDate(7, Date.valueOf(LocalDate.of(2024, 2, 29)));
                ps.setString(8, "O'Brien; DROP TABLE big --");
                assertEquals(1, ps.executeUpdate());
                ps.setTimestamp(1, Timestamp.from(t0.plusSeconds(1)));
                for (int i = 2; i <= 8; i++) {
                    ps.setNull(i, Types.NULL);
                }
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT ts, b, sm, i, bi, d, dt, s FROM all_types WHERE b = ? AND sm = ? AND i = ? AND bi = ? AND d = ? AND dt = ? AND s = ? AND ts = ?")) {
                ps.setBoolean(1, true);
                ps.setShort(2, (short) -7);
                ps.setInt(3, 123_456);
                ps.setLong(4, Long.MAX_VALUE);
                ps.setDouble(5, -2.5);
                ps.setDate(6, Date.valueOf(LocalDate.of(2024, 2, 29)));
                ps.setString(7, "O'Brien; DROP TABLE big --");
                ps.setTimestamp(8, Timestamp.from(t0));
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(t0, rs.getTimestamp(1).toInstant());
                    assertTrue(rs.getBoolean(2));
                    assertEquals(-7, rs.getShort(3));
                    assertEquals(123_456, rs.getInt(4));
                    assertEquals(Long.MAX_VALUE, rs.getLong(5));
                    assertEquals(-2.5, rs.getDouble(6));
                    assertEquals(LocalDate.of(2024, 2, 29), rs.getDate(7).toLocalDate());
                    assertEquals("O'Brien; DROP TABLE big --", rs.getString(8));
                    ResultSetMetaData md = rs.getMetaData();
                    assertEquals(Types.TIMESTAMP, md.getColumnType(1) == Types.TIMESTAMP_WITH_TIMEZONE ? Types.TIMESTAMP : md.getColumnType(1));
                    assertEquals(Types.BOOLEAN, md.getColumnType(2));
                    assertEquals(Types.SMALLINT, md.getColumnType(3));
                    assertEquals(Types.INTEGER, md.getColumnType(4));
                    assertEquals(Types.BIGINT, md.getColumnType(5));
                    assertEquals(Types.DOUBLE, md.getColumnType(6));
                    assertEquals(Types.DATE, md.getColumnType(7));
                    assertEquals(Types.VARCHAR, md.getColumnType(8));
                    assertFalse(rs.next());
                }
            }
            // ts - ts is an INTERVAL, an Arrow Duration in microseconds; the driver gives a java.time.Duration
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT max(ts) - min(ts), min(ts) - max(ts), CAST(max(ts) - min(ts) AS VARCHAR), max(ts) FILTER (WHERE b) - min(ts) FROM all_types")) {
                assertTrue(rs.next());
                assertEquals(java.time.Duration.ofSeconds(1), rs.getObject(1));
                assertEquals(java.time.Duration.ofSeconds(-1), rs.getObject(2));
                assertEquals("00:00:01", rs.getString(3));
                assertEquals(java.time.Duration.ZERO, rs.getObject(4));
                assertFalse(rs.next());
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT b, sm, i, bi, d, dt, s FROM all_types WHERE b IS NULL")) {
                assertTrue(rs.next());
                for (int i = 1; i <= 7; i++) {
                    assertNull(rs.getObject(i), "column " + i);
                    assertTrue(rs.wasNull());
                }
                assertEquals(0, rs.getInt(3));
                assertTrue(rs.wasNull());
                assertFalse(rs.next());
            }
        }
        assertTrue(f.storage.table("big").isPresent());
    }

    @Test
    void deleteReturnsRowsAffectedLikeInsert() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertEquals(0, s.executeUpdate("CREATE TABLE del_t (ts TIMESTAMP, k VARCHAR, v BIGINT)"));
            assertEquals(5, s.executeUpdate("INSERT INTO del_t VALUES ('2024-01-01 00:00:00', 'a', 1), ('2024-01-01 00:00:01', 'b', 2),"
                    + " ('2024-01-01 00:00:02', 'c', 3), ('2024-01-01 00:00:03', 'd', NULL), ('2024-01-02 00:00:00', 'e', 5)"));
            assertEquals(2, s.executeUpdate("DELETE FROM del_t WHERE v > 2 AND ts < '2024-01-02'") + s.executeUpdate("DELETE FROM del_t WHERE k = 'e'"));
            assertEquals(0, s.executeUpdate("DELETE FROM del_t WHERE v > 100"));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM del_t WHERE v = ? OR k = ?")) {
                ps.setLong(1, 1);
                ps.setString(2, "nobody");
                assertEquals(1, ps.executeUpdate());
                ps.setLong(1, 99);
                ps.setString(2, "d");
                assertEquals(1, ps.executeUpdate(), "v = 99 is NULL for the row whose v is NULL, k = 'd' is true");
            }
            try (ResultSet rs = s.executeQuery("SELECT k, v FROM del_t")) {
                assertTrue(rs.next());
                assertEquals("b", rs.getString(1));
                assertEquals(2, rs.getLong(2));
                assertFalse(rs.next());
            }
            SQLException missing = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM del_tt WHERE v = 1"));
            assertTrue(missing.getMessage().contains("del_tt"), missing.getMessage());
            assertEquals(1, s.executeUpdate("DELETE FROM del_t"));
        }
    }

    @Test
    void errorsCarryTheirSqlState() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            SQLException syntax = assertThrows(SQLException.class, () -> s.executeQuery("SELEC 1"));
            assertTrue(chain(syntax).contains("sqlstate=42601"), chain(syntax));
            SQLException table = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM no_such_table"));
            assertTrue(chain(table).contains("sqlstate=42P01"), chain(table));
            assertTrue(chain(table).contains("no_such_table"), chain(table));
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM big")) {
                assertTrue(rs.next(), "connection still healthy");
                assertEquals(300_000, rs.getLong(1));
            }
        }
        String bad = f.jdbcUrl().replace(TOKEN, "wrong");
        SQLException auth = assertThrows(SQLException.class, () -> DriverManager.getConnection(bad).close());
        assertTrue(chain(auth).contains("sqlstate=28000"), chain(auth));
        String basic = "jdbc:arrow-flight-sql://127.0.0.1:" + f.port() + "/?useEncryption=false&user=anyone&password=" + TOKEN;
        try (Connection c = DriverManager.getConnection(basic); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next(), "user/password login with the token as password");
        }
    }

    static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable x = t; x != null; x = x.getCause()) {
            b.append(x.getMessage()).append(" | ");
        }
        return b.toString();
    }

    @Test
    void sixteenConcurrentConnections() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int k = i;
                results.add(pool.submit(() -> {
                    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT id FROM big WHERE id % 16 = ?")) {
                        go.await();
                        ps.setLong(1, k);
                        long sum = 0;
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                sum += rs.getLong(1);
                            }
                        }
                        return sum;
                    }
                }));
            }
            go.countDown();
            for (int k = 0; k < 16; k++) {
                long expected = 0;
                for (long id = k; id < 300_000; id += 16) {
                    expected += id;
                }
                assertEquals(expected, results.get(k).get(60, TimeUnit.SECONDS), "connection " + k);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancelledStatement() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery(ENDLESS);
            assertTrue(rs.next());
            CompletableFuture.runAsync(() -> {
                try {
                    s.cancel();
                } catch (SQLException e) {
                    throw new RuntimeException(e);
                }
            }).get(10, TimeUnit.SECONDS);
            assertThrows(SQLException.class, () -> {
                while (rs.next()) {
                    // the rest of the 90 M rows never arrive
                }
            });
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (f.server.producer().runningStreams() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, f.server.producer().runningStreams(), "the cancelled query stopped on the server");
    }
}
