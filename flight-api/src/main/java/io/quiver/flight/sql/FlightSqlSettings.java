package io.quiver.flight.sql;

/**
 * Settings of the Flight SQL endpoint; the server maps its dotted config keys onto these.
 *
 * @param host                     address to bind ({@code flight.host})
 * @param port                     port, 0 picks a free one ({@code flight.port})
 * @param authToken                the one accepted token ({@code auth.token}); empty = no authentication
 * @param maxInboundMessageBytes   largest gRPC message accepted, i.e. one DoPut record batch or one request
 *                                 ({@code flight.max.inbound.message.bytes}); Flight's own default is unlimited
 * @param maxMemoryBytes           Arrow memory of the whole endpoint: result streams and incoming batches
 *                                 ({@code flight.max.memory.bytes})
 * @param maxSqlBytes              longest SQL text accepted, in UTF-8 bytes ({@code flight.max.sql.bytes})
 * @param queryTimeoutMs           deadline of one query or statement, 0 = the engine's {@code query.timeout.ms}
 *                                 ({@code flight.query.timeout.ms})
 * @param resultMaxRows            rows one result may hold, 0 = the engine's {@code query.result.max.rows}
 *                                 ({@code flight.result.max.rows})
 * @param resultMaxBytes           Arrow bytes one result stream may send, 0 = unlimited ({@code flight.result.max.bytes})
 * @param maxConcurrentStreams     result streams (DoGet) running at once; more fail at once with
 *                                 RESOURCE_EXHAUSTED ({@code flight.max.concurrent.streams})
 * @param maxPreparedStatements    prepared statements held at once ({@code flight.max.prepared.statements})
 * @param preparedStatementIdleMs  a prepared statement unused this long is dropped ({@code flight.prepared.statement.idle.ms})
 * @param ingestMaxInFlight        DoPut ingest batches awaiting durability per stream
 * @param writeBufferBytes         bytes of result frames a connection may queue for its socket before the
 *                                 HTTP/2 layer waits ({@code flight.write.buffer.bytes}); see {@link DirectFrameWrites}
 */
public record FlightSqlSettings(String host, int port, String authToken, int maxInboundMessageBytes, long maxMemoryBytes,
                                int maxSqlBytes, long queryTimeoutMs, long resultMaxRows, long resultMaxBytes,
                                int maxConcurrentStreams, int maxPreparedStatements, long preparedStatementIdleMs,
                                int ingestMaxInFlight, int writeBufferBytes) {
    /** 64 MiB: room for a large ingest record batch, and far below Flight's unlimited default. */
    public static final int MAX_INBOUND_MESSAGE_BYTES_DEFAULT = 64 << 20;
    public static final long MAX_MEMORY_BYTES_DEFAULT = 1L << 30;
    /** 1 MiB of SQL: generated dashboard queries stay far below it. */
    public static final int MAX_SQL_BYTES_DEFAULT = 1 << 20;
    public static final int MAX_CONCURRENT_STREAMS_DEFAULT = 64;
    public static final int MAX_PREPARED_STATEMENTS_DEFAULT = 10_000;
    /** Thirty minutes: longer than any dashboard refresh interval. */
    public static final long PREPARED_STATEMENT_IDLE_MS_DEFAULT = 30 * 60_000L;
    /** 4 MiB: a few 1 MiB record batches, so a result goes to the socket in large writes. */
    public static final int WRITE_BUFFER_BYTES_DEFAULT = 4 << 20;
    /** Netty's own default high-water mark; a smaller queue would only add socket writes. */
    public static final int WRITE_BUFFER_BYTES_MIN = 64 << 10;

    public FlightSqlSettings {
        if (maxInboundMessageBytes <= 0 || maxMemoryBytes <= 0 || maxSqlBytes <= 0 || queryTimeoutMs < 0 || resultMaxRows < 0
                || resultMaxBytes < 0 || maxConcurrentStreams <= 0 || maxPreparedStatements <= 0 || preparedStatementIdleMs <= 0
                || ingestMaxInFlight <= 0) {
            throw new IllegalArgumentException("invalid Flight SQL settings " + this);
        }
        if (writeBufferBytes < WRITE_BUFFER_BYTES_MIN) {
            throw new IllegalArgumentException("flight.write.buffer.bytes must be at least " + WRITE_BUFFER_BYTES_MIN + " [value="
                    + writeBufferBytes + ']');
        }
        authToken = authToken == null ? "" : authToken;
    }

    public static FlightSqlSettings defaults(String host, int port) {
        return new FlightSqlSettings(host, port, "", MAX_INBOUND_MESSAGE_BYTES_DEFAULT, MAX_MEMORY_BYTES_DEFAULT, MAX_SQL_BYTES_DEFAULT,
                0, 0, 0, MAX_CONCURRENT_STREAMS_DEFAULT, MAX_PREPARED_STATEMENTS_DEFAULT, PREPARED_STATEMENT_IDLE_MS_DEFAULT, 64, WRITE_BUFFER_BYTES_DEFAULT);
    }

    public FlightSqlSettings withAuthToken(String token) {
        return new FlightSqlSettings(host, port, token, maxInboundMessageBytes, maxMemoryBytes, maxSqlBytes, queryTimeoutMs,
                resultMaxRows, resultMaxBytes, maxConcurrentStreams, maxPreparedStatements, preparedStatementIdleMs, ingestMaxInFlight,
                writeBufferBytes);
    }

    public FlightSqlSettings withLimits(int maxInboundMessageBytes, int maxSqlBytes, long queryTimeoutMs, long resultMaxRows,
                                        long resultMaxBytes, int maxConcurrentStreams) {
        return new FlightSqlSettings(host, port, authToken, maxInboundMessageBytes, maxMemoryBytes, maxSqlBytes, queryTimeoutMs,
                resultMaxRows, resultMaxBytes, maxConcurrentStreams, maxPreparedStatements, preparedStatementIdleMs, ingestMaxInFlight,
                writeBufferBytes);
    }

    public FlightSqlSettings withMaxMemoryBytes(long bytes) {
        return new FlightSqlSettings(host, port, authToken, maxInboundMessageBytes, bytes, maxSqlBytes, queryTimeoutMs,
                resultMaxRows, resultMaxBytes, maxConcurrentStreams, maxPreparedStatements, preparedStatementIdleMs, ingestMaxInFlight,
                writeBufferBytes);
    }

    public FlightSqlSettings withPreparedStatements(int max, long idleMs) {
        return new FlightSqlSettings(host, port, authToken, maxInboundMessageBytes, maxMemoryBytes, maxSqlBytes, queryTimeoutMs,
                resultMaxRows, resultMaxBytes, maxConcurrentStreams, max, idleMs, ingestMaxInFlight, writeBufferBytes);
    }

    public FlightSqlSettings withWriteBufferBytes(int bytes) {
        return new FlightSqlSettings(host, port, authToken, maxInboundMessageBytes, maxMemoryBytes, maxSqlBytes, queryTimeoutMs,
                resultMaxRows, resultMaxBytes, maxConcurrentStreams, maxPreparedStatements, preparedStatementIdleMs, ingestMaxInFlight, bytes);
    }

    @Override
    public String toString() {
        return "FlightSqlSettings[host=" + host + ", port=" + port + ", auth=" + (authToken.isEmpty() ? "none" : "token")
                + ", maxInboundMessageBytes=" + maxInboundMessageBytes + ", maxMemoryBytes=" + maxMemoryBytes + ", maxSqlBytes="
                + maxSqlBytes + ", queryTimeoutMs=" + queryTimeoutMs + ", resultMaxRows=" + resultMaxRows + ", resultMaxBytes="
                + resultMaxBytes + ", maxConcurrentStreams=" + maxConcurrentStreams + ", maxPreparedStatements=" + maxPreparedStatements
                + ", preparedStatementIdleMs=" + preparedStatementIdleMs + ", ingestMaxInFlight=" + ingestMaxInFlight
                + ", writeBufferBytes=" + writeBufferBytes + ']';
    }
}
