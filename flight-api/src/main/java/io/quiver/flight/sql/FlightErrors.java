package io.quiver.flight.sql;

import io.quiver.query.QueryException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;

/**
 * Maps failures to Flight statuses. Every status carries its SQLSTATE twice: in the description as
 * {@code [sqlstate=42601]} (the Flight SQL JDBC driver shows only the description: it leaves
 * {@code SQLException.getSQLState()} null for server errors) and in the trailer {@value #SQLSTATE_KEY}
 * for clients that read metadata.
 */
public final class FlightErrors {
    public static final String SQLSTATE_KEY = "x-quiver-sqlstate";
    public static final String BAD_CREDENTIALS = "28000";
    public static final String INVALID_PARAMETER = "22023";
    public static final String PROTOCOL_VIOLATION = "08P01";
    public static final String TOO_MANY_CONNECTIONS = "53300";
    public static final String PROGRAM_LIMIT = "54000";
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    public static final String INVALID_STATEMENT_NAME = "26000";

    private FlightErrors() {
    }

    public static FlightRuntimeException of(QueryException e) {
        CallStatus base = switch (e.code()) {
            case UNKNOWN_TABLE -> CallStatus.NOT_FOUND;
            case DUPLICATE_TABLE, DUPLICATE_COLUMN -> CallStatus.ALREADY_EXISTS;
            case QUERY_TIMEOUT -> CallStatus.TIMED_OUT;
            case QUERY_CANCELLED -> CallStatus.CANCELLED;
            case UNSUPPORTED -> CallStatus.UNIMPLEMENTED;
            case STORAGE_ERROR, INTERNAL -> CallStatus.INTERNAL;
            default -> e.sqlState().startsWith("53") || e.sqlState().startsWith("54") ? CallStatus.RESOURCE_EXHAUSTED
                    : e.code().isUserError() ? CallStatus.INVALID_ARGUMENT : CallStatus.INTERNAL;
        };
        return status(base, e.getMessage(), e.sqlState(), e);
    }

    public static FlightRuntimeException status(CallStatus base, String message, String sqlState) {
        return status(base, message, sqlState, null);
    }

    private static FlightRuntimeException status(CallStatus base, String message, String sqlState, Throwable cause) {
        ErrorFlightMetadata md = new ErrorFlightMetadata();
        md.insert(SQLSTATE_KEY, sqlState);
        CallStatus s = base.withDescription(message + " [sqlstate=" + sqlState + ']').withMetadata(md);
        return (cause == null ? s : s.withCause(cause)).toRuntimeException();
    }

    public static FlightRuntimeException invalid(String message) {
        return status(CallStatus.INVALID_ARGUMENT, message, INVALID_PARAMETER);
    }

    /** Anything that escaped the mapping above, as a Flight status the client can read. */
    public static FlightRuntimeException from(Throwable t) {
        return switch (t) {
            case FlightRuntimeException f -> f;
            case QueryException q -> of(q);
            case OutOfMemoryError o -> status(CallStatus.RESOURCE_EXHAUSTED, "out of memory [cause=" + o.getMessage() + ']', "53200");
            case org.apache.arrow.memory.OutOfMemoryException o ->
                    status(CallStatus.RESOURCE_EXHAUSTED, "result stream exceeded its Arrow memory [limit=flight.max.memory.bytes, cause="
                            + o.getMessage() + ']', "53200");
            default -> status(CallStatus.INTERNAL, "internal error [cause=" + t + ']', "XX000", t);
        };
    }
}
