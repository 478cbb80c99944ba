package io.quiver.flight.sql;

import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each configurable limit, hit on purpose: a clear status, and the server keeps serving. */
class LimitsTest {
    static final String ENDLESS = "SELECT a.id, b.s FROM big a JOIN big b ON a.s = b.s";

    @TempDir
    Path dir;

    static FlightRuntimeException fails(FlightStatusCode code, org.junit.jupiter.api.function.Executable e) {
        FlightRuntimeException x = assertThrows(FlightRuntimeException.class, e);
        assertEquals(code, x.status().code(), x.getMessage());
        return x;
    }

    static void drain(FlightSqlFixture f, FlightInfo info) throws Exception {
        try (FlightStream s = f.sql().getStream(info.getEndpoints().get(0).getTicket())) {
            while (s.next()) {
                // read everything
            }
        }
    }

    @Test
    void inboundMessageSizeDeadlineResultRowsAndBytes() throws Exception {
        FlightSqlSettings s = FlightSqlSettings.defaults("127.0.0.1", 0)
                .withLimits(1 << 20, 4 << 20, 300, 50_000, 0, 64);
        try (FlightSqlFixture f = new FlightSqlFixture(dir, s)) {
            f.loadBig("big", 100_000);
            FlightRuntimeException big = fails(FlightStatusCode.RESOURCE_EXHAUSTED,
                    () -> f.sql().execute("SELECT '" + "x".repeat(2 << 20) + "'"));
            assertTrue(big.getMessage().toLowerCase().contains("size") || big.getMessage().contains("larger"), big.getMessage());
            FlightRuntimeException late = fails(FlightStatusCode.TIMED_OUT, () -> drain(f, f.sql().execute(
                    "SELECT count(*) FROM big a JOIN big b ON a.s = b.s JOIN big c ON b.s = c.s")));
            assertTrue(late.getMessage().contains("57014"), late.getMessage());
            FlightRuntimeException rows = fails(FlightStatusCode.RESOURCE_EXHAUSTED, () -> drain(f, f.sql().execute("SELECT id FROM big")));
            assertTrue(rows.getMessage().contains("54000"), rows.getMessage());
            drain(f, f.sql().execute("SELECT id FROM big WHERE id < 40000"));
        }
    }

    /**
     * The connection's write buffer (the socket queue's high-water mark) at its smallest and at a
     * large size: every row of a result of many record batches arrives either way, and a value
     * below the minimum is refused naming the setting.
     */
    @Test
    void writeBufferAtItsBounds() throws Exception {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> FlightSqlSettings.defaults("127.0.0.1", 0).withWriteBufferBytes(32 << 10));
        assertTrue(small.getMessage().contains("flight.write.buffer.bytes"), small.getMessage());
        for (int bytes : new int[]{FlightSqlSettings.WRITE_BUFFER_BYTES_MIN, 32 << 20}) {
            FlightSqlSettings s = FlightSqlSettings.defaults("127.0.0.1", 0).withWriteBufferBytes(bytes);
            try (FlightSqlFixture f = new FlightSqlFixture(dir.resolve("wb" + bytes), s)) {
                f.loadBig("big", 300_000);
                long rows = 0;
                long idSum = 0;
                FlightInfo info = f.sql().execute("SELECT id, s FROM big");
                try (FlightStream st = f.sql().getStream(info.getEndpoints().get(0).getTicket())) {
                    while (st.next()) {
                        org.apache.arrow.vector.BigIntVector id = (org.apache.arrow.vector.BigIntVector) st.getRoot().getVector(0);
                        for (int i = 0; i < st.getRoot().getRowCount(); i++) {
                            idSum += id.get(i);
                        }
                        rows += st.getRoot().getRowCount();
                    }
                }
                assertEquals(300_000, rows, "write buffer " + bytes);
                assertEquals(300_000L * 299_999 / 2, idSum, "write buffer " + bytes);
            }
        }
    }

    @Test
    void resultBytes() throws Exception {
        FlightSqlSettings s = FlightSqlSettings.defaults("127.0.0.1", 0).withLimits(64 << 20, 1 << 20, 0, 0, 200_000, 64);
        try (FlightSqlFixture f = new FlightSqlFixture(dir, s)) {
            f.loadBig("big", 100_000);
            FlightRuntimeException e = fails(FlightStatusCode.RESOURCE_EXHAUSTED, () -> drain(f, f.sql().execute("SELECT id, s FROM big")));
            assertTrue(e.getMessage().contains("flight.result.max.bytes"), e.getMessage());
            drain(f, f.sql().execute("SELECT id FROM big WHERE id < 1000"));
        }
    }

    @Test
    void concurrentStreams() throws Exception {
        FlightSqlSettings s = FlightSqlSettings.defaults("127.0.0.1", 0).withLimits(64 << 20, 1 << 20, 0, 0, 0, 2);
        try (FlightSqlFixture f = new FlightSqlFixture(dir, s)) {
            f.loadBig("big", 100_000);
            List<FlightStream> open = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    FlightStream st = f.sql().getStream(f.sql().execute(ENDLESS).getEndpoints().get(0).getTicket());
                    assertTrue(st.next());
                    open.add(st);
                }
                FlightRuntimeException e = fails(FlightStatusCode.RESOURCE_EXHAUSTED, () -> drain(f, f.sql().execute("SELECT id FROM big")));
                assertTrue(e.getMessage().contains("flight.max.concurrent.streams"), e.getMessage());
            } finally {
                for (FlightStream st : open) {
                    st.cancel("done", null);
                    st.close();
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (f.server.producer().runningStreams() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            drain(f, f.sql().execute("SELECT id FROM big WHERE id < 10"));
        }
    }

    /** 5 M rows through the JDBC driver; the server's Arrow memory stays at a few batches, not the result. */
    @Test
    void fiveMillionRowsStreamWithBoundedMemory() throws Exception {
        try (FlightSqlFixture f = new FlightSqlFixture(dir)) {
            f.loadBig("big", 5_000_000);
            long rows = 0;
            long sum = 0;
            try (Connection c = DriverManager.getConnection(f.jdbcUrl()); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, s FROM big")) {
                while (rs.next()) {
                    sum += rs.getLong(1);
                    rows++;
                }
            }
            assertEquals(5_000_000, rows);
            assertEquals(5_000_000L * 4_999_999 / 2, sum);
            long resultBytes = 5_000_000L * (8 + 4 + 4);
            long peak = f.server.peakAllocatedBytes();
            assertTrue(peak < 32L << 20, "server Arrow peak " + peak + " bytes for a " + resultBytes + "-byte result");
        }
    }
}
