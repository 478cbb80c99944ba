package io.quiver.bench.data;

import io.quiver.storage.StorageException;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.duckdb.DuckDBAppender;

import java.sql.SQLException;

/** Loading the same generated batches into the storage engine and into DuckDB, for benchmarks that compare the two. */
public final class BatchLoads {
    private BatchLoads() {
    }

    /** Appends and waits for the ack; while the table's memtables are full (its flush is behind), waits and retries. */
    public static void appendWithBackoff(Table t, RowBatch batch) throws InterruptedException {
        while (true) {
            try {
                t.append(null, batch).join(); // before the batch is refilled
                return;
            } catch (StorageException e) {
                if (e.kind() != StorageException.Kind.RESOURCE_EXHAUSTED) {
                    throw e;
                }
                Thread.sleep(20); // memtables full: the background flush is behind
            }
        }
    }

    /** Fills a batch with up to {@code max} generated rows; returns how many (0 when done). */
    @FunctionalInterface
    public interface BatchSource {
        int next(RowBatch into, int max);
    }

    /** Time spent loading each engine, in nanoseconds. */
    public record LoadTimes(long quiverNanos, long duckNanos) {
    }

    /**
     * Loads every batch {@code source} generates into both the table (waiting while its memtables are
     * full) and DuckDB's appender, timing each engine's share and reporting progress every 10 s;
     * flushes the appender at the end (its time counts for DuckDB). Commits and checkpoints are the
     * caller's.
     */
    public static LoadTimes loadBoth(Table table, DuckDBAppender duck, BatchSource source, RowBatch batch, int chunkRows,
                                     long totalRows, io.quiver.bench.Progress progress) throws InterruptedException, SQLException {
        long quiverNanos = 0;
        long duckNanos = 0;
        long loaded = 0;
        long lastReport = System.nanoTime();
        int n;
        while ((n = source.next(batch, chunkRows)) > 0) {
            long t0 = System.nanoTime();
            appendWithBackoff(table, batch);
            long t1 = System.nanoTime();
            appendToDuckDb(duck, batch);
            long t2 = System.nanoTime();
            quiverNanos += t1 - t0;
            duckNanos += t2 - t1;
            loaded += n;
            if (t2 - lastReport > 10_000_000_000L) {
                progress.say("loaded %,d of %,d rows", loaded, totalRows);
                lastReport = t2;
            }
        }
        long t0 = System.nanoTime();
        duck.flush();
        return new LoadTimes(quiverNanos, duckNanos + System.nanoTime() - t0);
    }

    /** Appends a batch row by row through DuckDB's Appender, NULLs included. */
    public static void appendToDuckDb(DuckDBAppender a, RowBatch b) throws SQLException {
        int n = b.rowCount();
        int cols = b.columnCount();
        for (int r = 0; r < n; r++) {
            a.beginRow();
            for (int c = 0; c < cols; c++) {
                ColumnVector v = b.column(c);
                if (v.isNull(r)) {
                    a.appendNull();
                    continue;
                }
                switch (v.type()) {
                    case TIMESTAMP -> a.appendEpochMicros(v.longs[r]);
                    case DATE -> a.appendEpochDays((int) v.longs[r]);
                    case INT -> a.append((int) v.longs[r]);
                    case SMALLINT -> a.append((short) v.longs[r]);
                    case BOOLEAN -> a.append(v.longs[r] != 0);
                    case DOUBLE -> a.append(v.doubles[r]);
                    case VARCHAR -> a.append(v.getString(r));
                    default -> a.append(v.longs[r]);
                }
            }
            a.endRow();
        }
    }
}
