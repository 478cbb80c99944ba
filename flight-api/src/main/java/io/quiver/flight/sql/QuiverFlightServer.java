package io.quiver.flight.sql;

import io.quiver.flight.ingest.FlightIngestHandler;
import io.quiver.flight.ingest.TableWriter;
import io.quiver.query.QueryEngine;
import io.quiver.query.catalog.QueryCatalog;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The Flight endpoint on the flight port: Flight SQL plus plain DoPut ingest, behind the token
 * authenticator, with the inbound message limit set (Flight's default is unlimited). Owns its
 * root allocator and closes it last, after the server and producer, so a leak fails loudly.
 */
public final class QuiverFlightServer implements AutoCloseable {
    private final BufferAllocator allocator;
    private final FlightServer server;
    private final QuiverFlightSqlProducer producer;

    private QuiverFlightServer(BufferAllocator allocator, FlightServer server, QuiverFlightSqlProducer producer) {
        this.allocator = allocator;
        this.server = server;
        this.producer = producer;
    }

    /**
     * Starts the endpoint. The engine, catalog and writer are borrowed: the caller closes them
     * after this server.
     */
    public static QuiverFlightServer start(FlightSqlSettings settings, QueryEngine engine, QueryCatalog catalog, TableWriter writer,
                                           String serverVersion) throws IOException {
        BufferAllocator allocator = new RootAllocator(settings.maxMemoryBytes());
        QuiverFlightSqlProducer producer = null;
        try {
            FlightIngestHandler ingest = new FlightIngestHandler(writer, allocator, settings.ingestMaxInFlight());
            producer = new QuiverFlightSqlProducer(engine, catalog, ingest, allocator, settings, serverVersion);
            FlightServer server = FlightServer.builder(allocator, Location.forGrpcInsecure(settings.host(), settings.port()), producer)
                    .headerAuthenticator(BearerTokenAuthenticator.forToken(settings.authToken()))
                    .maxInboundMessageSize(settings.maxInboundMessageBytes())
                    // record batches reach the socket without Netty's copy of every DATA frame, in large writes
                    .transportHint("grpc.builderConsumer", DirectFrameWrites.plaintextServer(settings.writeBufferBytes()))
                    .build()
                    .start();
            return new QuiverFlightServer(allocator, server, producer);
        } catch (IOException | RuntimeException e) {
            if (producer != null) {
                try {
                    producer.close();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            allocator.close();
            throw e;
        }
    }

    public int port() {
        return server.getPort();
    }

    public QuiverFlightSqlProducer producer() {
        return producer;
    }

    /** The endpoint's Arrow memory in use now (result streams, incoming batches). */
    public long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    /** The most Arrow memory the endpoint has held at once since it started. */
    public long peakAllocatedBytes() {
        return allocator.getPeakMemoryAllocation();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            server.shutdown();
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.close();
            }
        } finally {
            try {
                server.close();
                producer.close();
            } finally {
                allocator.close();
            }
        }
    }
}
