package io.quiver.flight.ingest;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.quiver.proto.v1.IngestError;
import io.quiver.storage.StorageException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a batch was rejected, in one shape for every door (gRPC, HTTP, Flight): a code, a
 * {@code what happened [key=value]} message, the row and column when known, and whether the same
 * batch may succeed later. Thrown by the decoders and {@link TableWriter}; nothing of the batch has
 * been written when it is thrown.
 */
public final class IngestFailure extends RuntimeException {
    /** The trailer carrying the {@link IngestError} of a failed unary call. */
    public static final Metadata.Key<IngestError> TRAILER = ProtoUtils.keyForProto(IngestError.getDefaultInstance());
    private static final Pattern ROW = Pattern.compile("[\\[ ,]row=(\\d+)");
    private static final Pattern COLUMN = Pattern.compile("[\\[ ,]column=([A-Za-z_][A-Za-z0-9_]*)");

    private final IngestError.Code code;
    private final long row;
    private final String column;
    private final boolean retryable;

    public IngestFailure(IngestError.Code code, String message, long row, String column, boolean retryable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.row = row;
        this.column = column == null ? "" : column;
        this.retryable = retryable;
    }

    public static IngestFailure invalid(String message) {
        return new IngestFailure(IngestError.Code.INVALID_ARGUMENT, message, -1, "", false, null);
    }

    public static IngestFailure invalid(String message, long row, String column) {
        return new IngestFailure(IngestError.Code.INVALID_ARGUMENT, message, row, column, false, null);
    }

    public static IngestFailure tooLarge(String message) {
        return new IngestFailure(IngestError.Code.RESOURCE_EXHAUSTED, message, -1, "", false, null);
    }

    public static IngestFailure notFound(String message, String column) {
        return new IngestFailure(IngestError.Code.NOT_FOUND, message, -1, column, false, null);
    }

    /** Maps anything thrown while writing to a failure; storage messages give row and column. */
    public static IngestFailure from(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof IngestFailure f) {
            return f;
        }
        if (t instanceof StorageException se) {
            String m = se.getMessage();
            long row = find(ROW, m) == null ? -1 : Long.parseLong(find(ROW, m));
            String column = find(COLUMN, m);
            IngestError.Code code = switch (se.kind()) {
                case INVALID_INPUT -> IngestError.Code.INVALID_ARGUMENT;
                case ALREADY_EXISTS -> IngestError.Code.ALREADY_EXISTS;
                case NOT_FOUND -> IngestError.Code.NOT_FOUND;
                case RESOURCE_EXHAUSTED -> IngestError.Code.RESOURCE_EXHAUSTED;
                case IO, CLOSED -> IngestError.Code.UNAVAILABLE;
                case CORRUPT -> IngestError.Code.INTERNAL;
            };
            return new IngestFailure(code, m, row, column, se.isTransient(), se);
        }
        return new IngestFailure(IngestError.Code.INTERNAL, "ingest failed: " + t, -1, "", true, t);
    }

    private static String find(Pattern p, String s) {
        if (s == null) {
            return null;
        }
        Matcher m = p.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    public IngestError.Code code() {
        return code;
    }

    public long row() {
        return row;
    }

    public String column() {
        return column;
    }

    public boolean retryable() {
        return retryable;
    }

    public IngestError toProto() {
        return IngestError.newBuilder().setCode(code).setMessage(String.valueOf(getMessage()))
                .setRow(row).setColumn(column).setRetryable(retryable).build();
    }

    public Status grpcStatus() {
        Status s = switch (code) {
            case INVALID_ARGUMENT, CODE_UNSPECIFIED, UNRECOGNIZED -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case INTERNAL -> Status.INTERNAL;
        };
        return s.withDescription(getMessage());
    }

    /** The gRPC error with the {@link IngestError} in its trailer. */
    public StatusRuntimeException toStatusException() {
        Metadata trailers = new Metadata();
        trailers.put(TRAILER, toProto());
        return grpcStatus().asRuntimeException(trailers);
    }

    /** The HTTP status for this failure: 400, 404, 409, 413, 429, 503 or 500. */
    public int httpStatus() {
        return switch (code) {
            case INVALID_ARGUMENT, CODE_UNSPECIFIED, UNRECOGNIZED -> 400;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS -> 409;
            case RESOURCE_EXHAUSTED -> retryable ? 429 : 413;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }
}
