package io.quiver.flight.sql;

import io.quiver.client.QuiverException;
import io.quiver.client.query.QueryClient;
import io.quiver.client.query.QueryStream;
import io.quiver.client.query.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Iterator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java client's query API (client-java) against a real server with a token. */
class JavaClientQueryTest {
    @TempDir
    Path dir;

    @Test
    void executeQueryWithParametersRowsBatchesCancelAndErrors() throws Exception {
        try (FlightSqlFixture f = new FlightSqlFixture(dir, FlightSqlSettings.defaults("127.0.0.1", 0).withAuthToken("tok"))) {
            f.loadBig("big", 200_000);
            try (QueryClient c = new QueryClient("127.0.0.1", f.port(), "tok")) {
                assertEquals(0, c.execute("CREATE TABLE ev (ts TIMESTAMP, d DATE, name VARCHAR, n BIGINT, ok BOOLEAN)"));
                Instant t = Instant.parse("2024-05-06T07:08:09.123456Z");
                assertEquals(1, c.execute("INSERT INTO ev VALUES (?, ?, ?, ?, ?)", t, LocalDate.of(2024, 5, 6), "a'b", 7L, true));
                assertEquals(1, c.execute("INSERT INTO ev VALUES (?, ?, ?, ?, ?)", t.plusSeconds(1), null, null, null, null));
                try (QueryStream s = c.query("SELECT ts, d, name, n, ok FROM ev WHERE n = ? OR n IS NULL ORDER BY ts", 7)) {
                    Iterator<Row> it = s.rows();
                    Row r = it.next();
                    assertEquals(Instant.parse("2024-05-06T07:08:09.123Z"), r.getTimestamp("ts"), "parameters travel as milliseconds");
                    assertEquals(LocalDate.of(2024, 5, 6), r.getDate(1));
                    assertEquals("a'b", r.getString("name"));
                    assertEquals(7, r.getLong(3));
                    assertTrue(r.getBoolean(4));
                    r = it.next();
                    assertTrue(r.isNull(3));
                    assertNull(r.getString(2));
                    assertNull(r.getObject("d"));
                    assertFalse(it.hasNext());
                }
                try (QueryStream s = c.query("SELECT ts - TIMESTAMP '2024-05-05 06:00:00' AS age, ts - ts + NULL AS none FROM ev ORDER BY ts")) {
                    Iterator<Row> it = s.rows();
                    Row r = it.next();
                    assertEquals(java.time.Duration.parse("PT25H8M9.123S"), r.getInterval("age"));
                    assertEquals(r.getInterval(0), r.getObject(0));
                    assertNull(r.getInterval("none"));
                    assertEquals(java.time.Duration.parse("PT25H8M10.123S"), it.next().getInterval(0));
                }
                long rows = 0;
                try (QueryStream s = c.query("SELECT id FROM big")) {
                    while (s.nextBatch()) {
                        rows += s.root().getRowCount();
                    }
                }
                assertEquals(200_000, rows);
                try (QueryStream s = c.query("SELECT a.id FROM big a JOIN big b ON a.s = b.s")) {
                    assertTrue(s.nextBatch());
                    s.cancel();
                    QuiverException e = assertThrows(QuiverException.class, () -> {
                        while (s.nextBatch()) {
                            // drain
                        }
                    });
                    assertEquals("CANCELLED", e.code());
                }
                QuiverException e = assertThrows(QuiverException.class, () -> c.query("SELECT * FROM nope").close());
                assertEquals("NOT_FOUND", e.code());
                assertTrue(e.getMessage().contains("42P01"), e.getMessage());
                assertEquals(0, c.allocatedBytes());
                assertTrue(c.jdbcUrl().endsWith("&token=tok"));
            }
            QueryClient wrong = new QueryClient("127.0.0.1", f.port(), "bad");
            QuiverException e = assertThrows(QuiverException.class, () -> wrong.execute("CREATE TABLE x (ts TIMESTAMP)"));
            assertEquals("UNAUTHENTICATED", e.code());
            wrong.close();
        }
    }
}
