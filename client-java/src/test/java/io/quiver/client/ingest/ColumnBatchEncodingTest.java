package io.quiver.client.ingest;

import com.google.protobuf.ByteString;
import io.quiver.client.ColumnType;
import io.quiver.proto.v1.Column;
import io.quiver.proto.v1.IngestRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A columnar batch is encoded straight to wire bytes; these must be byte for byte what protobuf-java
 * writes for the same request, or the server would read other values (or none).
 */
class ColumnBatchEncodingTest {

    @Test
    void encodesExactlyAsProtobufJava() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        for (int rows : new int[]{0, 1, 3, 8, 9, 1000}) {
            long[] ts = new long[rows];
            long[] ids = new long[rows];
            boolean[] idNulls = new boolean[rows];
            double[] values = new double[rows];
            boolean[] valueNulls = new boolean[rows];
            boolean[] flags = new boolean[rows];
            String[] strings = new String[rows];
            for (int i = 0; i < rows; i++) {
                ts[i] = 1_795_392_000_000_000L + i * 37L;
                ids[i] = r.nextLong(); // negative and huge values: zigzag varints of every width
                idNulls[i] = r.nextInt(5) == 0;
                values[i] = r.nextDouble(-1e6, 1e6);
                valueNulls[i] = r.nextInt(7) == 0;
                flags[i] = r.nextBoolean();
                strings[i] = switch (r.nextInt(6)) {
                    case 0 -> null;
                    case 1 -> "";
                    case 2 -> "ç€😀 " + i; // 2-, 3- and 4-byte UTF-8
                    default -> "https://example.com/p/" + Long.toHexString(r.nextLong());
                };
            }
            ColumnBatch batch = ColumnBatch.builder("events", rows).timestamps("ts", ts)
                    .longs("id", ColumnType.BIGINT, ids, idNulls).doubles("v", values, valueNulls)
                    .booleans("f", flags, null).strings("s", strings).build();

            IngestRequest expected = IngestRequest.newBuilder().setTable("events").setBatchId("b-1").setRowCount(rows)
                    .addColumns(longs("ts", io.quiver.proto.v1.ColumnType.COLUMN_TYPE_TIMESTAMP, ts, null))
                    .addColumns(longs("id", io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BIGINT, ids, idNulls))
                    .addColumns(doubles(values, valueNulls))
                    .addColumns(booleans(flags))
                    .addColumns(strings(strings))
                    .setTimestampColumn("ts").build();
            EncodedRequest actual = batch.encode("b-1", "ts");
            assertArrayEquals(expected.toByteArray(), actual.bytes, "rows=" + rows);
            assertEquals(expected, IngestRequest.parseFrom(actual.bytes));
            assertEquals(rows, actual.rows);
        }
    }

    @Test
    void callerArraysMayBeReusedAfterAddingAColumn() throws Exception {
        long[] ids = {1, 2};
        String[] s = {"a", "b"};
        ColumnBatch.Builder b = ColumnBatch.builder("t", 2).longs("id", ColumnType.BIGINT, ids, null).strings("s", s);
        ids[0] = 99;
        s[0] = "zz";
        IngestRequest sent = IngestRequest.parseFrom(b.build().encode("x", null).bytes);
        assertEquals(java.util.List.of(1L, 2L), sent.getColumns(0).getLongValuesList().stream().map(v -> v).toList());
        assertEquals("ab", sent.getColumns(1).getStringData().toStringUtf8());
    }

    @Test
    void rejectsShortArraysAndDuplicateNames() {
        assertThrows(IllegalArgumentException.class, () -> ColumnBatch.builder("t", 3).longs("id", ColumnType.BIGINT, new long[2], null));
        assertThrows(IllegalArgumentException.class, () -> ColumnBatch.builder("t", 1).longs("id", ColumnType.BIGINT, new long[1], null)
                .doubles("ID", new double[1], null));
        assertThrows(IllegalArgumentException.class, () -> ColumnBatch.builder("t", 1).longs("d", ColumnType.DOUBLE, new long[1], null));
    }

    private static Column longs(String name, io.quiver.proto.v1.ColumnType type, long[] v, boolean[] nulls) {
        Column.Builder c = Column.newBuilder().setName(name).setType(type);
        for (int i = 0; i < v.length; i++) {
            c.addLongValues(nulls != null && nulls[i] ? 0 : v[i]);
        }
        return withNulls(c, nulls, v.length);
    }

    private static Column doubles(double[] v, boolean[] nulls) {
        Column.Builder c = Column.newBuilder().setName("v").setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_DOUBLE);
        for (int i = 0; i < v.length; i++) {
            c.addDoubleValues(nulls[i] ? 0 : v[i]);
        }
        return withNulls(c, nulls, v.length);
    }

    private static Column booleans(boolean[] v) {
        Column.Builder c = Column.newBuilder().setName("f").setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BOOLEAN);
        for (boolean b : v) {
            c.addLongValues(b ? 1 : 0);
        }
        return c.build();
    }

    private static Column strings(String[] v) {
        Column.Builder c = Column.newBuilder().setName("s").setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_VARCHAR);
        ByteString.Output data = ByteString.newOutput();
        boolean[] nulls = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            nulls[i] = v[i] == null;
            byte[] b = v[i] == null ? new byte[0] : v[i].getBytes(StandardCharsets.UTF_8);
            data.write(b, 0, b.length);
            c.addStringLengths(b.length);
        }
        c.setStringData(data.toByteString());
        return withNulls(c, nulls, v.length);
    }

    private static Column withNulls(Column.Builder c, boolean[] nulls, int rows) {
        if (nulls != null) {
            byte[] bits = new byte[(rows + 7) >>> 3];
            boolean any = false;
            for (int i = 0; i < rows; i++) {
                if (nulls[i]) {
                    bits[i >>> 3] |= (byte) (1 << (i & 7));
                    any = true;
                }
            }
            if (any) {
                c.setNullBitmap(ByteString.copyFrom(bits));
            }
        }
        return c.build();
    }
}
