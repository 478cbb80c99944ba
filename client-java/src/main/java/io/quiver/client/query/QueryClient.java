package io.quiver.client.query;

import io.quiver.client.QuiverException;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL over Arrow Flight SQL: {@link #query} streams results, {@link #execute} runs DDL and DML.
 * Owns its Arrow allocator and Flight connection and closes them (after any stream still open).
 * Parameters ({@code ?}) are bound through a prepared statement; Java values map to the types the
 * server declares for them: Boolean, Number, String, LocalDate / java.sql.Date, Instant /
 * java.sql.Timestamp, null.
 */
public final class QueryClient implements AutoCloseable {
    static {
        FlightReadPath.useSingleCopyRead(); // before this class builds the JVM's first Flight client
    }

    private final String host;
    private final int port;
    private final String token;
    private final BufferAllocator allocator;
    private final FlightSqlClient sql;
    private final CallOption[] auth;
    private final Set<QueryStream> open = ConcurrentHashMap.newKeySet();

    public QueryClient(String host, int port, String token) {
        this.host = host;
        this.port = port;
        this.token = token;
        this.allocator = new RootAllocator();
        FlightClient flight = FlightChannels.client(allocator, host, port); // large frames, one copy of received bytes
        this.sql = new FlightSqlClient(flight);
        this.auth = token == null || token.isEmpty() ? new CallOption[0]
                : new CallOption[]{new CredentialCallOption(new BearerCredentialWriter(token))};
    }

    /** Runs a query; the caller closes the returned stream. */
    public QueryStream query(String sqlText, Object... params) {
        try {
            if (params.length == 0) {
                return open(sql.execute(sqlText, auth), null);
            }
            FlightSqlClient.PreparedStatement ps = sql.prepare(sqlText, auth);
            try (VectorSchemaRoot p = bind(ps, params)) {
                ps.setParameters(p);
                FlightInfo info = ps.execute(auth);
                return open(info, ps);
            } catch (RuntimeException e) {
                ps.close(auth);
                throw e;
            }
        } catch (FlightRuntimeException e) {
            throw translate(e);
        }
    }

    private QueryStream open(FlightInfo info, FlightSqlClient.PreparedStatement ps) {
        FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket(), auth);
        QueryStream[] self = new QueryStream[1];
        self[0] = new QueryStream(s, () -> {
            open.remove(self[0]);
            if (ps != null) {
                ps.close(auth);
            }
        });
        open.add(self[0]);
        return self[0];
    }

    /**
     * Runs a statement without knowing its kind in advance, as a SQL shell does: the server's
     * prepared-statement answer says whether it returns rows (its result schema has columns) or
     * changes them, and the statement then runs the matching way.
     */
    public StatementResult run(String sqlText) {
        try {
            FlightSqlClient.PreparedStatement ps = sql.prepare(sqlText, auth);
            try {
                if (!ps.getResultSetSchema().getFields().isEmpty()) {
                    return new StatementResult.Rows(open(ps.execute(auth), ps)); // closing the stream closes ps
                }
            } catch (RuntimeException e) {
                ps.close(auth);
                throw e;
            }
            try {
                return new StatementResult.Updated(ps.executeUpdate(auth));
            } finally {
                ps.close(auth);
            }
        } catch (FlightRuntimeException e) {
            throw translate(e);
        }
    }

    /** Runs DDL or DML; returns the affected row count (0 for DDL). */
    public long execute(String sqlText, Object... params) {
        try {
            if (params.length == 0) {
                return sql.executeUpdate(sqlText, auth);
            }
            FlightSqlClient.PreparedStatement ps = sql.prepare(sqlText, auth);
            try (VectorSchemaRoot p = bind(ps, params)) {
                ps.setParameters(p);
                return ps.executeUpdate(auth);
            } finally {
                ps.close(auth); // close() without the token would be refused
            }
        } catch (FlightRuntimeException e) {
            throw translate(e);
        }
    }

    /** The URL for the Flight SQL JDBC driver ({@code org.apache.arrow:flight-sql-jdbc-driver}). */
    public String jdbcUrl() {
        String url = "jdbc:arrow-flight-sql://" + host + ':' + port + "/?useEncryption=false";
        return token == null || token.isEmpty() ? url : url + "&token=" + token;
    }

    private VectorSchemaRoot bind(FlightSqlClient.PreparedStatement ps, Object[] params) {
        VectorSchemaRoot root = VectorSchemaRoot.create(ps.getParameterSchema(), allocator);
        try {
            if (root.getFieldVectors().size() != params.length) {
                throw new QuiverException("INVALID_ARGUMENT", "statement has " + root.getFieldVectors().size() + " parameters, got "
                        + params.length, null);
            }
            root.allocateNew();
            for (int i = 0; i < params.length; i++) {
                set(root.getVector(i), params[i]);
            }
            root.setRowCount(1);
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private static void set(FieldVector v, Object value) {
        if (value == null) {
            v.setNull(0);
            return;
        }
        switch (v) {
            case BitVector b -> b.setSafe(0, (Boolean) value ? 1 : 0);
            case SmallIntVector s -> s.setSafe(0, ((Number) value).shortValue());
            case IntVector s -> s.setSafe(0, ((Number) value).intValue());
            case BigIntVector s -> s.setSafe(0, ((Number) value).longValue());
            case BaseIntVector s -> s.setWithPossibleTruncate(0, ((Number) value).longValue());
            case Float8Vector d -> d.setSafe(0, ((Number) value).doubleValue());
            case DateDayVector d -> d.setSafe(0, (int) (value instanceof java.sql.Date sd ? sd.toLocalDate() : (LocalDate) value).toEpochDay());
            case TimeStampVector t -> {
                Instant at = value instanceof java.sql.Timestamp ts ? ts.toInstant() : (Instant) value;
                TimeUnit unit = ((ArrowType.Timestamp) t.getField().getType()).getUnit();
                long x = switch (unit) {
                    case SECOND -> at.getEpochSecond();
                    case MILLISECOND -> at.toEpochMilli();
                    case MICROSECOND -> Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
                    case NANOSECOND -> Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
                };
                t.setSafe(0, x);
            }
            case VarCharVector s -> s.setSafe(0, value.toString().getBytes(StandardCharsets.UTF_8));
            default -> throw new QuiverException("INVALID_ARGUMENT", "unsupported parameter type [parameter=" + v.getName() + ", type="
                    + v.getField().getType() + ']', null);
        }
    }

    static QuiverException translate(FlightRuntimeException e) {
        return new QuiverException(e.status().code().name(), e.getMessage(), e);
    }

    /** Arrow memory held by open streams. */
    public long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    @Override
    public void close() {
        for (QueryStream s : open.toArray(new QueryStream[0])) {
            s.cancel();
            s.close();
        }
        try {
            sql.close();
        } catch (Exception e) {
            throw new QuiverException("INTERNAL", "closing the Flight connection failed [cause=" + e + ']', e);
        } finally {
            allocator.close();
        }
    }
}
