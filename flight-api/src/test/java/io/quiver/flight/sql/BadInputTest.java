package io.quiver.flight.sql;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.quiver.proto.v1.IngestAck;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed and hostile requests get clear Flight errors; the server stays healthy and leak-free. */
class BadInputTest {
    @TempDir
    static Path dir;
    static FlightSqlFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new FlightSqlFixture(dir);
        f.sql().executeUpdate("CREATE TABLE t (ts TIMESTAMP, sym VARCHAR, qty INT)");
        f.sql().executeUpdate("INSERT INTO t VALUES (TIMESTAMP '2024-01-01 00:00:00', 'A', 1)");
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    @AfterEach
    void serverStillHealthy() throws Exception {
        List<List<Object>> rows = RawFlightSqlTest.readAll(f.sql(), f.sql().execute("SELECT qty FROM t"));
        assertEquals(List.of(List.<Object>of(1)), rows);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (f.server.allocatedBytes() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, f.server.allocatedBytes(), "server Arrow memory released");
    }

    static FlightRuntimeException fails(FlightStatusCode code, Executable e) {
        FlightRuntimeException x = assertThrows(FlightRuntimeException.class, e);
        assertEquals(code, x.status().code(), x.getMessage());
        return x;
    }

    static void drain(Ticket t) throws Exception {
        try (FlightStream s = f.flightClient().getStream(t)) {
            while (s.next()) {
                // read everything
            }
        }
    }

    @Test
    void randomAndTruncatedTickets() throws Exception {
        long seed = 42;
        Random r = new Random(seed);
        for (int i = 0; i < 20; i++) {
            byte[] b = new byte[1 + r.nextInt(64)];
            r.nextBytes(b);
            FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> drain(new Ticket(b)), "seed=" + seed + " i=" + i);
            assertTrue(e.status().code() == FlightStatusCode.INVALID_ARGUMENT, "seed=" + seed + " i=" + i + ": " + e.getMessage());
        }
        FlightInfo info = f.sql().execute("SELECT qty FROM t");
        byte[] good = info.getEndpoints().get(0).getTicket().getBytes();
        for (int len : new int[]{0, 1, 5, good.length / 2, good.length - 1}) {
            FlightRuntimeException e = fails(FlightStatusCode.INVALID_ARGUMENT, () -> drain(new Ticket(Arrays.copyOf(good, len))));
            assertTrue(e.getMessage().contains("ticket") || e.getMessage().contains("request"), e.getMessage());
        }
    }

    @Test
    void unknownCommandType() {
        byte[] cmd = Any.pack(IngestAck.newBuilder().setBatchId("x").build()).toByteArray();
        FlightRuntimeException e = fails(FlightStatusCode.INVALID_ARGUMENT, () -> f.flightClient().getInfo(FlightDescriptor.command(cmd)));
        assertTrue(e.getMessage().contains("IngestAck"), e.getMessage());
        fails(FlightStatusCode.INVALID_ARGUMENT, () -> f.flightClient().getInfo(FlightDescriptor.command(new byte[]{1, 2, 3})));
    }

    @Test
    void closedAndForeignPreparedStatementHandles() throws Exception {
        ByteString handle;
        try (FlightSqlClient.PreparedStatement ps = f.sql().prepare("SELECT qty FROM t")) {
            assertEquals(1, RawFlightSqlTest.readAll(f.sql(), ps.execute()).size());
            FlightInfo info = ps.execute();
            handle = ByteString.copyFrom(info.getEndpoints().get(0).getTicket().getBytes()); // not a handle: keep for below
        }
        // A handle from a closed statement (we re-create its command by hand) and a made-up one.
        FlightSqlClient.PreparedStatement ps = f.sql().prepare("SELECT qty FROM t");
        ByteString real = handleOf(ps);
        ps.close();
        byte[] closed = Any.pack(CommandPreparedStatementQuery.newBuilder().setPreparedStatementHandle(real).build()).toByteArray();
        FlightRuntimeException e = fails(FlightStatusCode.NOT_FOUND, () -> f.flightClient().getInfo(FlightDescriptor.command(closed)));
        assertTrue(e.getMessage().contains("prepared statement does not exist"), e.getMessage());
        byte[] foreign = Any.pack(CommandPreparedStatementQuery.newBuilder().setPreparedStatementHandle(ByteString.copyFrom(new byte[16]))
                .build()).toByteArray();
        fails(FlightStatusCode.NOT_FOUND, () -> f.flightClient().getInfo(FlightDescriptor.command(foreign)));
        fails(FlightStatusCode.NOT_FOUND, () -> drain(new Ticket(foreign)));
        assertTrue(handle.size() > 0);
        assertEquals(0, f.server.producer().openPreparedStatements());
    }

    /** The handle is not exposed by FlightSqlClient.PreparedStatement; its FlightInfo's descriptor carries it. */
    static ByteString handleOf(FlightSqlClient.PreparedStatement ps) throws Exception {
        FlightInfo info = ps.execute();
        Any any = Any.parseFrom(info.getDescriptor().getCommand());
        return any.unpack(CommandPreparedStatementQuery.class).getPreparedStatementHandle();
    }

    @Test
    void tenMegabyteSqlText() {
        String sql = "SELECT '" + "x".repeat(10 << 20) + "'";
        FlightRuntimeException e = fails(FlightStatusCode.INVALID_ARGUMENT, () -> f.sql().execute(sql));
        assertTrue(e.getMessage().contains("flight.max.sql.bytes"), e.getMessage());
    }

    @Test
    void doPutWithAMismatchingSchema() throws Exception {
        Schema wrong = new Schema(List.of(Field.nullable("sym", new ArrowType.Int(32, true))));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(wrong, f.clientAllocator)) {
            root.allocateNew();
            ((IntVector) root.getVector(0)).setSafe(0, 5);
            root.setRowCount(1);
            SyncPutListener acks = new SyncPutListener();
            var put = f.flightClient().startPut(FlightDescriptor.path("t"), root, acks);
            put.putNext();
            put.completed();
            FlightRuntimeException e = fails(FlightStatusCode.INVALID_ARGUMENT, put::getResult);
            assertTrue(e.getMessage().contains("sym"), e.getMessage());
            acks.close();
        }
        try (FlightSqlClient.PreparedStatement ps = f.sql().prepare("SELECT qty FROM t WHERE qty = ?");
             VectorSchemaRoot two = VectorSchemaRoot.create(new Schema(List.of(Field.nullable("a", new ArrowType.Int(32, true)),
                     Field.nullable("b", new ArrowType.Int(32, true)))), f.clientAllocator)) {
            two.allocateNew();
            two.setRowCount(1);
            ps.setParameters(two);
            FlightRuntimeException e = fails(FlightStatusCode.INVALID_ARGUMENT, ps::execute);
            assertTrue(e.getMessage().contains("parameters"), e.getMessage());
        }
    }
}
