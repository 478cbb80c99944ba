package io.quiver.bench.duckdb;

import io.quiver.bench.data.EventsChunk;
import io.quiver.bench.data.EventsDataset;
import io.quiver.bench.data.EventsSink;
import io.quiver.bench.storage.DiskUsage;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads events into a DuckDB database file through its JDBC Appender inside one transaction, then
 * commits and CHECKPOINTs. (In auto-commit mode every appender flush of 2048 rows is a commit with
 * its own WAL fsync: 100x slower, and not how anyone bulk-loads DuckDB.)
 */
public final class DuckDbEventsSink implements EventsSink {
    private final Path dir;
    private final DuckDBConnection connection;
    private DuckDBAppender appender;
    private long nanos;

    public DuckDbEventsSink(Path dir, String table, int threads, String memoryLimit) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir);
        connection = DuckDb.open(dir.resolve("events.duckdb"), threads, memoryLimit);
        DuckDb.execute(connection, EventsDataset.duckDbCreateTable(table));
        connection.setAutoCommit(false);
        appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
    }

    @Override
    public String name() {
        return "DuckDB";
    }

    @Override
    public void append(EventsChunk c) throws Exception {
        long t0 = System.nanoTime();
        appendRows(appender, c);
        nanos += System.nanoTime() - t0;
    }

    /** Appends the chunk's rows, row by row (the Appender's API), with NULLs where the chunk has them. */
    public static void appendRows(DuckDBAppender a, EventsChunk c) throws java.sql.SQLException {
        for (int i = 0, n = c.rows(); i < n; i++) {
            a.beginRow();
            a.appendEpochMicros(c.ts[i]);
            a.append(c.userId[i]);
            a.append(c.sessionId[i]);
            a.append(EventsDataset.EVENT_TYPES.string(c.eventType[i]));
            a.append(EventsDataset.URLS.string(c.url[i]));
            if (c.country[i] < 0) {
                a.appendNull();
            } else {
                a.append(EventsDataset.COUNTRIES.string(c.country[i]));
            }
            a.append(EventsDataset.DEVICES.string(c.device[i]));
            a.append(c.httpStatus[i]);
            a.append(c.durationMs[i]);
            if (c.valueNull[i]) {
                a.appendNull();
            } else {
                a.append(c.value[i]);
            }
            a.append(c.isBot[i]);
            a.endRow();
        }
    }

    @Override
    public void finish() throws Exception {
        long t0 = System.nanoTime();
        appender.close();
        appender = null;
        connection.commit();
        connection.setAutoCommit(true);
        DuckDb.execute(connection, "CHECKPOINT");
        nanos += System.nanoTime() - t0;
    }

    @Override
    public long loadNanos() {
        return nanos;
    }

    @Override
    public long bytesOnDisk() throws Exception {
        return DiskUsage.bytes(dir);
    }

    /** DuckDB's compression choice per column: "column: Compression xN, ..." from pragma storage_info. */
    public String compressionByColumn(String table) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (var s = connection.createStatement();
             var rs = s.executeQuery("SELECT column_name, compression, count(*) FROM pragma_storage_info('" + table
                     + "') WHERE segment_type <> 'VALIDITY' GROUP BY ALL ORDER BY min(column_id), 3 DESC")) {
            String last = null;
            while (rs.next()) {
                String col = rs.getString(1);
                if (!col.equals(last)) {
                    sb.append(last == null ? "" : "; ").append(col).append(": ");
                    last = col;
                } else {
                    sb.append(", ");
                }
                sb.append(rs.getString(2)).append(" x").append(rs.getLong(3));
            }
        }
        return sb.toString();
    }

    public DuckDBConnection connection() {
        return connection;
    }

    @Override
    public void close() throws Exception {
        if (appender != null) {
            appender.close();
        }
        connection.close();
    }
}
