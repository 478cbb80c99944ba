package io.quiver.server.ingest;

import io.quiver.flight.ingest.IngestFailure;
import io.quiver.flight.ingest.IngestLimits;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.TableSchema;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NdjsonBatchParserTest {
    private static final IngestLimits LIMITS = new IngestLimits(1_000, 32, 16, true);
    private static final TableSchema EVENTS = TableSchema.of("events", "ts", List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("user_id", ColumnType.INT), new ColumnDef("price", ColumnType.DOUBLE),
            new ColumnDef("day", ColumnType.DATE), new ColumnDef("name", ColumnType.VARCHAR), new ColumnDef("ok", ColumnType.BOOLEAN)));

    private static NdjsonBatchParser.Parsed parse(String body, TableSchema schema, String hint) {
        return NdjsonBatchParser.parse(body.getBytes(StandardCharsets.UTF_8), "events", schema, hint, LIMITS);
    }

    private static Object value(NdjsonBatchParser.Parsed p, String column, int row) {
        return p.batch().column(p.batch().indexOf(column)).getObject(row);
    }

    @Test
    void linesBecomeColumnsOfTheTablesTypes() {
        String body = """
                {"ts":"2026-11-23T10:00:00.000001Z","user_id":42,"price":3,"day":"2026-01-02","name":"a","ok":true}

                {"ts":1795428000000002,"user_id":null,"price":2.5,"name":"ü"}\r
                {"ts":"2026-11-23T11:00:00+01:00","ok":false}
                """;
        NdjsonBatchParser.Parsed p = parse(body, EVENTS, "");
        assertEquals(3, p.batch().rowCount());
        assertEquals(1_795_428_000_000_001L, value(p, "ts", 0));
        assertEquals(1_795_428_000_000_002L, value(p, "ts", 1));
        assertEquals(1_795_428_000_000_000L, value(p, "ts", 2), "the offset is applied");
        assertEquals(42L, value(p, "user_id", 0));
        assertNull(value(p, "user_id", 1));
        assertEquals(3.0, value(p, "price", 0), "an integer fits a DOUBLE column");
        assertEquals(java.time.LocalDate.of(2026, 1, 2).toEpochDay(), value(p, "day", 0));
        assertNull(value(p, "day", 1));
        assertEquals("ü", value(p, "name", 1));
        assertEquals(true, value(p, "ok", 0));
        assertEquals(false, value(p, "ok", 2));
        assertEquals(ColumnType.INT, p.columns().get(p.batch().indexOf("user_id")).type());
        assertTrue(java.util.Arrays.equals(new long[]{1, 3, 4}, p.lineOfRow()), "blank lines are skipped but counted");
    }

    @Test
    void newFieldsAreTypedFromTheirValues() {
        NdjsonBatchParser.Parsed p = parse("""
                {"time":"2026-11-23T10:00:00Z","a":1,"b":1,"c":"x","d":true,"e":null}
                {"time":"2026-11-23T10:00:01Z","a":2,"b":2.5}
                """, null, "");
        assertEquals(List.of(new ColumnDef("time", ColumnType.TIMESTAMP), new ColumnDef("a", ColumnType.BIGINT), new ColumnDef("b", ColumnType.DOUBLE),
                new ColumnDef("c", ColumnType.VARCHAR), new ColumnDef("d", ColumnType.BOOLEAN)), p.columns(), "an all-NULL field is left out");
        assertEquals(2.5, value(p, "b", 1));
        assertNull(value(p, "c", 1));
    }

    @Test
    void everyBadLineIsReportedWithItsNumberAndField() {
        String body = """
                {"ts":"2026-11-23T10:00:00Z","user_id":1}
                {"ts":"2026-11-23T10:00:00Z","user_id":"one"}
                {"ts":"yesterday"}
                {"ts":"2026-11-23T10:00:00Z","user_id":3000000000}
                [1,2]
                {"ts":"2026-11-23T10:00:00Z","name":"this is far too long"}
                {"ts":"2026-11-23T10:00:00Z","nested":{"a":1}}
                {"ts":"2026-11-23T10:00:00Z","user_id":5
                """;
        NdjsonRejected e = assertThrows(NdjsonRejected.class, () -> parse(body, EVENTS, ""));
        List<String> got = e.errors.stream().map(x -> x.line() + ":" + x.field()).toList();
        assertTrue(got.containsAll(List.of("5:", "7:nested", "8:")), got.toString());
        NdjsonRejected typed = assertThrows(NdjsonRejected.class, () -> parse(body.lines().limit(4).reduce("", (a, b) -> a + b + "\n")
                + body.lines().skip(5).findFirst().orElseThrow(), EVENTS, ""));
        List<String> typedGot = typed.errors.stream().map(x -> x.line() + ":" + x.field()).toList();
        assertEquals(List.of("2:user_id", "3:ts", "4:user_id", "5:name"), typedGot, typed.errors.toString());
        assertTrue(typed.errors.get(2).message().contains("out of range for INT"), typed.errors.get(2).message());
    }

    @Test
    void invalidUtf8AndTruncatedLinesAreLineErrors() {
        byte[] bad = "{\"ts\":\"2026-11-23T10:00:00Z\",\"name\":\"a\u00e9\"}\n{\"ts\":\"2026-11-23T10:00:00Z\",\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        bad[bad.length - 3] = (byte) 0xC3; // 'x' becomes the first half of a two-byte sequence followed by '"'
        NdjsonRejected utf8 = assertThrows(NdjsonRejected.class, () -> NdjsonBatchParser.parse(bad, "events", EVENTS, "", LIMITS));
        assertEquals(2, utf8.errors.getFirst().line());
        assertTrue(utf8.errors.getFirst().message().contains("UTF-8"), utf8.errors.getFirst().message());
        NdjsonRejected truncated = assertThrows(NdjsonRejected.class, () -> parse("{\"ts\":1}\n{\"ts\":2,\"na", EVENTS, ""));
        assertEquals(List.of(2L), truncated.errors.stream().map(LineError::line).toList());
    }

    @Test
    void typeConflictsAndMissingTimestampForANewTable() {
        NdjsonRejected conflict = assertThrows(NdjsonRejected.class, () -> parse("""
                {"ts":1,"x":1}
                {"ts":2,"x":"one"}
                """, null, ""));
        assertEquals("2:x", conflict.errors.getFirst().line() + ":" + conflict.errors.getFirst().field());
        NdjsonRejected noTs = assertThrows(NdjsonRejected.class, () -> parse("{\"a\":1}", null, ""));
        assertTrue(noTs.errors.getFirst().message().contains("?timestamp="), noTs.errors.getFirst().message());
        NdjsonBatchParser.Parsed hinted = parse("{\"at\":\"2026-11-23T10:00:00Z\",\"a\":1}", null, "at");
        assertEquals(ColumnType.TIMESTAMP, hinted.columns().getFirst().type());
        assertThrows(NdjsonRejected.class, () -> parse("\n\n", EVENTS, ""));
    }

    @Test
    void tooManyRowsIsTooLarge() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1_001; i++) {
            sb.append("{\"ts\":").append(i).append("}\n");
        }
        IngestFailure f = assertThrows(IngestFailure.class, () -> parse(sb.toString(), EVENTS, ""));
        assertEquals(413, f.httpStatus());
    }
}
