package io.quiver.flight.ingest;

import com.google.protobuf.ByteString;
import io.quiver.proto.v1.Column;
import io.quiver.proto.v1.IngestError;
import io.quiver.proto.v1.IngestRequest;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtoBatchDecoderTest {
    private static final IngestLimits LIMITS = new IngestLimits(1_000, 16, 10, true);

    private static Column longs(String name, io.quiver.proto.v1.ColumnType t, long... v) {
        Column.Builder b = Column.newBuilder().setName(name).setType(t);
        for (long x : v) {
            b.addLongValues(x);
        }
        return b.build();
    }

    private static Column ts(long... v) {
        return longs("ts", io.quiver.proto.v1.ColumnType.COLUMN_TYPE_TIMESTAMP, v);
    }

    private static Column strings(String name, String... v) {
        Column.Builder b = Column.newBuilder().setName(name).setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_VARCHAR);
        StringBuilder all = new StringBuilder();
        for (String s : v) {
            all.append(s);
            b.addStringLengths(s.getBytes(StandardCharsets.UTF_8).length);
        }
        return b.setStringData(ByteString.copyFromUtf8(all.toString())).build();
    }

    /** Decodes with the table's column types given explicitly (what TableWriter.plan would decide). */
    private static RowBatch decode(IngestRequest request, ColumnType... tableTypes) {
        WireBatch r = IngestRequestReader.read(request.toByteArray()); // the bytes, as the server reads them
        assertNull(r.malformed());
        List<ColumnDef> incoming = ProtoBatchDecoder.incomingColumns(r, LIMITS);
        ColumnType[] target = tableTypes.length == 0 ? incoming.stream().map(ColumnDef::type).toArray(ColumnType[]::new) : tableTypes;
        TableWriter.Plan plan = new TableWriter.Plan("t", incoming, target, "ts", null, List.of());
        return ProtoBatchDecoder.decode(r, plan, LIMITS);
    }

    private static IngestRequest req(int rows, Column... cols) {
        return IngestRequest.newBuilder().setTable("t").setBatchId("b").setRowCount(rows).addAllColumns(List.of(cols)).build();
    }

    @Test
    void decodesEveryTypeWithNulls() {
        Column id = longs("id", io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BIGINT, 7, 0, -9)
                .toBuilder().setNullBitmap(ByteString.copyFrom(new byte[]{0b010})).build();
        Column v = Column.newBuilder().setName("v").setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_DOUBLE)
                .addDoubleValues(1.5).addDoubleValues(-0.0).addDoubleValues(Double.NaN).build();
        RowBatch b = decode(req(3, ts(1, 2, 3), id, v, strings("s", "a", "", "ü€😀")));
        assertEquals(3, b.rowCount());
        assertEquals(7L, b.column(1).getObject(0));
        assertEquals(null, b.column(1).getObject(1));
        assertEquals(-9L, b.column(1).getObject(2));
        assertTrue(Double.isNaN(b.column(2).getDouble(2)));
        assertEquals("ü€😀", b.column(3).getString(2));
        assertEquals("", b.column(3).getString(1));
        assertFalse(b.column(3).isNull(1), "an empty string is not NULL");
    }

    @Test
    void integersWidenIntoDoubleAndNarrowIntoSmallerIntegersWithRangeChecks() {
        Column n = longs("n", io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BIGINT, 1, 40_000);
        RowBatch b = decode(req(2, ts(1, 2), n), ColumnType.TIMESTAMP, ColumnType.DOUBLE);
        assertEquals(40_000.0, b.column(1).getDouble(1));
        IngestFailure f = assertThrows(IngestFailure.class, () -> decode(req(2, ts(1, 2), n), ColumnType.TIMESTAMP, ColumnType.SMALLINT));
        assertEquals(IngestError.Code.INVALID_ARGUMENT, f.code());
        assertEquals(1, f.row());
        assertEquals("n", f.column());
        assertTrue(f.getMessage().contains("value out of range for SMALLINT"), f.getMessage());
    }

    @Test
    void structuralErrorsNameTheColumn() {
        IngestFailure count = assertThrows(IngestFailure.class, () -> decode(req(3, ts(1, 2))));
        assertEquals("ts", count.column());
        assertTrue(count.getMessage().contains("values=2, rows=3"), count.getMessage());

        Column badBitmap = ts(1, 2).toBuilder().setNullBitmap(ByteString.copyFrom(new byte[2])).build();
        assertTrue(assertThrows(IngestFailure.class, () -> decode(req(2, badBitmap))).getMessage().contains("null bitmap"));

        Column lengths = strings("s", "ab", "c").toBuilder().setStringData(ByteString.copyFromUtf8("abcd")).build();
        IngestFailure sum = assertThrows(IngestFailure.class, () -> decode(req(2, ts(1, 2), lengths)));
        assertTrue(sum.getMessage().contains("do not add up"), sum.getMessage());

        Column untyped = Column.newBuilder().setName("x").build();
        assertEquals("x", assertThrows(IngestFailure.class, () -> decode(req(1, ts(1), untyped))).column());

        Column badName = longs("1x", io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BIGINT, 1);
        assertEquals(IngestError.Code.INVALID_ARGUMENT, assertThrows(IngestFailure.class, () -> decode(req(1, ts(1), badName))).code());
    }

    @Test
    void invalidUtf8AndOverlongStringsAreRefusedByRow() {
        Column bad = Column.newBuilder().setName("s").setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_VARCHAR)
                .addStringLengths(1).addStringLengths(2).setStringData(ByteString.copyFrom(new byte[]{'a', (byte) 0xC3, (byte) 0x28})).build();
        IngestFailure utf8 = assertThrows(IngestFailure.class, () -> decode(req(2, ts(1, 2), bad)));
        assertEquals(1, utf8.row());
        assertTrue(utf8.getMessage().contains("not valid UTF-8"), utf8.getMessage());
        IngestFailure longString = assertThrows(IngestFailure.class, () -> decode(req(2, ts(1, 2), strings("s", "ok", "12345678901"))));
        assertEquals(1, longString.row());
        assertTrue(longString.getMessage().contains("max=10"), longString.getMessage());
    }

    @Test
    void nullDesignatedTimestampZeroRowsAndOversizedBatchesAreRefused() {
        Column nullTs = ts(1, 0).toBuilder().setNullBitmap(ByteString.copyFrom(new byte[]{0b10})).build();
        IngestFailure missing = assertThrows(IngestFailure.class, () -> decode(req(2, nullTs)));
        assertEquals(1, missing.row());
        assertEquals("ts", missing.column());
        assertTrue(assertThrows(IngestFailure.class, () -> decode(req(0, ts()))).getMessage().contains("no rows"));
        IngestFailure big = assertThrows(IngestFailure.class, () -> decode(req(1_001, ts(new long[1_001]))));
        assertEquals(IngestError.Code.RESOURCE_EXHAUSTED, big.code());
        assertEquals(413, big.httpStatus());
        List<Column> many = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            many.add(longs("c" + i, io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BIGINT, 1));
        }
        assertTrue(assertThrows(IngestFailure.class, () -> decode(req(1, many.toArray(Column[]::new)))).getMessage().contains("too many columns"));
    }

    @Test
    void storageErrorsKeepTheirRowAndColumn() {
        IngestFailure f = IngestFailure.from(StorageException.invalid("designated timestamp is missing [table=t, row=12, column=ts]"));
        assertEquals(12, f.row());
        assertEquals("ts", f.column());
        assertEquals(400, f.httpStatus());
        IngestFailure busy = IngestFailure.from(new java.util.concurrent.CompletionException(StorageException.exhausted("memtables are full [table=t]")));
        assertTrue(busy.retryable());
        assertEquals(429, busy.httpStatus());
        assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, busy.grpcStatus().getCode());
        assertEquals(io.grpc.Status.Code.UNAVAILABLE, IngestFailure.from(StorageException.closed("closing")).grpcStatus().getCode());
        assertEquals(IngestError.Code.NOT_FOUND, IngestFailure.from(StorageException.tableDoesNotExist("x")).code());
    }

    @Test
    void utf8CheckAgreesWithTheJdkDecoder() {
        long seed = 20261123L;
        java.util.Random rnd = new java.util.Random(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(6)];
            rnd.nextBytes(b);
            boolean jdk;
            try {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
                jdk = true;
            } catch (java.nio.charset.CharacterCodingException e) {
                jdk = false;
            }
            assertEquals(jdk, Utf8Check.isValid(b, 0, b.length), "seed=" + seed + " bytes=" + java.util.HexFormat.of().formatHex(b));
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(40)];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) rnd.nextInt(128);
            }
            int from = b.length == 0 ? 0 : rnd.nextInt(b.length);
            boolean highBit = rnd.nextBoolean() && b.length > from;
            if (highBit) {
                b[from + rnd.nextInt(b.length - from)] |= (byte) 0x80; // one byte anywhere in the range, word or tail
            }
            assertEquals(!highBit, Utf8Check.isAscii(b, from, b.length), "seed=" + seed + " from=" + from + " bytes="
                    + java.util.HexFormat.of().formatHex(b));
        }
    }

    @Test
    void nonAsciiStringDataIsStillCheckedStringByString() {
        Column ok = strings("s", "plain", "日本🎌", "");
        assertEquals("日本🎌", decode(req(3, ts(1, 2, 3), ok)).column(1).getString(1));
        Column bad = ok.toBuilder().setStringData(com.google.protobuf.ByteString.copyFrom(new byte[] {'p', 'l', 'a', 'i', 'n',
                (byte) 0xE6, (byte) 0x97, (byte) 0xA5, (byte) 0xE6, (byte) 0x9C, (byte) 0xAC, (byte) 0xF0, (byte) 0x9F, (byte) 0x8E,
                (byte) 0xC0})).build();
        IngestFailure f = assertThrows(IngestFailure.class, () -> decode(req(3, ts(1, 2, 3), bad)));
        assertEquals(1, f.row(), f.getMessage());
    }
}
