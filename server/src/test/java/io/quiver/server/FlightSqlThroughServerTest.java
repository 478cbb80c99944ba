package io.quiver.server;

import io.quiver.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole server as a BI user meets it: {@link QuiverServer} on free loopback ports over a temp
 * data dir, a table created over Flight SQL by the JDBC driver, rows ingested as NDJSON over HTTP,
 * and every value (NULLs included) read back through the JDBC driver; with {@code auth.token} set,
 * wrong or missing credentials are refused and the right token is let in.
 */
class FlightSqlThroughServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long SEED = 20261123L;
    private static final int ROWS = 1_500;
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    /** One generated row; a null field is a NULL (left out of the JSON line, or written as null). */
    private record Row(Instant ts, Long id, Integer n, Short small, Double price, Boolean ok, LocalDate day, String name) {
    }

    private QuiverServer start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--data.dir=" + dir, "--http.port=0", "--grpc.port=0", "--flight.port=0",
                "--storage.durability=batch"));
        args.addAll(List.of(extra));
        return QuiverServer.start(ServerConfig.load(args.toArray(new String[0]), Map.of()));
    }

    private static String jdbcUrl(QuiverServer server, String params) {
        return "jdbc:arrow-flight-sql://127.0.0.1:" + server.flightPort() + "/?useEncryption=false" + params;
    }

    private static List<Row> rows(SplittableRandom random) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(new Row(T0.plusNanos(i * 1_000_001_000L), // distinct, microsecond precision
                    i % 7 == 0 ? null : random.nextLong(),
                    i % 5 == 0 ? null : random.nextInt(),
                    i % 11 == 0 ? null : (short) random.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1),
                    i % 3 == 0 ? null : random.nextInt(1_000_000) / 100.0 - 5_000,
                    i % 4 == 0 ? null : random.nextBoolean(),
                    i % 6 == 0 ? null : LocalDate.of(2026, 1, 1).plusDays(random.nextInt(-4000, 4000)),
                    i % 9 == 0 ? null : "naïve \"q\" " + i + (i % 2 == 0 ? " 😀" : "")));
        }
        return rows;
    }

    private static String ndjson(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append("{\"ts\":\"").append(r.ts()).append('"');
            field(b, "id", r.id(), i);
            field(b, "n", r.n(), i);
            field(b, "small", r.small(), i);
            field(b, "price", r.price(), i);
            field(b, "ok", r.ok(), i);
            field(b, "day", r.day() == null ? null : "\"" + r.day() + '"', i);
            field(b, "name", r.name() == null ? null : "\"" + r.name().replace("\"", "\\\"") + '"', i);
            b.append("}\n");
        }
        return b.toString();
    }

    /** NULL alternates between an explicit null and a missing field: both must arrive as NULL. */
    private static void field(StringBuilder b, String name, Object json, int row) {
        if (json == null && row % 2 == 0) {
            return;
        }
        b.append(",\"").append(name).append("\":").append(json == null ? "null" : json);
    }

    @Test
    void tableCreatedOverJdbcFilledOverHttpReadsBackValueByValue() throws Exception {
        List<Row> expected = rows(new SplittableRandom(SEED));
        try (QuiverServer server = start(); Connection c = DriverManager.getConnection(jdbcUrl(server, ""))) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE readings (ts TIMESTAMP, id BIGINT, n INT, small SMALLINT, price DOUBLE, ok BOOLEAN, "
                        + "day DATE, name VARCHAR)");
            }
            int half = ROWS / 2; // two requests: the second lands beside the first
            for (List<Row> part : List.of(expected.subList(0, half), expected.subList(half, ROWS))) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/ingest/readings"))
                        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson(part))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().contains("\"rows\":" + part.size()), r.body());
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ts, id, n, small, price, ok, day, name FROM readings ORDER BY ts")) {
                assertEquals(8, rs.getMetaData().getColumnCount());
                assertEquals("price", rs.getMetaData().getColumnName(5).toLowerCase(Locale.ROOT));
                int i = 0;
                while (rs.next()) {
                    Row e = expected.get(i);
                    String at = "row " + i + " (seed " + SEED + ")";
                    assertEquals(e.ts(), rs.getTimestamp(1).toInstant(), at);
                    assertNullableEquals(e.id(), rs.getLong(2), rs, at + " id");
                    assertNullableEquals(e.n(), rs.getInt(3), rs, at + " n");
                    assertNullableEquals(e.small(), rs.getShort(4), rs, at + " small");
                    assertNullableEquals(e.price(), rs.getDouble(5), rs, at + " price");
                    assertNullableEquals(e.ok(), rs.getBoolean(6), rs, at + " ok");
                    assertEquals(e.day(), rs.getDate(7) == null ? null : rs.getDate(7).toLocalDate(), at + " day");
                    assertEquals(e.name(), rs.getString(8), at + " name");
                    i++;
                }
                assertEquals(ROWS, i, "rows read back");
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(*), count(id), count(price), count(name) FROM readings")) {
                assertTrue(rs.next());
                assertEquals(ROWS, rs.getLong(1));
                assertEquals(expected.stream().filter(r -> r.id() != null).count(), rs.getLong(2));
                assertEquals(expected.stream().filter(r -> r.price() != null).count(), rs.getLong(3));
                assertEquals(expected.stream().filter(r -> r.name() != null).count(), rs.getLong(4));
            }
        }
    }

    /** A primitive getter returns 0/false for NULL: {@code wasNull} must tell them apart. */
    private static void assertNullableEquals(Object expected, Object got, ResultSet rs, String what) throws SQLException {
        if (expected == null) {
            assertTrue(rs.wasNull(), what + " should be NULL, got " + got);
        } else {
            assertFalse(rs.wasNull(), what + " should be " + expected);
            assertEquals(expected, got, what);
        }
    }

    @Test
    void withAnAuthTokenWrongOrMissingCredentialsAreRefused() throws Exception {
        String token = "flight-" + Long.toHexString(new SplittableRandom(SEED).nextLong());
        try (QuiverServer server = start("--auth.token=" + token)) {
            for (String params : List.of("", "&token=wrong-" + token, "&user=admin&password=wrong")) {
                SQLException e = assertThrows(SQLException.class, () -> {
                    try (Connection c = DriverManager.getConnection(jdbcUrl(server, params)); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT 1")) {
                        rs.next();
                    }
                }, "credentials '" + params + "' must be refused");
                String chain = chain(e);
                assertTrue(chain.contains("sqlstate=28000") || chain.contains("UNAUTHENTICATED"), params + ": " + chain);
                assertFalse(chain.contains(token) && !params.contains(token), "the server's token must not leak: " + chain);
            }
            for (String params : List.of("&token=" + token, "&user=admin&password=" + token)) {
                try (Connection c = DriverManager.getConnection(jdbcUrl(server, params)); Statement s = c.createStatement()) {
                    s.executeUpdate("CREATE TABLE t (ts TIMESTAMP, v BIGINT)");
                    s.executeUpdate("INSERT INTO t VALUES (TIMESTAMP '2026-11-23 10:00:00', 42)");
                    try (ResultSet rs = s.executeQuery("SELECT v, ts FROM t")) {
                        assertTrue(rs.next(), params);
                        assertEquals(42, rs.getLong(1), params);
                        assertEquals(T0, rs.getTimestamp(2).toInstant(), params);
                        assertFalse(rs.next(), params);
                    }
                    s.executeUpdate("DROP TABLE t");
                }
            }
            assertNull(server.storage().table("t").orElse(null), "the authenticated DROP went through");
        }
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable x = t; x != null; x = x.getCause()) {
            b.append(x.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
