package io.quiver.flight.ingest;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.quiver.proto.v1.Column;
import io.quiver.proto.v1.ColumnType;
import io.quiver.proto.v1.IngestRequest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IngestRequestReader} against protobuf-java, the reference parser: the same fields from the
 * same bytes for random requests, proto3's encoding freedoms (unpacked repeated fields, split packed
 * runs, fields out of order, repeated singular fields, unknown fields of every wire type), and
 * exactly the bytes protobuf-java refuses.
 */
class IngestRequestReaderTest {
    private static final ColumnType[] TYPES = {ColumnType.COLUMN_TYPE_BOOLEAN, ColumnType.COLUMN_TYPE_INT,
            ColumnType.COLUMN_TYPE_BIGINT, ColumnType.COLUMN_TYPE_DOUBLE, ColumnType.COLUMN_TYPE_TIMESTAMP, ColumnType.COLUMN_TYPE_VARCHAR};

    private static IngestRequest randomRequest(Random rnd) {
        int rows = rnd.nextInt(50);
        IngestRequest.Builder b = IngestRequest.newBuilder().setTable("t" + rnd.nextInt(9) + "é").setBatchId("batch-" + rnd.nextLong())
                .setRowCount(rnd.nextInt(10) == 0 ? -1 : rows).setTimestampColumn(rnd.nextBoolean() ? "ts" : "");
        int columns = rnd.nextInt(6);
        for (int c = 0; c < columns; c++) {
            ColumnType type = TYPES[rnd.nextInt(TYPES.length)];
            Column.Builder col = Column.newBuilder().setName("c" + c).setType(type);
            for (int r = 0; r < rows; r++) {
                switch (type) {
                    case COLUMN_TYPE_DOUBLE -> col.addDoubleValues(rnd.nextInt(5) == 0 ? Double.NaN : rnd.nextGaussian() * 1e6);
                    case COLUMN_TYPE_VARCHAR -> col.addStringLengths(rnd.nextInt(12));
                    default -> col.addLongValues(switch (rnd.nextInt(4)) {
                        case 0 -> Long.MIN_VALUE;
                        case 1 -> Long.MAX_VALUE;
                        case 2 -> -rnd.nextInt(1000);
                        default -> rnd.nextLong();
                    });
                }
            }
            if (type == ColumnType.COLUMN_TYPE_VARCHAR) {
                byte[] data = new byte[col.getStringLengthsList().stream().mapToInt(Integer::intValue).sum()];
                rnd.nextBytes(data);
                col.setStringData(ByteString.copyFrom(data));
            }
            if (rnd.nextBoolean()) {
                byte[] bits = new byte[(rows + 7) / 8];
                rnd.nextBytes(bits);
                col.setNullBitmap(ByteString.copyFrom(bits));
            }
            b.addColumns(col);
        }
        return b.build();
    }

    /** Asserts the reader saw exactly what protobuf-java sees in {@code bytes}. */
    private static void assertSame(byte[] bytes, String context) throws InvalidProtocolBufferException {
        IngestRequest expected = IngestRequest.parseFrom(bytes);
        WireBatch actual = IngestRequestReader.read(bytes);
        assertNull(actual.malformed(), context);
        assertEquals(expected.getTable(), actual.table(), context);
        assertEquals(expected.getBatchId(), actual.batchId(), context);
        assertEquals(Integer.toUnsignedLong(expected.getRowCount()), actual.rowCount(), context);
        assertEquals(expected.getTimestampColumn(), actual.timestampColumn(), context);
        assertEquals(expected.getColumnsCount(), actual.columns().size(), context);
        for (int c = 0; c < expected.getColumnsCount(); c++) {
            Column e = expected.getColumns(c);
            WireBatch.Column a = actual.columns().get(c);
            String where = context + " column " + c;
            assertEquals(e.getName(), a.name(), where);
            assertEquals(e.getTypeValue(), a.type(), where);
            assertEquals(e.getLongValuesCount(), a.longCount(), where);
            for (int i = 0; i < a.longCount(); i++) {
                assertEquals(e.getLongValues(i), a.longs[i], where + " long " + i);
            }
            assertEquals(e.getDoubleValuesCount(), a.doubleCount(), where);
            for (int i = 0; i < a.doubleCount(); i++) {
                assertEquals(Double.doubleToRawLongBits(e.getDoubleValues(i)), Double.doubleToRawLongBits(a.doubles[i]), where + " double " + i);
            }
            assertEquals(e.getStringLengthsCount(), a.stringLengthCount(), where);
            for (int i = 0; i < a.stringLengthCount(); i++) {
                assertEquals(e.getStringLengths(i), a.stringLengths[i], where + " length " + i);
            }
            assertArrayEquals(e.getStringData().toByteArray(), a.stringData, where);
            assertArrayEquals(e.getNullBitmap().toByteArray(), a.nullBitmap, where);
        }
    }

    @Test
    void randomRequestsReadAsProtobufReadsThem() throws Exception {
        long seed = 90_210;
        Random rnd = new Random(seed);
        for (int i = 0; i < 500; i++) {
            IngestRequest r = randomRequest(rnd);
            byte[] bytes = r.toByteArray();
            assertSame(bytes, "request " + i + " seed " + seed);
            WireBatch w = IngestRequestReader.read(bytes);
            for (WireBatch.Column c : w.columns()) {
                // packed runs are sized exactly: the arrays become the vectors' arrays without a copy
                assertEquals(c.longCount(), c.longs.length, "long array sized exactly, seed " + seed);
                assertEquals(c.doubleCount(), c.doubles.length, "double array sized exactly, seed " + seed);
                assertEquals(c.stringLengthCount(), c.stringLengths.length, "length array sized exactly, seed " + seed);
            }
        }
    }

    /** Writes a message with {@code fields} into bytes. */
    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] encode(Fields fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        fields.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void proto3EncodingFreedomsAreAccepted() throws Exception {
        byte[] column = encode(out -> {
            out.writeInt32(2, 4); // type before name
            out.writeString(1, "old-name");
            out.writeSInt64(3, -5); // unpacked long_values
            out.writeSInt64(3, 7);
            out.writeTag(3, 2); // then a packed run: the values concatenate
            out.writeUInt32NoTag(CodedOutputStream.computeSInt64SizeNoTag(-1) + CodedOutputStream.computeSInt64SizeNoTag(Long.MAX_VALUE));
            out.writeSInt64NoTag(-1);
            out.writeSInt64NoTag(Long.MAX_VALUE);
            out.writeDouble(4, 1.5); // unpacked doubles
            out.writeUInt32(6, 3); // unpacked string lengths
            out.writeUInt32(6, 0);
            out.writeBytes(5, ByteString.copyFromUtf8("xx"));
            out.writeBytes(5, ByteString.copyFromUtf8("abc")); // a singular field twice: the last wins
            out.writeString(1, "name"); // and for a string
            out.writeFixed32(99, 12); // unknown fields of every wire type
            out.writeFixed64(98, 13);
            out.writeUInt64(97, 14);
            out.writeBytes(96, ByteString.copyFromUtf8("skip me"));
            out.writeTag(95, 3); // a group with a nested group inside
            out.writeUInt32(1, 1);
            out.writeTag(94, 3);
            out.writeTag(94, 4);
            out.writeTag(95, 4);
            out.writeString(7, "wrong wire type for null_bitmap? no: bytes field given a string"); // still LEN
            out.writeUInt64(5, 1); // a known field with an unexpected wire type is an unknown field
        });
        byte[] request = encode(out -> {
            out.writeUInt32(3, 4);
            out.writeByteArray(4, column);
            out.writeString(1, "events");
            out.writeUInt32(3, 3); // row_count twice: the last wins
            out.writeString(2, "b-1");
            out.writeByteArray(4, column);
            out.writeDouble(3, 2.0); // wrong wire type for row_count: skipped like an unknown field
        });
        assertSame(request, "hand-encoded request");
        WireBatch w = IngestRequestReader.read(request);
        assertEquals(2, w.columns().size());
        assertArrayEquals(new long[] {-5, 7, -1, Long.MAX_VALUE}, Arrays.copyOf(w.columns().get(0).longs, 4));
        assertEquals("name", w.columns().get(0).name());
        assertEquals(3, w.rowCount());
    }

    @Test
    void everyTruncationAndCorruptionIsRefusedLikeProtobufDoes() throws Exception {
        long seed = 4_242;
        Random rnd = new Random(seed);
        int refused = 0;
        for (int i = 0; i < 60; i++) {
            byte[] bytes = randomRequest(rnd).toByteArray();
            for (int cut = 0; cut < bytes.length; cut++) {
                refused += checkAgainstProtobuf(Arrays.copyOf(bytes, cut), "request " + i + " cut at " + cut + " seed " + seed);
            }
            for (int flips = 0; flips < 40 && bytes.length > 0; flips++) {
                byte[] corrupt = bytes.clone();
                corrupt[rnd.nextInt(corrupt.length)] = (byte) rnd.nextInt(256);
                refused += checkAgainstProtobuf(corrupt, "request " + i + " corrupted, seed " + seed);
            }
        }
        assertTrue(refused > 100, "the corpus exercised the refusals [refused=" + refused + ']');
    }

    /**
     * Either both parsers refuse the bytes, or both accept them and agree (except a varint over 10
     * bytes, which only the reader refuses); returns 1 when refused.
     */
    private static int checkAgainstProtobuf(byte[] bytes, String context) throws Exception {
        boolean protobufRefuses;
        try {
            IngestRequest.parseFrom(bytes);
            protobufRefuses = false;
        } catch (InvalidProtocolBufferException e) {
            protobufRefuses = true;
        }
        WireBatch w = IngestRequestReader.read(bytes);
        if (protobufRefuses) {
            assertNotNull(w.malformed(), "protobuf refuses these bytes, the reader must too: " + context);
            return 1;
        }
        if (w.malformed() != null && w.malformed().startsWith("varint longer than 10 bytes")) {
            // protobuf-java's fast path ends a varint after 10 bytes without looking at the 10th
            // byte's continuation bit; the encoding allows at most 10, so the reader refuses.
            return 1;
        }
        assertSame(bytes, context);
        return 0;
    }

    @Test
    void invalidUtf8InAStringFieldIsRefusedAndNamed() throws Exception {
        byte[] bytes = encode(out -> out.writeByteArray(1, new byte[] {'t', (byte) 0xC3, '(', 0}));
        WireBatch w = IngestRequestReader.read(bytes);
        assertNotNull(w.malformed());
        assertTrue(w.malformed().contains("UTF-8") && w.malformed().contains("table"), w.malformed());
        byte[] bigLength = encode(out -> {
            out.writeTag(4, 2);
            out.writeUInt32NoTag(Integer.MAX_VALUE);
        });
        assertTrue(IngestRequestReader.read(bigLength).malformed().contains("runs past the end"), "no allocation of the claimed length");
        byte[] oddDoubles = encode(out -> out.writeByteArray(4, encode(col -> col.writeByteArray(4, new byte[12]))));
        assertTrue(IngestRequestReader.read(oddDoubles).malformed().contains("multiple of 8"));
    }
}
