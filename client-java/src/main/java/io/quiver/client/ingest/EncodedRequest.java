package io.quiver.client.ingest;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.quiver.proto.v1.IngestAck;
import io.quiver.proto.v1.IngestRequest;
import io.quiver.proto.v1.IngestServiceGrpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

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

    static EncodedRequest of(IngestRequest request) {
        return new EncodedRequest(request.toByteArray(), request.getTable(), request.getBatchId(), request.getRowCount());
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
