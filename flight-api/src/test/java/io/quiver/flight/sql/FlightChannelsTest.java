package io.quiver.flight.sql;

import io.quiver.client.query.FlightChannels;
import io.quiver.client.query.QueryClient;
import io.quiver.client.query.QueryStream;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * client-java's {@link FlightChannels} against a real server, through a loopback relay that reads
 * the HTTP/2 frame headers the server sends: the announced frame size must reach the wire (larger
 * DATA frames than HTTP/2's default 16 KiB) and the results must be the same as Arrow's stock client's.
 */
class FlightChannelsTest {
    private static final long ROWS = 300_000;
    /** Sum of id over {@code big}: 0 + 1 + ... + ROWS - 1. */
    private static final long ID_SUM = ROWS * (ROWS - 1) / 2;

    @TempDir
    Path dir;

    @Test
    void theServerSendsDataFramesUpToTheAnnouncedSizeAndResultsAreUnchanged() throws Exception {
        try (FlightSqlFixture f = new FlightSqlFixture(dir)) {
            f.loadBig("big", ROWS);
            int stock = largestDataFrame(f, (a, port) -> FlightClient.builder(a, Location.forGrpcInsecure("127.0.0.1", port)).build());
            assertTrue(stock <= 16_384, "the stock client announces no larger frames [largest=" + stock + ']');
            int tuned = largestDataFrame(f, (a, port) -> FlightChannels.client(a, "127.0.0.1", port));
            assertTrue(tuned > 16_384 && tuned <= FlightChannels.MAX_FRAME_SIZE, "largest DATA frame " + tuned);
        }
    }

    @Test
    void theJavaClientReadsThroughTheTunedChannel() throws Exception {
        try (FlightSqlFixture f = new FlightSqlFixture(dir);
             Relay relay = new Relay(f.port())) {
            f.loadBig("big", ROWS);
            long sum = 0;
            long rows = 0;
            try (QueryClient c = new QueryClient("127.0.0.1", relay.port(), null);
                 QueryStream s = c.query("SELECT id FROM big")) {
                while (s.nextBatch()) {
                    BigIntVector ids = (BigIntVector) s.root().getVector(0);
                    for (int i = 0; i < ids.getValueCount(); i++) {
                        sum += ids.get(i);
                    }
                    rows += ids.getValueCount();
                }
            }
            assertEquals(ROWS, rows);
            assertEquals(ID_SUM, sum);
            assertTrue(relay.largestDataFrame.get() > 16_384, "largest DATA frame " + relay.largestDataFrame.get());
        }
    }

    /** Reads {@code SELECT ts, id, v, s FROM big} through a relay with the given client; the largest DATA frame seen. */
    private static int largestDataFrame(FlightSqlFixture f, ClientFactory factory) throws Exception {
        try (Relay relay = new Relay(f.port());
             BufferAllocator allocator = new RootAllocator();
             FlightSqlClient client = new FlightSqlClient(factory.open(allocator, relay.port()))) {
            FlightInfo info = client.execute("SELECT ts, id, v, s FROM big");
            long rows = 0;
            long sum = 0;
            try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                while (stream.next()) {
                    BigIntVector ids = (BigIntVector) stream.getRoot().getVector("id");
                    for (int i = 0; i < ids.getValueCount(); i++) {
                        sum += ids.get(i);
                    }
                    rows += stream.getRoot().getRowCount();
                }
            }
            assertEquals(ROWS, rows);
            assertEquals(ID_SUM, sum);
            return relay.largestDataFrame.get();
        }
    }

    @FunctionalInterface
    private interface ClientFactory {
        FlightClient open(BufferAllocator allocator, int port);
    }

    /**
     * Forwards loopback connections to the server byte for byte; in the server-to-client direction it
     * follows the HTTP/2 frame headers (9 bytes: 24-bit length, type, flags, stream id) and records
     * the largest DATA frame.
     */
    private static final class Relay implements AutoCloseable {
        final AtomicInteger largestDataFrame = new AtomicInteger();
        private final ServerSocket listener;
        private final int target;

        Relay(int target) throws IOException {
            this.target = target;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::acceptLoop);
        }

        int port() {
            return listener.getLocalPort();
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket client = listener.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                    Thread.ofVirtual().start(() -> pump(client, server, null));
                    Thread.ofVirtual().start(() -> pump(server, client, new FrameHeaders(largestDataFrame)));
                }
            } catch (IOException closed) {
                // the relay was closed
            }
        }

        private static void pump(Socket from, Socket to, FrameHeaders frames) {
            byte[] buf = new byte[64 * 1024];
            try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (frames != null) {
                        frames.scan(buf, n);
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException closed) {
                // one side went away: closing both ends tells the other
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    /** Follows HTTP/2 frames in one direction of a connection that starts at a frame boundary. */
    private static final class FrameHeaders {
        private final AtomicInteger largestData;
        private final byte[] header = new byte[9];
        private int headerFill;
        private long payloadLeft;

        FrameHeaders(AtomicInteger largestData) {
            this.largestData = largestData;
        }

        void scan(byte[] buf, int n) {
            int i = 0;
            while (i < n) {
                if (payloadLeft > 0) {
                    int skip = (int) Math.min(payloadLeft, n - i);
                    payloadLeft -= skip;
                    i += skip;
                    continue;
                }
                header[headerFill++] = buf[i++];
                if (headerFill == header.length) {
                    headerFill = 0;
                    int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                    if (header[3] == 0) {
                        largestData.accumulateAndGet(length, Math::max);
                    }
                    payloadLeft = length;
                }
            }
        }
    }
}
