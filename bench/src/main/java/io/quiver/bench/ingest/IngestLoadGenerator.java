package io.quiver.bench.ingest;

import io.quiver.bench.BenchContext;
import io.quiver.bench.Progress;
import io.quiver.bench.ResultTable;
import io.quiver.client.QuiverClient;
import io.quiver.server.QuiverServer;
import io.quiver.server.config.ServerConfig;
import org.HdrHistogram.Histogram;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The ingest load generator: starts a server in-process (or connects to one), pushes a realistic
 * 11-column event stream from N threads through one door (gRPC client, HTTP NDJSON or Flight DoPut)
 * for a duration or a row count, flat out or at a fixed rate, printing progress every second and,
 * at the end, events/s and ack latency percentiles (HdrHistogram; with a rate, measured from each
 * event's scheduled time, which corrects for coordinated omission). Then it loads the same events
 * (same seeds, same counts) into DuckDB through its Appender, as the peer to compare with.
 *
 * <pre>
 * java -cp 'bench/target/quiver-bench-*.jar:bench/target/lib/*' [JVM flags] io.quiver.bench.ingest.IngestLoadGenerator \
 *      --door=grpc --threads=2 --duration=20
 * </pre>
 */
public final class IngestLoadGenerator {
    private static final long START_MICROS = 1_795_392_000_000_000L; // 2026-11-23T00:00:00Z
    /** With --rate: shortest sleep between bursts of due events (see the run loop). */
    private static final long PACING_NANOS = 1_000_000;

    private IngestLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, new BenchContext(System.out, new Progress(System.err))));
    }

    /** Runs one load; figures as a Markdown table on {@code ctx.out()}, progress on stderr. Returns the exit code. */
    public static int run(String[] args, BenchContext ctx) throws Exception {
        LoadOptions o = LoadOptions.parse(args);
        Progress progress = ctx.progress();
        QuiverServer server = null;
        Path tmp = null;
        String host = o.host();
        int grpc = o.grpcPort();
        int http = o.httpPort();
        int flight = o.flightPort();
        if (o.embedded()) {
            tmp = o.dataDir().isEmpty() ? Files.createTempDirectory("quiver-bench") : Path.of(o.dataDir());
            server = QuiverServer.start(ServerConfig.load(new String[]{"--data.dir=" + tmp.resolve("quiver"), "--http.port=0",
                    "--grpc.port=0", "--flight.port=0", "--storage.durability=" + o.durability()}, Map.of()));
            host = "127.0.0.1";
            grpc = server.grpcPort();
            http = server.httpPort();
            flight = server.flightPort();
        }
        progress.say("ingest-load: door=%s threads=%d %s rate=%s batchRows=%d inFlight=%d server=%s durability=%s",
                o.door(), o.threads(), o.rows() > 0 ? "rows=" + o.rows() : "duration=" + o.durationSeconds() + "s",
                o.rate() == 0 ? "flat-out" : o.rate() + "/s", o.batchRows(), o.inFlight(),
                o.embedded() ? "in-process" : host + ":" + grpc, o.embedded() ? o.durability() : "(server's)");
        ResultTable figures = new ResultTable("Ingest load: door " + o.door() + ", " + o.threads() + " threads, "
                + (o.rate() == 0 ? "flat out" : o.rate() + " events/s") + ", " + o.batchRows() + "-row batches, "
                + o.inFlight() + " in flight per thread" + (o.door().equals("grpc") ? (o.api().equals("columns") ? ", columnar batches" : ", row builder, linger " + o.lingerMs() + " ms") : "") + ", server " + (o.embedded() ? "in-process, durability " + o.durability()
                : host + ":" + grpc), "engine", "events", "seconds", "events/s", "ack p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
                "max ms", "client CPU us/event");
        LoadResult result;
        try (QuiverClient client = QuiverClient.builder(host, grpc).build();
             BufferAllocator allocator = new RootAllocator()) {
            long created = System.nanoTime();
            client.createTable(eventsTable(o.table()), true); // table creation is a one-off: keep it out of the timed run
            progress.say("table ready in %.2f s", (System.nanoTime() - created) / 1e9);
            result = run(o, client, allocator, host, http, flight, progress, figures);
        } finally {
            if (server != null) {
                server.close();
            }
        }
        if (o.duckdb()) {
            Path duck = (tmp != null ? tmp : Files.createTempDirectory("quiver-bench")).resolve("duck.db");
            double duckRate = duckdb(o, result.perThread(), duck, progress, figures);
            figures.note("Quiver/DuckDB events/s: %s (DuckDB: the same events through its JDBC Appender, one connection per "
                    + "thread, committed and checkpointed; no network, no WAL fsync per batch)", ResultTable.ratio(result.eventsPerSecond(), duckRate));
        }
        figures.note("Latency %s.", o.rate() > 0 ? "from each event's scheduled send time (corrected for coordinated omission)"
                : "from each event's add time (flat out: bounded by the in-flight window)");
        figures.print(ctx.out());
        return 0;
    }

    /** Events each thread sent (DuckDB loads the same), and the acknowledged events/s counted. */
    private record LoadResult(long[] perThread, double eventsPerSecond) {
    }

    private static LoadResult run(LoadOptions o, QuiverClient client, BufferAllocator allocator, String host, int http, int flight,
                              Progress progress, ResultTable figures) throws Exception {
        LatencyRecorder latency = new LatencyRecorder();
        LongAdder sent = new LongAdder();
        LongAdder measured = new LongAdder();
        LongAdder retries = new LongAdder();
        AtomicLong budget = new AtomicLong(o.rows() > 0 ? o.rows() : Long.MAX_VALUE);
        long start = System.nanoTime();
        long end = o.rows() > 0 ? Long.MAX_VALUE : start + o.durationSeconds() * 1_000_000_000L;
        long[] perThread = new long[o.threads()];
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < o.threads(); t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().name("load-" + t).start(() -> {
                EventGenerator gen = new EventGenerator(o.seed() + thread, START_MICROS);
                long periodNanos = o.rate() > 0 ? Math.max(1, 1_000_000_000L * o.threads() / o.rate()) : 0;
                long n = 0;
                long counted = 0;
                try (EventSender s = sender(o, client, allocator, host, http, flight, latency, thread)) {
                    while (System.nanoTime() < end && budget.getAndDecrement() > 0) {
                        long intended;
                        if (periodNanos > 0) {
                            intended = start + n * periodNanos;
                            long wait;
                            if ((wait = intended - System.nanoTime()) > 0) {
                                // Sleep at least PACING_NANOS and then send every event that fell due
                                // meanwhile: parking per event (every 40 us at 50k/s on 2 threads) cost
                                // the client ~9 us of CPU per event on the cores the server needs.
                                // Events go out at most that much late, which their latency (measured
                                // from the scheduled time) includes.
                                LockSupport.parkNanos(Math.max(wait, PACING_NANOS));
                            }
                        } else {
                            intended = System.nanoTime();
                        }
                        gen.next();
                        s.send(gen, intended);
                        n++;
                        if (intended - latency.measureFromNanos() >= 0) {
                            counted++;
                        }
                        if ((n & 1023) == 0) {
                            sent.add(1024);
                        }
                    }
                    s.flush();
                    retries.add(s.retries());
                } catch (Throwable e) {
                    failures.add(e);
                }
                perThread[thread] = n;
                measured.add(counted);
            }));
        }
        long lastSent = 0;
        long lastTime = start;
        long measureStart = start;
        long cpuStart = processCpuNanos();
        long gcStart = gcMillis();
        if (o.warmupSeconds() == 0) {
            latency.measureFrom(start);
        }
        while (threads.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(o.progressMs());
            long now = System.nanoTime();
            if (o.warmupSeconds() > 0 && latency.measureFromNanos() == Long.MIN_VALUE && now - start >= o.warmupSeconds() * 1_000_000_000L) {
                measureStart = now;
                cpuStart = processCpuNanos();
                gcStart = gcMillis();
                latency.measureFrom(now);
                progress.say("warm-up over: counting from here");
            }
            long s = sent.sum();
            Histogram h = latency.interval();
            progress.say("sent %,12d  %,10.0f ev/s  ack p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms", s, (s - lastSent) / ((now - lastTime) / 1e9),
                    ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
            lastSent = s;
            lastTime = now;
        }
        if (!failures.isEmpty()) {
            failures.getFirst().printStackTrace();
            throw new IllegalStateException("load failed: " + failures.getFirst());
        }
        long total = measured.sum();
        long measuredNanos = System.nanoTime() - measureStart;
        long cpu = processCpuNanos() - cpuStart;
        Histogram h = latency.total();
        double seconds = measuredNanos / 1e9;
        double rate = total / seconds;
        figures.row("Quiver (" + o.door() + ")", String.format("%,d", total), ResultTable.fixed(seconds, 2), String.format("%,.0f", rate),
                ResultTable.fixed(ms(h.getValueAtPercentile(50)), 2), ResultTable.fixed(ms(h.getValueAtPercentile(90)), 2),
                ResultTable.fixed(ms(h.getValueAtPercentile(99)), 2), ResultTable.fixed(ms(h.getValueAtPercentile(99.9)), 2),
                ResultTable.fixed(ms(h.getMaxValue()), 2), ResultTable.fixed(total == 0 ? 0 : cpu / 1e3 / total, 2));
        figures.note("Quiver: acknowledged (durable) events%s; client GC %d ms; %,d batches resent after a transient refusal "
                        + "(server busy or memtable full) over the whole run.",
                o.warmupSeconds() > 0 ? " after " + o.warmupSeconds() + " s of warm-up" : "", gcMillis() - gcStart, retries.sum());
        return new LoadResult(perThread, rate);
    }

    private static EventSender sender(LoadOptions o, QuiverClient client, BufferAllocator allocator, String host, int http, int flight,
                                      LatencyRecorder latency, int thread) {
        return switch (o.door()) {
            case "grpc" -> o.api().equals("columns") ? new ColumnarGrpcSender(client, o.table(), o, latency)
                    : new GrpcSender(client, o.table(), o, latency);
            case "http" -> new HttpSender(host, http, o.table(), o, latency);
            case "flight" -> new FlightSender(allocator, host, flight, o.table(), o, latency, thread);
            default -> throw new IllegalArgumentException("unknown door [door=" + o.door() + ", expected grpc, http or flight]");
        };
    }

    static io.quiver.client.TableDefinition eventsTable(String name) {
        return new io.quiver.client.TableDefinition(name, List.of(
                io.quiver.client.ColumnDefinition.of("ts", io.quiver.client.ColumnType.TIMESTAMP),
                io.quiver.client.ColumnDefinition.of("user_id", io.quiver.client.ColumnType.BIGINT),
                io.quiver.client.ColumnDefinition.of("session_id", io.quiver.client.ColumnType.VARCHAR),
                io.quiver.client.ColumnDefinition.of("event_type", io.quiver.client.ColumnType.VARCHAR),
                io.quiver.client.ColumnDefinition.of("url", io.quiver.client.ColumnType.VARCHAR),
                io.quiver.client.ColumnDefinition.of("country", io.quiver.client.ColumnType.VARCHAR),
                io.quiver.client.ColumnDefinition.of("device", io.quiver.client.ColumnType.VARCHAR),
                io.quiver.client.ColumnDefinition.of("value", io.quiver.client.ColumnType.DOUBLE),
                io.quiver.client.ColumnDefinition.of("duration_ms", io.quiver.client.ColumnType.INT),
                io.quiver.client.ColumnDefinition.of("is_mobile", io.quiver.client.ColumnType.BOOLEAN),
                io.quiver.client.ColumnDefinition.of("is_new_user", io.quiver.client.ColumnType.BOOLEAN)), "ts", List.of(), "DAY", 0);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long gcMillis() {
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** The same events (same seeds and per-thread counts) into DuckDB through its Appender, one connection per thread. */
    private static double duckdb(LoadOptions o, long[] perThread, Path file, Progress progress, ResultTable figures) throws Exception {
        progress.say("DuckDB: loading the same events through its Appender");
        try (DuckDBConnection conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file)) {
            try (Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE events (ts TIMESTAMP, user_id BIGINT, session_id VARCHAR, event_type VARCHAR, url VARCHAR, "
                        + "country VARCHAR, device VARCHAR, value DOUBLE, duration_ms INTEGER, is_mobile BOOLEAN, is_new_user BOOLEAN)");
            }
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < perThread.length; t++) {
                int thread = t;
                DuckDBConnection c = (DuckDBConnection) conn.duplicate();
                threads.add(Thread.ofPlatform().start(() -> {
                    EventGenerator gen = new EventGenerator(o.seed() + thread, START_MICROS);
                    try (c; DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "events")) {
                        for (long i = 0; i < perThread[thread]; i++) {
                            gen.next();
                            a.beginRow().appendEpochMicros(gen.tsMicros).append(gen.userId).append(gen.sessionId).append(gen.eventType)
                                    .append(gen.url).append(gen.country).append(gen.device).append(gen.value).append((int) gen.durationMs)
                                    .append(gen.isMobile).append(gen.isNewUser).endRow();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("DuckDB load failed", failures.getFirst());
            }
            try (Statement st = conn.createStatement()) {
                st.execute("CHECKPOINT");
            }
            long elapsed = System.nanoTime() - start;
            long total = java.util.Arrays.stream(perThread).sum();
            double seconds = elapsed / 1e9;
            figures.row("DuckDB (Appender)", String.format("%,d", total), ResultTable.fixed(seconds, 2),
                    String.format("%,.0f", total / seconds), "-", "-", "-", "-", "-", "-");
            return total / seconds;
        }
    }
}
