package io.quiver.client.ingest;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.quiver.proto.v1.IngestAck;
import io.quiver.proto.v1.IngestServiceGrpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A serialized {@code quiver.v1.IngestRequest}, encoded once when its batch is sealed and sent as
 * is by every attempt (so a retry costs no encoding and carries byte for byte the same batch). The
 * bytes are never changed after construction.
 */
final class EncodedRequest {
    /** The request marshaller of the client's ingest calls: the bytes go out without another copy. */
    static final MethodDescriptor.Marshaller<EncodedRequest> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(EncodedRequest value) {
            return new BytesStream(value.bytes);
        }

        @Override
        public EncodedRequest parse(InputStream stream) {
            throw new UnsupportedOperationException("the client only writes ingest requests");
        }
    };

    /** {@code IngestService.Ingest} sending encoded requests. */
    static final MethodDescriptor<EncodedRequest, IngestAck> INGEST = IngestServiceGrpc.getIngestMethod()
            .toBuilder(MARSHALLER, IngestServiceGrpc.getIngestMethod().getResponseMarshaller()).build();
    /** {@code IngestService.IngestStream} sending encoded requests. */
    static final MethodDescriptor<EncodedRequest, IngestAck> INGEST_STREAM = IngestServiceGrpc.getIngestStreamMethod()
            .toBuilder(MARSHALLER, IngestServiceGrpc.getIngestStreamMethod().getResponseMarshaller()).build();

    final byte[] bytes;
    final String table;
    final String batchId;
    final int rows;

    EncodedRequest(byte[] bytes, String table, String batchId, int rows) {
        this.bytes = bytes;
        this.table = table;
        this.batchId = batchId;
        this.rows = rows;
    }

    /** Writes the {@code columns} fields (field 4, each with its tag and length) of a request at a position. */
    interface ColumnsWriter {
        int write(byte[] out, int pos);
    }

    /**
     * Encodes a request exactly as protobuf-java would write it (fields in number order, defaults
     * left out), with the column fields, {@code columnsSize} bytes in all, written by {@code columns}.
     */
    static EncodedRequest encode(String table, String batchId, int rows, String timestampColumn, int columnsSize, ColumnsWriter columns) {
        byte[] tableUtf8 = table.getBytes(StandardCharsets.UTF_8);
        byte[] idUtf8 = batchId.getBytes(StandardCharsets.UTF_8);
        byte[] tsUtf8 = timestampColumn == null ? new byte[0] : timestampColumn.getBytes(StandardCharsets.UTF_8);
        int size = Math.addExact(stringFieldSize(tableUtf8) + stringFieldSize(idUtf8) + stringFieldSize(tsUtf8)
                + (rows == 0 ? 0 : 1 + ProtoWire.varintSize(rows)), columnsSize);
        byte[] out = new byte[size];
        int pos = writeString(out, 0, 1, tableUtf8);
        pos = writeString(out, pos, 2, idUtf8);
        if (rows != 0) {
            out[pos++] = (byte) ProtoWire.tag(3, ProtoWire.VARINT);
            pos = ProtoWire.writeVarint(out, pos, rows);
        }
        int columnsEnd = pos + columnsSize;
        pos = columns.write(out, pos);
        if (pos != columnsEnd) {
            throw new IllegalStateException("request encoding wrote " + (pos - (columnsEnd - columnsSize)) + " bytes of columns, measured " + columnsSize);
        }
        pos = writeString(out, pos, 5, tsUtf8);
        if (pos != size) {
            throw new IllegalStateException("request encoding wrote " + pos + " bytes, measured " + size);
        }
        return new EncodedRequest(out, table, batchId, rows);
    }

    private static int stringFieldSize(byte[] utf8) {
        return utf8.length == 0 ? 0 : ProtoWire.lenFieldSize(utf8.length);
    }

    private static int writeString(byte[] out, int pos, int field, byte[] utf8) {
        return utf8.length == 0 ? pos : ProtoWire.writeBytes(out, pos, field, utf8, 0, utf8.length);
    }

    /** Tells gRPC the length up front and hands it the whole array in one write. */
    private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
        BytesStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
