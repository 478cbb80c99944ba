package io.quiver.flight.ingest;

import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.io.IOException;

/**
 * The Flight endpoint on the flight port, serving DoPut ingest. Owns its allocator (every Arrow
 * buffer of incoming streams and acks comes from it) and closes it last, so a leak fails loudly.
 */
public final class IngestFlightServer implements AutoCloseable {
    private final BufferAllocator allocator;
    private final FlightServer server;

    private IngestFlightServer(BufferAllocator allocator, FlightServer server) {
        this.allocator = allocator;
        this.server = server;
    }

    public static IngestFlightServer start(String host, int port, TableWriter writer, int maxInFlight, long maxMemoryBytes) throws IOException {
        BufferAllocator allocator = new RootAllocator(maxMemoryBytes);
        try {
            FlightIngestHandler handler = new FlightIngestHandler(writer, allocator, maxInFlight);
            FlightServer server = FlightServer.builder(allocator, Location.forGrpcInsecure(host, port), new IngestFlightProducer(handler))
                    .build().start();
            return new IngestFlightServer(allocator, server);
        } catch (IOException | RuntimeException e) {
            allocator.close();
            throw e;
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            server.shutdown();
            server.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            server.close();
            allocator.close();
        }
    }
}
