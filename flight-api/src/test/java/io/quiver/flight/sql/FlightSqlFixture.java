package io.quiver.flight.sql;

import io.quiver.flight.ingest.IngestLimits;
import io.quiver.flight.ingest.TableWriter;
import io.quiver.query.QueryConfig;
import io.quiver.query.QueryEngine;
import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A real Flight SQL endpoint on loopback over a real storage engine in a temp directory, plus
 * clients. Closing checks that the server's Arrow memory went back to zero (the root allocator
 * throws on close otherwise).
 */
final class FlightSqlFixture implements AutoCloseable {
    final StorageEngine storage;
    final QueryEngine engine;
    final QuiverFlightServer server;
    final FlightSqlSettings settings;
    final BufferAllocator clientAllocator = new RootAllocator();
    private FlightClient flightClient;
    private FlightSqlClient sqlClient;

    FlightSqlFixture(Path dir, FlightSqlSettings settings) throws IOException {
        this.settings = settings;
        this.storage = StorageEngine.open(dir, new StorageConfig().durability(Durability.NONE));
        StorageQueryCatalog catalog = new StorageQueryCatalog(storage);
        this.engine = new QueryEngine(catalog, QueryConfig.defaults().withParallelism(2));
        TableWriter writer = new TableWriter(storage, IngestLimits.defaults());
        this.server = QuiverFlightServer.start(settings, engine, catalog, writer, "test");
    }

    FlightSqlFixture(Path dir) throws IOException {
        this(dir, FlightSqlSettings.defaults("127.0.0.1", 0));
    }

    /**
     * Creates {@code big(ts TIMESTAMP, id BIGINT, v DOUBLE, s VARCHAR)} with {@code rows} rows:
     * id = row number, v = id / 2, s = "s" + (id % 1000), ts = id seconds after 2024-01-01.
     */
    void loadBig(String table, long rows) {
        try (var r = engine.execute("CREATE TABLE " + table + " (ts TIMESTAMP, id BIGINT, v DOUBLE, s VARCHAR)")) {
            r.updateCount();
        }
        var t = storage.tableOrThrow(table);
        int batchRows = 65_536;
        java.util.List<io.quiver.storage.ColumnDef> cols = t.schema().columns();
        long base = 1_704_067_200_000_000L;
        for (long start = 0; start < rows; start += batchRows) {
            int n = (int) Math.min(batchRows, rows - start);
            io.quiver.storage.vector.RowBatch b = new io.quiver.storage.vector.RowBatch(cols, n);
            for (int i = 0; i < n; i++) {
                long id = start + i;
                b.column(0).appendLong(base + id * 1_000_000L);
                b.column(1).appendLong(id);
                b.column(2).appendDouble(id / 2.0);
                b.column(3).appendString("s" + (id % 1000));
            }
            b.syncRowCount();
            t.append(null, b).join();
        }
    }

    int port() {
        return server.port();
    }

    String jdbcUrl() {
        String url = "jdbc:arrow-flight-sql://127.0.0.1:" + port() + "/?useEncryption=false";
        return settings.authToken().isEmpty() ? url : url + "&token=" + settings.authToken();
    }

    FlightClient flightClient() {
        if (flightClient == null) {
            flightClient = FlightClient.builder(clientAllocator, Location.forGrpcInsecure("127.0.0.1", port())).build();
        }
        return flightClient;
    }

    FlightSqlClient sql() {
        if (sqlClient == null) {
            sqlClient = new FlightSqlClient(flightClient());
        }
        return sqlClient;
    }

    CallOption[] auth() {
        if (settings.authToken().isEmpty()) {
            return new CallOption[0];
        }
        return new CallOption[]{new CredentialCallOption(new BearerCredentialWriter(settings.authToken()))};
    }

    @Override
    public void close() throws Exception {
        try {
            if (sqlClient != null) {
                sqlClient.close();
            } else if (flightClient != null) {
                flightClient.close();
            }
        } finally {
            try {
                server.close();
            } finally {
                engine.close();
                storage.close();
                clientAllocator.close();
            }
        }
    }
}
