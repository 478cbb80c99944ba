package io.quiver.client.ingest;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.quiver.proto.v1.IngestError;

/**
 * Why one attempt of a batch failed, and whether sending it again may help. Built from the
 * server's {@link IngestError} (in a stream ack or a status trailer) or, without one, from the
 * gRPC status code alone.
 */
record Failure(String code, String message, long row, String column, boolean retryable, Throwable cause) {
    /** The trailer the server puts an {@link IngestError} in: {@code quiver.v1.IngestError-bin}. */
    static final Metadata.Key<IngestError> ERROR_KEY = ProtoUtils.keyForProto(IngestError.getDefaultInstance());

    static Failure fromError(IngestError e) {
        return new Failure(e.getCode().name(), e.getMessage(), e.getRow(), e.getColumn(), e.getRetryable(), null);
    }

    static Failure fromThrowable(Throwable t) {
        Status status = Status.fromThrowable(t);
        Metadata trailers = Status.trailersFromThrowable(t);
        IngestError detail = trailers == null ? null : trailers.get(ERROR_KEY);
        if (detail != null) {
            return new Failure(status.getCode().name(), detail.getMessage(), detail.getRow(), detail.getColumn(), detail.getRetryable(), t);
        }
        String message = status.getDescription() != null ? status.getDescription() : String.valueOf(t);
        return new Failure(status.getCode().name(), message, -1, "", isTransient(status.getCode()), t);
    }

    /**
     * Codes worth retrying when the server gave no detail: the connection or server went away, the
     * attempt timed out, or the call was cancelled (the client cancels a stream whose acks stall).
     * RESOURCE_EXHAUSTED without detail is gRPC's own message-size limit: sending again cannot help.
     */
    static boolean isTransient(Status.Code code) {
        return switch (code) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, CANCELLED -> true;
            default -> false;
        };
    }
}
