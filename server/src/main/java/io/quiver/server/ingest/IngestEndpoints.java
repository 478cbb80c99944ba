package io.quiver.server.ingest;

import io.quiver.flight.ingest.GrpcIngestSettings;
import io.quiver.flight.ingest.IngestFlightServer;
import io.quiver.flight.ingest.IngestGrpcServer;
import io.quiver.flight.ingest.IngestGrpcService;
import io.quiver.flight.ingest.IngestLimits;
import io.quiver.flight.ingest.TableWriter;
import io.quiver.server.config.ConfigKey;
import io.quiver.server.config.ServerConfig;
import io.quiver.server.http.HttpRoute;
import io.quiver.storage.StorageEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The ingest doors of the server, wired from config: the gRPC IngestService (grpc.port), Flight
 * DoPut (flight.port) and the NDJSON HTTP route (mounted on the admin HTTP server by its owner).
 * Owns the gRPC and Flight servers; {@link #close()} stops them (before the storage engine closes).
 */
public final class IngestEndpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestEndpoints.class);

    private final TableWriter writer;
    private final IngestGrpcServer grpc;
    private final IngestFlightServer flight;
    private final NdjsonIngestRoute ndjson;

    private IngestEndpoints(TableWriter writer, IngestGrpcServer grpc, IngestFlightServer flight, NdjsonIngestRoute ndjson) {
        this.writer = writer;
        this.grpc = grpc;
        this.flight = flight;
        this.ndjson = ndjson;
    }

    public static IngestLimits limits(ServerConfig c) {
        return new IngestLimits(c.getInt(ConfigKey.INGEST_MAX_ROWS_PER_BATCH), c.getInt(ConfigKey.INGEST_MAX_COLUMNS),
                c.getInt(ConfigKey.INGEST_MAX_STRING_BYTES), c.getBoolean(ConfigKey.INGEST_AUTO_CREATE));
    }

    public static IngestEndpoints start(ServerConfig c, StorageEngine storage) throws IOException {
        TableWriter writer = new TableWriter(storage, limits(c));
        GrpcIngestSettings settings = new GrpcIngestSettings(c.get(ConfigKey.GRPC_HOST), c.getInt(ConfigKey.GRPC_PORT),
                c.getInt(ConfigKey.GRPC_MAX_MESSAGE_BYTES), c.getLong(ConfigKey.GRPC_KEEPALIVE_TIME_MS),
                c.getLong(ConfigKey.GRPC_KEEPALIVE_TIMEOUT_MS), c.getLong(ConfigKey.GRPC_PERMIT_KEEPALIVE_TIME_MS),
                c.getInt(ConfigKey.GRPC_MAX_CONCURRENT_STREAMS), c.getInt(ConfigKey.GRPC_STREAM_MAX_IN_FLIGHT_BATCHES));
        IngestGrpcServer grpc = IngestGrpcServer.start(settings, new IngestGrpcService(writer, settings.maxInFlightPerStream()));
        IngestFlightServer flight;
        try {
            flight = IngestFlightServer.start(c.get(ConfigKey.FLIGHT_HOST), c.getInt(ConfigKey.FLIGHT_PORT), writer,
                    settings.maxInFlightPerStream(), c.getLong(ConfigKey.FLIGHT_MAX_MEMORY_BYTES));
        } catch (IOException | RuntimeException e) {
            grpc.close();
            throw e;
        }
        NdjsonIngestRoute ndjson = new NdjsonIngestRoute(writer, c.getLong(ConfigKey.INGEST_HTTP_MAX_DECOMPRESSED_BYTES),
                c.getLong(ConfigKey.INGEST_ACK_TIMEOUT_MS));
        LOG.info("ingest listening [grpc={}:{}, flight={}:{}]", settings.host(), grpc.port(), c.get(ConfigKey.FLIGHT_HOST), flight.port());
        return new IngestEndpoints(writer, grpc, flight, ndjson);
    }

    public TableWriter writer() {
        return writer;
    }

    public List<HttpRoute> httpRoutes() {
        return List.of(ndjson);
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int flightPort() {
        return flight.port();
    }

    @Override
    public void close() {
        try {
            grpc.close();
        } finally {
            try {
                flight.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
