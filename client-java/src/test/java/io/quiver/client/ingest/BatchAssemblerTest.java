package io.quiver.client.ingest;

import io.quiver.client.ColumnType;
import io.quiver.proto.v1.IngestRequest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchAssemblerTest {
    private final BatchAssembler assembler = new BatchAssembler("events", "ts", 4);
    private long ordinal;

    private void add(RowBuilder row) {
        assertNull(assembler.checkTypes(row.staged));
        assembler.append(row.staged, ordinal++, System.nanoTime());
        row.staged.clear();
    }

    /**
     * Seals and parses the encoded bytes with protobuf-java; the bytes must also be exactly what
     * protobuf-java writes for that message (field order, packing, defaults left out).
     */
    private IngestRequest seal(String batchId) {
        EncodedRequest encoded = assembler.seal(batchId);
        IngestRequest parsed;
        try {
            parsed = IngestRequest.parseFrom(encoded.bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("the encoder wrote bytes protobuf cannot parse", e);
        }
        assertArrayEquals(parsed.toByteArray(), encoded.bytes, "canonical protobuf encoding");
        assertEquals(parsed.getBatchId(), encoded.batchId);
        assertEquals(parsed.getRowCount(), encoded.rows);
        assertEquals(parsed.getTable(), encoded.table);
        return parsed;
    }

    @Test
    void randomRowsEncodeExactlyAsProtobufDoes() {
        long seed = 77;
        Random rnd = new Random(seed);
        for (int batch = 0; batch < 200; batch++) {
            int rows = 1 + rnd.nextInt(40);
            long[] longs = new long[rows];
            for (int r = 0; r < rows; r++) {
                RowBuilder row = row().set("ts", (long) r, ColumnType.TIMESTAMP);
                longs[r] = switch (rnd.nextInt(4)) {
                    case 0 -> Long.MIN_VALUE;
                    case 1 -> Long.MAX_VALUE;
                    case 2 -> -rnd.nextInt(300);
                    default -> rnd.nextLong();
                };
                if (rnd.nextInt(5) > 0) {
                    row.set("n", longs[r]);
                }
                if (rnd.nextInt(5) > 0) {
                    row.set("d", rnd.nextInt(9) == 0 ? Double.NaN : rnd.nextGaussian());
                }
                if (rnd.nextInt(5) > 0) {
                    row.set("s", rnd.nextInt(7) == 0 ? "" : "é🎌x".repeat(rnd.nextInt(60)));
                }
                add(row);
            }
            IngestRequest r = seal("batch-" + batch);
            assertEquals(rows, r.getRowCount(), "seed " + seed);
            for (int i = 0; i < rows; i++) {
                Object n = WireRows.value(r, "n", i);
                if (n != null) {
                    assertEquals(longs[i], n, "seed " + seed + " batch " + batch + " row " + i);
                }
            }
        }
    }

    private static RowBuilder row() {
        return new RowBuilder(null).start("events");
    }

    @Test
    void rowsBecomeColumnsWithNullsForMissingValues() {
        Instant t0 = Instant.parse("2026-11-23T10:00:00.123456Z");
        add(row().set("ts", t0).set("user_id", 42).set("country", "DE"));
        add(row().set("ts", t0.plusSeconds(1)).set("value", 1.5));          // new column mid-batch, country missing
        add(row().set("ts", t0.plusSeconds(2)).setNull("user_id").set("country", "日本🎌").set("day", LocalDate.of(2026, 1, 2)).set("ok", true));
        IngestRequest r = seal("b-1");
        assertEquals(3, r.getRowCount());
        assertEquals("b-1", r.getBatchId());
        assertEquals("ts", r.getTimestampColumn());
        assertEquals(1_795_428_000_123_456L, WireRows.value(r, "ts", 0));
        assertEquals(1_795_428_002_123_456L, WireRows.value(r, "ts", 2));
        assertEquals(42L, WireRows.value(r, "user_id", 0));
        assertNull(WireRows.value(r, "user_id", 1));
        assertNull(WireRows.value(r, "user_id", 2));
        assertEquals("DE", WireRows.value(r, "country", 0));
        assertNull(WireRows.value(r, "country", 1));
        assertEquals("日本🎌", WireRows.value(r, "country", 2));
        assertNull(WireRows.value(r, "value", 0));
        assertEquals(1.5, WireRows.value(r, "value", 1));
        assertNull(WireRows.value(r, "value", 2));
        assertEquals(LocalDate.of(2026, 1, 2).toEpochDay(), WireRows.value(r, "day", 2));
        assertEquals(1L, WireRows.value(r, "ok", 2));
        assertEquals(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_DATE, WireRows.column(r, "day").getType());
        for (var c : r.getColumnsList()) {
            int values = c.getLongValuesCount() + c.getDoubleValuesCount() + c.getStringLengthsCount();
            assertEquals(3, values, "every column holds one slot per row: " + c.getName());
        }
    }

    @Test
    void assemblerIsReusableAndSettingAColumnTwiceKeepsTheLastValue() {
        add(row().set("ts", 1L, ColumnType.TIMESTAMP).set("s", "first").set("s", "second").set("n", 1).set("n", 2));
        IngestRequest first = seal("b-1");
        assertEquals("second", WireRows.value(first, "s", 0));
        assertEquals(2L, WireRows.value(first, "n", 0));
        assertEquals(0, assembler.rows());
        add(row().set("ts", 2L, ColumnType.TIMESTAMP));
        add(row().set("ts", 3L, ColumnType.TIMESTAMP).set("s", "x"));
        IngestRequest second = seal("b-2");
        assertEquals(2, second.getRowCount());
        assertNull(WireRows.value(second, "s", 0), "a reused buffer must not leak the previous batch's value");
        assertEquals("x", WireRows.value(second, "s", 1));
        assertTrue(WireRows.column(second, "ts").getNullBitmap().isEmpty(), "no NULLs: no bitmap");
    }

    @Test
    void typeChangeWithinABatchIsReportedBeforeAnythingIsAdded() {
        add(row().set("ts", 1L, ColumnType.TIMESTAMP).set("user_id", 7));
        RowBuilder bad = row().set("ts", 2L, ColumnType.TIMESTAMP).set("user_id", "seven");
        String error = assembler.checkTypes(bad.staged);
        assertNotNull(error);
        assertTrue(error.contains("column=user_id") && error.contains("batchType=BIGINT") && error.contains("rowType=VARCHAR"), error);
        assertEquals(1, assembler.rows());
    }

    @Test
    void randomRowsRoundTrip() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int rows = 5_000;
        Object[][] expected = new Object[rows][3];
        for (int i = 0; i < rows; i++) {
            RowBuilder r = row().set("ts", (long) i, ColumnType.TIMESTAMP);
            if (rnd.nextInt(4) > 0) {
                long v = rnd.nextLong();
                r.set("l", v);
                expected[i][0] = v;
            }
            if (rnd.nextInt(4) > 0) {
                double v = rnd.nextDouble();
                r.set("d", v);
                expected[i][1] = v;
            }
            if (rnd.nextInt(4) > 0) {
                String v = "s" + rnd.nextInt(1000) + (rnd.nextBoolean() ? "é" : "");
                r.set("s", v);
                expected[i][2] = v;
            }
            add(r);
        }
        IngestRequest req = seal("b");
        for (int i = 0; i < rows; i++) {
            assertEquals(expected[i][0], WireRows.value(req, "l", i), "seed=" + seed + " row=" + i);
            assertEquals(expected[i][1], WireRows.value(req, "d", i), "seed=" + seed + " row=" + i);
            assertEquals(expected[i][2], WireRows.value(req, "s", i), "seed=" + seed + " row=" + i);
        }
    }

    @Test
    void columnsSetInChangingOrdersWithEqualButDistinctNamesLandInTheRightColumn() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        String[] names = {"a", "b", "c"};
        int rows = 300;
        long[][] expected = new long[rows][3];
        for (int i = 0; i < rows; i++) {
            RowBuilder r = row().set("ts", (long) i, ColumnType.TIMESTAMP);
            int first = rnd.nextInt(3);
            for (int k = 0; k < 3; k++) {
                int c = (first + (i % 2 == 0 ? k : 3 - k)) % 3; // rotations, forwards and backwards
                long v = rnd.nextLong();
                r.set(new String(names[c]), v); // equal to the column's name, never the same instance
                expected[i][c] = v;
            }
            add(r);
        }
        assertTrue(assembler.checkTypes(row().set(new String("b"), 1.5).staged).contains("column=b"),
                "a type change is still caught when the name is found by position");
        IngestRequest req = seal("b");
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[i][c], WireRows.value(req, names[c], i), "seed=" + seed + " row=" + i + " column=" + names[c]);
            }
        }
    }
}
