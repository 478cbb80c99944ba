package io.quiver.flight.ingest;

import io.quiver.proto.v1.IngestRequest;

/**
 * Stands in for request bytes that do not parse as an {@link IngestRequest}, so the service can
 * answer INVALID_ARGUMENT (see {@link IngestGrpcServer#strictParsing}). The marker's table name holds
 * a NUL, which no real table name may contain; it carries the parser's complaint.
 */
final class MalformedRequest {
    private static final String PREFIX = "\u0000malformed:";

    private MalformedRequest() {
    }

    static IngestRequest marker(String problem) {
        return IngestRequest.newBuilder().setTable(PREFIX + problem).build();
    }

    static void check(IngestRequest r) {
        if (r.getTable().startsWith(PREFIX)) {
            throw IngestFailure.invalid("malformed protobuf request [cause=" + r.getTable().substring(PREFIX.length()) + ']');
        }
    }
}
