package io.quiver.server.ingest;

import io.quiver.flight.ingest.GrpcIngestSettings;
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
 * The ingest doors of the server, wired from config: the gRPC IngestService (grpc.port) and the
 * NDJSON HTTP route (mounted on the admin HTTP server by its owner). Flight DoPut ingest is served
 * on flight.port by the Flight SQL endpoint, with this {@link #writer()}. Owns the gRPC server;
 * {@link #close()} stops it (before the storage engine closes).
 */
public final class IngestEndpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestEndpoints.class);

    private final TableWriter writer;
    private final IngestGrpcServer grpc;
    private final NdjsonIngestRoute ndjson;

    private IngestEndpoints(TableWriter writer, IngestGrpcServer grpc, NdjsonIngestRoute ndjson) {
        this.writer = writer;
        this.grpc = grpc;
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
        NdjsonIngestRoute ndjson = new NdjsonIngestRoute(writer, c.getLong(ConfigKey.INGEST_HTTP_MAX_DECOMPRESSED_BYTES),
                c.getLong(ConfigKey.INGEST_ACK_TIMEOUT_MS));
        LOG.info("ingest listening [grpc={}:{}]", settings.host(), grpc.port());
        return new IngestEndpoints(writer, grpc, ndjson);
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

    @Override
    public void close() {
        grpc.close();
    }
}
