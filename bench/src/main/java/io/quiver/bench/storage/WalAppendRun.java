package io.quiver.bench.storage;

import io.quiver.bench.Parallel;
import io.quiver.bench.Progress;
import io.quiver.bench.ResultTable;
import io.quiver.bench.data.EventsChunk;
import io.quiver.bench.data.EventsDataset;
import io.quiver.bench.duckdb.DuckDb;
import io.quiver.bench.duckdb.DuckDbEventsSink;
import io.quiver.storage.Durability;
import io.quiver.storage.vector.RowBatch;
import io.quiver.storage.wal.RowBatchCodec;
import io.quiver.storage.wal.WalAppend;
import io.quiver.storage.wal.WalConfig;
import io.quiver.storage.wal.WalRecordType;
import io.quiver.storage.wal.WalWriter;
import org.HdrHistogram.Histogram;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * WAL append throughput with group commit: {@code threads} appenders, each appending one encoded
 * batch of {@code batchRows} events (the record a client ingest writes) and waiting for its
 * durability future before the next, for {@code seconds}, in each {@link Durability} mode. Counts
 * fsyncs through the file-system facade, so the group-commit factor (appends per fsync) is
 * measured, not inferred. DuckDB beside it: the same batches, one transaction (appender + commit,
 * durable by DuckDB's WAL fsync) per batch, one connection per thread.
 */
final class WalAppendRun {
    private static final int DISTINCT_BATCHES = 64;

    private final Path dir;
    private final List<Durability> modes;
    private final List<Integer> threads;
    private final double seconds;
    private final int batchRows;
    private final boolean duckdb;
    private final String duckdbMemory;
    private final long seed;
    private final Progress progress;

    WalAppendRun(Path dir, List<Durability> modes, List<Integer> threads, double seconds, int batchRows, boolean duckdb,
                 String duckdbMemory, long seed, Progress progress) {
        this.dir = dir;
        this.modes = modes;
        this.threads = threads;
        this.seconds = seconds;
        this.batchRows = batchRows;
        this.duckdb = duckdb;
        this.duckdbMemory = duckdbMemory;
        this.seed = seed;
        this.progress = progress;
    }

    /** Totals of one configuration. */
    private record Outcome(long appends, long bytes, long fsyncs, double seconds, Histogram latencyNanos) {
        double perSecond() {
            return appends / seconds;
        }

        Outcome withoutFsyncs() {
            return new Outcome(appends, bytes, -1, seconds, latencyNanos);
        }
    }

    ResultTable run() throws Exception {
        EventsChunk[] chunks = new EventsChunk[DISTINCT_BATCHES];
        ByteBuffer[] payloads = new ByteBuffer[DISTINCT_BATCHES];
        EventsDataset data = new EventsDataset(seed, (long) DISTINCT_BATCHES * batchRows, 1);
        RowBatch batch = new RowBatch(EventsDataset.COLUMNS, batchRows);
        RowBatchCodec codec = new RowBatchCodec();
        long payloadBytes = 0;
        for (int i = 0; i < DISTINCT_BATCHES; i++) {
            chunks[i] = new EventsChunk(batchRows);
            data.next(chunks[i]);
            EventsDataset.toRowBatch(chunks[i], batch);
            ByteBuffer encoded = codec.encode(batch);
            payloads[i] = ByteBuffer.allocateDirect(encoded.remaining()).put(encoded.duplicate()).flip();
            payloadBytes += payloads[i].remaining();
        }
        ResultTable table = new ResultTable(String.format("WAL append with group commit: %d-event batches, %.0f bytes/record",
                batchRows, (double) payloadBytes / DISTINCT_BATCHES),
                "engine", "mode", "threads", "appends/s", "M rows/s", "MB/s", "fsyncs/s", "appends/fsync",
                "p50 us", "p99 us", "p99.9 us");
        Map<Integer, Outcome> quiverFsync = new HashMap<>();
        for (Durability mode : modes) {
            for (int t : threads) {
                Outcome o = quiver(mode, t, payloads);
                progress.say("wal: Quiver %s, %d thread(s): %.0f appends/s, %.1f appends per fsync", mode, t, o.perSecond(),
                        o.fsyncs == 0 ? 0.0 : (double) o.appends / o.fsyncs);
                // NONE never fsyncs the WAL (its only fsyncs are file-creation directory syncs): no group-commit factor
                add(table, "Quiver WalWriter", mode.name(), t, mode == Durability.NONE ? o.withoutFsyncs() : o);
                if (mode == Durability.FSYNC) {
                    quiverFsync.put(t, o);
                }
            }
        }
        if (duckdb) {
            for (int t : threads) {
                Outcome o = duckDb(t, chunks);
                progress.say("wal: DuckDB commit per batch, %d thread(s): %.0f commits/s", t, o.perSecond());
                add(table, "DuckDB commit/batch", "durable", t, o);
                Outcome q = quiverFsync.get(t);
                if (q != null) {
                    table.note("Quiver FSYNC / DuckDB durable commits at %d thread(s): %s (throughput), p99 latency %s",
                            t, ResultTable.ratio(q.perSecond(), o.perSecond()),
                            ResultTable.ratio(q.latencyNanos.getValueAtPercentile(99), o.latencyNanos.getValueAtPercentile(99)));
                }
            }
        }
        table.note("each appender thread waits for its batch's durability future (its ack) before sending the next; %.1f s per configuration",
                seconds);
        table.note("records: %d distinct %d-event batches of the events dataset, encoded with RowBatchCodec (the table's WAL payload)",
                DISTINCT_BATCHES, batchRows);
        table.note("WAL: WalConfig.defaults() (group commit %d us, sync threshold %d KiB) with the mode changed; fsyncs counted at the FilesFacade",
                WalConfig.GROUP_COMMIT_INTERVAL_US_DEFAULT, WalConfig.SYNC_THRESHOLD_BYTES_DEFAULT >> 10);
        table.note("fsyncs include directory fsyncs when a WAL file is created (NONE has only those)");
        table.note("DuckDB: one connection per thread, auto-commit off, appender.flush() + commit() per batch (its WAL is fsynced at commit)");
        return table;
    }

    private Outcome quiver(Durability mode, int threadCount, ByteBuffer[] payloads) throws Exception {
        Path walDir = Files.createDirectories(dir.resolve("wal-" + mode + "-" + threadCount));
        CountingFilesFacade fs = new CountingFilesFacade();
        WalConfig cfg = WalConfig.defaults().withDurability(mode).withMaxTotalBytes(Long.MAX_VALUE / 4);
        Histogram[] latency = histograms(threadCount);
        LongAdder appends = new LongAdder();
        LongAdder bytes = new LongAdder();
        long deadline;
        long nanos;
        long fsyncsBefore;
        try (WalWriter wal = WalWriter.open(fs, walDir, cfg, 1)) {
            fsyncsBefore = fs.fsyncs.sum();
            deadline = System.nanoTime() + (long) (seconds * 1e9);
            nanos = Parallel.run(threadCount, t -> {
                ByteBuffer[] mine = new ByteBuffer[payloads.length];
                for (int i = 0; i < mine.length; i++) {
                    mine[i] = payloads[i].duplicate();
                }
                long n = 0;
                long b = 0;
                int next = t;
                while (System.nanoTime() < deadline) {
                    ByteBuffer p = mine[next++ % mine.length];
                    long t0 = System.nanoTime();
                    WalAppend a = wal.append(WalRecordType.DATA, p);
                    a.durable().join();
                    latency[t].recordValue(Math.max(1, System.nanoTime() - t0));
                    n++;
                    b += p.remaining();
                    if ((n & 1023) == 0) {
                        // BATCH and NONE run at page-cache speed: keep the scratch disk from filling up
                        maybeTrim(wal);
                    }
                }
                appends.add(n);
                bytes.add(b);
            });
        }
        long fsyncs = fs.fsyncs.sum() - fsyncsBefore;
        DiskUsage.deleteRecursively(walDir);
        return new Outcome(appends.sum(), bytes.sum(), fsyncs, nanos / 1e9, merge(latency));
    }

    /** Drops WAL files once over 1 GiB, as a table does after a flush. */
    private static void maybeTrim(WalWriter wal) {
        if (wal.totalBytes() > (1L << 30)) {
            synchronized (wal) {
                if (wal.totalBytes() > (1L << 30)) {
                    wal.deleteFilesUpTo(wal.rollover());
                }
            }
        }
    }

    private Outcome duckDb(int threadCount, EventsChunk[] chunks) throws Exception {
        Path duckDir = Files.createDirectories(dir.resolve("duckdb-" + threadCount));
        Histogram[] latency = histograms(threadCount);
        LongAdder commits = new LongAdder();
        long nanos;
        try (DuckDBConnection main = DuckDb.open(duckDir.resolve("wal.duckdb"), Math.max(1, threadCount), duckdbMemory)) {
            DuckDb.execute(main, EventsDataset.duckDbCreateTable("events"));
            List<DuckDBConnection> connections = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                DuckDBConnection c = (DuckDBConnection) main.duplicate();
                c.setAutoCommit(false);
                connections.add(c);
            }
            try {
                nanos = Parallel.run(threadCount, t -> {
                    DuckDBConnection c = connections.get(t);
                    long n = 0;
                    int next = t;
                    // an Appender is confined to the thread that created it
                    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "events")) {
                        long deadline = System.nanoTime() + (long) (seconds * 1e9);
                        while (System.nanoTime() < deadline) {
                            long t0 = System.nanoTime();
                            DuckDbEventsSink.appendRows(a, chunks[next++ % chunks.length]);
                            a.flush();
                            c.commit();
                            latency[t].recordValue(Math.max(1, System.nanoTime() - t0));
                            n++;
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException("DuckDB commit failed", e);
                    }
                    commits.add(n);
                });
            } finally {
                for (DuckDBConnection c : connections) {
                    c.close();
                }
            }
        }
        long walBytes = 0; // DuckDB's WAL bytes are not observable from here
        DiskUsage.deleteRecursively(duckDir);
        return new Outcome(commits.sum(), walBytes, -1, nanos / 1e9, merge(latency));
    }

    private static Histogram[] histograms(int n) {
        Histogram[] h = new Histogram[n];
        for (int i = 0; i < n; i++) {
            h[i] = new Histogram(3_600_000_000_000L, 3);
        }
        return h;
    }

    private static Histogram merge(Histogram[] hs) {
        Histogram all = new Histogram(3_600_000_000_000L, 3);
        for (Histogram h : hs) {
            all.add(h);
        }
        return all;
    }

    private void add(ResultTable table, String engine, String mode, int threadCount, Outcome o) {
        Histogram h = o.latencyNanos;
        table.row(engine, mode, threadCount, String.format("%,.0f", o.perSecond()),
                ResultTable.fixed(o.perSecond() * batchRows / 1e6, 2),
                o.bytes > 0 ? ResultTable.fixed(o.bytes / o.seconds / 1e6, 1) : "-",
                o.fsyncs >= 0 ? String.format("%,.0f", o.fsyncs / o.seconds) : "-",
                o.fsyncs > 0 ? ResultTable.fixed((double) o.appends / o.fsyncs, 1) : "-",
                micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)), micros(h.getValueAtPercentile(99.9)));
    }

    private static String micros(long nanos) {
        return ResultTable.fixed(nanos / 1e3, nanos < 10_000 ? 1 : 0);
    }
}
