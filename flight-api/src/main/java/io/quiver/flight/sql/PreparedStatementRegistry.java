package io.quiver.flight.sql;

import com.google.protobuf.ByteString;
import org.apache.arrow.flight.CallStatus;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open prepared statements, by handle. A handle is 16 random bytes, so it cannot be guessed;
 * a statement also remembers the peer identity that prepared it, and a handle presented by another
 * peer is treated as unknown. Statements unused for the idle limit are dropped (clients that never
 * close them would otherwise grow this map forever), and the count is capped.
 */
final class PreparedStatementRegistry {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One prepared statement; {@code bound} holds the SQL of each parameter row of the last bind. */
    static final class Prepared {
        final AnalyzedStatement statement;
        final String owner;
        volatile List<String> bound = List.of();
        volatile long lastUsedNanos = System.nanoTime();

        Prepared(AnalyzedStatement statement, String owner) {
            this.statement = statement;
            this.owner = owner;
        }

        /** The SQL texts to run: the bound rows, or the statement itself when it has no parameters. */
        List<String> sqlToRun() {
            if (statement.parameterCount() == 0) {
                return List.of(statement.sql());
            }
            List<String> b = bound;
            if (b.isEmpty()) {
                throw FlightErrors.invalid("prepared statement has " + statement.parameterCount() + " parameters and none are bound");
            }
            return b;
        }
    }

    private final Map<ByteString, Prepared> statements = new ConcurrentHashMap<>();
    private final int max;
    private final long idleNanos;

    PreparedStatementRegistry(int max, long idleMs) {
        this.max = max;
        this.idleNanos = idleMs * 1_000_000L;
    }

    ByteString add(AnalyzedStatement statement, String owner) {
        if (statements.size() >= max) {
            expireIdle();
            if (statements.size() >= max) {
                throw FlightErrors.status(CallStatus.RESOURCE_EXHAUSTED, "too many prepared statements [max=" + max
                        + ", limit=flight.max.prepared.statements]", FlightErrors.PROGRAM_LIMIT);
            }
        }
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        ByteString handle = ByteString.copyFrom(id);
        statements.put(handle, new Prepared(statement, owner));
        return handle;
    }

    Prepared get(ByteString handle, String peer) {
        Prepared p = statements.get(handle);
        if (p == null || !p.owner.equals(peer)) {
            throw unknown(handle);
        }
        p.lastUsedNanos = System.nanoTime();
        return p;
    }

    void remove(ByteString handle, String peer) {
        Prepared p = statements.get(handle);
        if (p == null || !p.owner.equals(peer)) {
            throw unknown(handle);
        }
        statements.remove(handle, p);
    }

    int size() {
        return statements.size();
    }

    void expireIdle() {
        long now = System.nanoTime();
        statements.values().removeIf(p -> now - p.lastUsedNanos > idleNanos);
    }

    private static RuntimeException unknown(ByteString handle) {
        return FlightErrors.status(CallStatus.NOT_FOUND, "prepared statement does not exist or was closed [handleBytes=" + handle.size() + ']',
                FlightErrors.INVALID_STATEMENT_NAME);
    }
}
