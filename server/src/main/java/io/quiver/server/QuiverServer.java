package io.quiver.server;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quiver.server.config.ConfigException;
import io.quiver.server.config.ConfigKey;
import io.quiver.server.config.ServerConfig;
import io.quiver.server.http.HttpServer;
import io.quiver.server.http.HttpResponses;
import io.quiver.server.http.SimpleRoute;
import io.quiver.flight.sql.FlightSqlSettings;
import io.quiver.flight.sql.QuiverFlightServer;
import io.quiver.query.QueryConfig;
import io.quiver.query.QueryEngine;
import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.server.ingest.IngestEndpoints;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The Quiver process: resolves config, opens (and recovers) the storage engine, starts the
 * endpoints, and on SIGTERM / SIGINT stops them and flushes every memtable before exiting.
 */
public final class QuiverServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuiverServer.class);

    private final ServerConfig config;
    private final StorageEngine storage;
    private final HttpServer http;
    private final IngestEndpoints ingest;
    private final QueryEngine engine;
    private final QuiverFlightServer flight;
    private final long startedAtMillis = System.currentTimeMillis();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private QuiverServer(ServerConfig config, StorageEngine storage, HttpServer http, IngestEndpoints ingest, QueryEngine engine,
                         QuiverFlightServer flight) {
        this.config = config;
        this.storage = storage;
        this.http = http;
        this.ingest = ingest;
        this.engine = engine;
        this.flight = flight;
    }

    static QueryConfig queryConfig(ServerConfig c) {
        int threads = c.getInt(ConfigKey.QUERY_PARALLELISM);
        return new QueryConfig(c.getLong(ConfigKey.QUERY_TIMEOUT_MS), c.getLong(ConfigKey.QUERY_MEMORY_MAX_BYTES),
                c.getLong(ConfigKey.QUERY_RESULT_MAX_ROWS), threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    }

    static FlightSqlSettings flightSettings(ServerConfig c) {
        return new FlightSqlSettings(c.get(ConfigKey.FLIGHT_HOST), c.getInt(ConfigKey.FLIGHT_PORT), c.get(ConfigKey.AUTH_TOKEN),
                c.getInt(ConfigKey.FLIGHT_MAX_INBOUND_MESSAGE_BYTES), c.getLong(ConfigKey.FLIGHT_MAX_MEMORY_BYTES),
                c.getInt(ConfigKey.FLIGHT_MAX_SQL_BYTES), c.getLong(ConfigKey.FLIGHT_QUERY_TIMEOUT_MS), c.getLong(ConfigKey.FLIGHT_RESULT_MAX_ROWS),
                c.getLong(ConfigKey.FLIGHT_RESULT_MAX_BYTES), c.getInt(ConfigKey.FLIGHT_MAX_CONCURRENT_STREAMS),
                c.getInt(ConfigKey.FLIGHT_MAX_PREPARED_STATEMENTS), c.getLong(ConfigKey.FLIGHT_PREPARED_STATEMENT_IDLE_MS),
                c.getInt(ConfigKey.GRPC_STREAM_MAX_IN_FLIGHT_BATCHES), c.getInt(ConfigKey.FLIGHT_WRITE_BUFFER_BYTES));
    }

    private static String version() {
        String v = QuiverServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Starts a server; the caller owns it and must close it. */
    public static QuiverServer start(ServerConfig config) throws IOException, InterruptedException {
        StorageEngine storage = StorageEngine.open(config.dataDir(), config.storageConfig());
        HttpServer http = null;
        IngestEndpoints ingest = null;
        QueryEngine engine = null;
        QuiverFlightServer flight = null;
        try {
            HealthRoutes health = new HealthRoutes(storage, System.currentTimeMillis());
            ingest = IngestEndpoints.start(config, storage);
            StorageQueryCatalog catalog = new StorageQueryCatalog(storage);
            engine = new QueryEngine(catalog, queryConfig(config));
            FlightSqlSettings fs = flightSettings(config);
            if (fs.authToken().isEmpty() && !isLoopback(fs.host())) {
                LOG.warn("Flight SQL listens on {} without authentication: set auth.token", fs.host());
            }
            flight = QuiverFlightServer.start(fs, engine, catalog, ingest.writer(), version());
            List<io.quiver.server.http.HttpRoute> routes = new java.util.ArrayList<>(health.routes());
            routes.addAll(ingest.httpRoutes());
            http = new HttpServer(config.get(ConfigKey.HTTP_HOST), config.getInt(ConfigKey.HTTP_PORT),
                    config.getInt(ConfigKey.HTTP_MAX_CONTENT_BYTES), routes);
            return new QuiverServer(config, storage, http, ingest, engine, flight);
        } catch (Exception e) {
            if (http != null) {
                http.close();
            }
            if (flight != null) {
                flight.close();
            }
            if (engine != null) {
                engine.close();
            }
            if (ingest != null) {
                ingest.close();
            }
            storage.close();
            throw e;
        }
    }

    public StorageEngine storage() {
        return storage;
    }

    public int httpPort() {
        return http.port();
    }

    public String httpHost() {
        return http.host();
    }

    public int grpcPort() {
        return ingest.grpcPort();
    }

    public int flightPort() {
        return flight.port();
    }

    public QueryEngine queryEngine() {
        return engine;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    public ServerConfig config() {
        return config;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping");
        try {
            http.close();
            try {
                flight.close(); // cancels running result streams, stops Flight DoPut
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ingest.close(); // stops taking batches; those already appended complete as storage closes
            engine.close();
        } finally {
            storage.close(); // flushes every memtable
            stopped.countDown();
            LOG.info("stopped");
        }
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(ServerConfig.helpText());
            return;
        }
        ServerConfig config;
        try {
            config = ServerConfig.load(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("quiver: " + e.getMessage());
            System.exit(2);
            return;
        }
        QuiverServer server;
        try {
            server = start(config);
        } catch (StorageException | IOException e) {
            LOG.error("cannot start: {}", e.getMessage(), e);
            System.err.println("quiver: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        } catch (Exception e) {
            LOG.error("cannot start", e);
            System.err.println("quiver: cannot start: " + e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "quiver-shutdown"));
        String listening = "quiver: listening [http=http://" + server.httpHost() + ':' + server.httpPort()
                + ", grpc=" + server.grpcPort() + ", flight=" + server.flightPort() + ", data=" + config.dataDir().toAbsolutePath().normalize() + ']';
        System.out.println(listening);
        LOG.info(listening);
        try {
            server.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** GET /health: liveness plus a per-table summary. */
    static final class HealthRoutes {
        private final StorageEngine storage;
        private final long startedAt;

        HealthRoutes(StorageEngine storage, long startedAt) {
            this.storage = storage;
            this.startedAt = startedAt;
        }

        List<io.quiver.server.http.HttpRoute> routes() {
            return List.of(new SimpleRoute(HttpMethod.GET, "/health", req -> {
                java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
                List<String> problems = new java.util.ArrayList<>();
                for (var t : storage.tables()) {
                    Throwable err = t.lastBackgroundError();
                    if (err != null) {
                        problems.add(t.name() + ": " + err.getMessage());
                    }
                }
                body.put("status", problems.isEmpty() ? "ok" : "degraded");
                body.put("uptimeMs", System.currentTimeMillis() - startedAt);
                body.put("tables", storage.tableNames().size());
                if (!problems.isEmpty()) {
                    body.put("problems", problems);
                }
                return HttpResponses.json(HttpResponseStatus.OK, body);
            }));
        }
    }
}
