package io.quiver.flight.sql;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What a DoGet ticket for a query carries, inside Flight SQL's {@code TicketStatementQuery}:
 * a random query id (the key CancelFlightInfo uses) and either the SQL text or the handle of a
 * prepared statement. Layout of {@code statement_handle}: version byte (1), kind byte
 * (0 = SQL, 1 = prepared), 16-byte query id, then the UTF-8 SQL or the handle bytes. The ticket
 * holds no server state, so a ticket that is never redeemed costs nothing; a ticket is no more
 * powerful than the SQL it carries, because every call is authenticated on its own.
 */
public record QueryTicket(String queryId, String sql, ByteString preparedHandle) {
    private static final byte VERSION = 1;
    private static final byte KIND_SQL = 0;
    private static final byte KIND_PREPARED = 1;
    private static final int ID_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    public static String newQueryId() {
        byte[] id = new byte[ID_BYTES];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    public static QueryTicket forSql(String sql) {
        return new QueryTicket(newQueryId(), sql, null);
    }

    public static QueryTicket forPrepared(ByteString handle) {
        return new QueryTicket(newQueryId(), null, handle);
    }

    public boolean isPrepared() {
        return preparedHandle != null;
    }

    public Ticket toTicket() {
        byte[] payload = isPrepared() ? preparedHandle.toByteArray() : sql.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + ID_BYTES + payload.length);
        b.put(VERSION).put(isPrepared() ? KIND_PREPARED : KIND_SQL).put(HexFormat.of().parseHex(queryId)).put(payload);
        TicketStatementQuery t = TicketStatementQuery.newBuilder().setStatementHandle(ByteString.copyFrom(b.array())).build();
        return new Ticket(Any.pack(t).toByteArray());
    }

    /** Decodes a ticket's statement handle; anything malformed is INVALID_ARGUMENT. */
    public static QueryTicket fromHandle(ByteString handle) {
        if (handle.size() < 2 + ID_BYTES || handle.byteAt(0) != VERSION) {
            throw FlightErrors.status(org.apache.arrow.flight.CallStatus.INVALID_ARGUMENT, "malformed ticket [bytes=" + handle.size() + ']',
                    FlightErrors.PROTOCOL_VIOLATION);
        }
        byte kind = handle.byteAt(1);
        String id = HexFormat.of().formatHex(handle.substring(2, 2 + ID_BYTES).toByteArray());
        ByteString payload = handle.substring(2 + ID_BYTES);
        return switch (kind) {
            case KIND_SQL -> new QueryTicket(id, payload.toStringUtf8(), null);
            case KIND_PREPARED -> new QueryTicket(id, null, payload);
            default -> throw FlightErrors.status(org.apache.arrow.flight.CallStatus.INVALID_ARGUMENT, "malformed ticket [kind=" + kind + ']',
                    FlightErrors.PROTOCOL_VIOLATION);
        };
    }

    /** The query id of a ticket this server issued, or null for any other ticket. */
    public static String queryIdOf(Ticket ticket) {
        try {
            Any any = Any.parseFrom(ticket.getBytes());
            if (!any.is(TicketStatementQuery.class)) {
                return null;
            }
            return fromHandle(any.unpack(TicketStatementQuery.class).getStatementHandle()).queryId();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return null;
        }
    }
}
