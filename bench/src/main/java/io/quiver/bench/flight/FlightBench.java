package io.quiver.bench.flight;

import io.quiver.bench.data.BatchLoads;
import io.quiver.bench.BenchContext;
import io.quiver.bench.BenchEnvironment;
import io.quiver.bench.Options;
import io.quiver.bench.Progress;
import io.quiver.bench.ResultTable;
import io.quiver.bench.duckdb.DuckDb;
import io.quiver.client.query.FlightChannels;
import io.quiver.client.query.FlightReadPath;
import io.quiver.server.QuiverServer;
import io.quiver.server.config.ServerConfig;
import io.quiver.storage.Durability;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Flight result-stream benchmark: a 10-column table ({@link WideSelectDataset}) loaded in one
 * run into a real Quiver server (its storage engine, flushed to segments on disk; the server's own
 * Flight SQL endpoint on a free loopback port) and into DuckDB, then {@code SELECT <10 columns>}
 * read in full (a) by Arrow's FlightSqlClient, (b) by the Flight SQL JDBC driver and (c) by DuckDB's
 * JDBC driver: one cold read of each, then path by path its warm-up reads and the best of
 * {@code --hot} hot reads. Every read must return every row with the same checksum.
 */
public final class FlightBench {
    static final String USAGE = """
              --rows N           rows in the table (default 10m)
              --seed S           data seed (default 20261123)
              --hot N            hot reads per path (default 3; the best counts)
              --warmup N         reads per path after the cold one and before the hot ones, not counted (default 8): the
                                 JIT compiles the stream's code for ~15 reads of 10 M rows (its CPU shows as "JIT" per read),
                                 so the hot reads measure a warmed-up server, as a long-running one is (0 with --warmup-jit=0: the old figures)
              --warmup-jit P     after those, more warm-up reads of a path until the JIT compilers took at most P% of its
                                 read's CPU 3 reads in a row (server and client JVM together; default 5; 0 = exactly --warmup)
              --warmup-max N     at most this many warm-up reads per path (default 40)
              --dir PATH         where the Quiver data dir and the DuckDB file go (default a new temp directory, deleted after)
              --duckdb-memory M  DuckDB's memory_limit (default 8GB)
              --client-window B  HTTP/2 receive window of the Arrow client, bytes (default 0 = gRPC's: 1 MiB, auto-tuned)
              --client-frame B   HTTP/2 max frame size the Arrow client announces, on client-java's FlightChannels channel
                                 (default 262144; 0 = Arrow's stock client: 16 KiB frames, gRPC's merging cumulation)
              --paths LIST       which reads to time: flight,jdbc,duckdb (default all three)
              --client MODE      where FlightSqlClient runs: process (default: a child JVM, same java, flags and class path, as a
                                 BI tool is another process; its JIT profiles are its own) or inprocess (in the server's JVM)
              --client-heap S    the child client JVM's heap (default 1g; Arrow buffers are off-heap); QUIVER_CLIENT_JAVA_OPTS adds JVM options to it only
              --keep             keep the directory
              --reuse            with --dir: use the tables already loaded there (for profiling runs)""";
    private static final int CHUNK_ROWS = 65_536;
    private static final String FLIGHT_PATH = "Quiver: FlightSqlClient DoGet";
    private static final String JDBC_PATH = "Quiver: Flight SQL JDBC driver";
    private static final String DUCKDB_PATH = "DuckDB: JDBC (in-process)";

    private FlightBench() {
    }

    /** One read path's figures; {@code warmups} uncounted reads came before its hot ones. */
    private record PathResult(String name, StreamTally cold, StreamTally hot, double loadAverage, List<StreamTally> reads, int warmups) {
    }

    /**
     * How many warm-up reads a path gets: at least {@code min}; then more until the JIT compilers'
     * share of its read's CPU was at most {@code maxJitShare} {@link #QUIET_READS} reads in a row,
     * up to {@code max} reads. A fixed count left the JIT compiling through the hot reads
     * (0.1-0.2 CPU-s of a ~1.7 CPU-s read after 8 warm-ups, on two cores), so the hot reads measured
     * C2 as much as the stream; and C2 works in bursts (a read at 4% between reads at 25%), so one
     * quiet read does not mean it is done.
     */
    record WarmupRule(int min, int max, double maxJitShare) {
        static final int QUIET_READS = 3;

        /** After {@code reads} warm-up reads, the last {@code quietStreak} of them quiet. */
        boolean done(int reads, int quietStreak) {
            return reads >= max || reads >= min && (maxJitShare == 0 || quietStreak >= QUIET_READS);
        }

        /** Whether a read left the JIT under the share. */
        boolean quiet(StreamTally read) {
            return jitShare(read) <= maxJitShare;
        }

        /** The part of a read's CPU (both JVMs' when the client is a child process) that the JIT compilers took. */
        static double jitShare(StreamTally t) {
            double jit = t.threadCpu().entrySet().stream().filter(e -> e.getKey().endsWith("JIT")).mapToDouble(Map.Entry::getValue).sum();
            return t.cpuNanos() > 0 ? jit / (t.cpuNanos() / 1e9) : 0;
        }
    }

    static int run(String[] args, BenchContext ctx) throws Exception {
        // as Quiver's own query client does; before the server and client below load Arrow's ArrowMessage
        boolean singleCopyRead = FlightReadPath.useSingleCopyRead();
        Options o = Options.parse(args);
        long rows = o.size("rows", 10_000_000);
        long seed = o.size("seed", 20261123);
        int hot = o.intValue("hot", 3);
        int warmup = o.intValue("warmup", 8);
        int warmupJitPercent = o.intValue("warmup-jit", 5);
        int warmupMax = o.intValue("warmup-max", 40);
        String dirOpt = o.string("dir", null);
        String duckMemory = o.string("duckdb-memory", DuckDb.MEMORY_LIMIT_DEFAULT);
        boolean keep = o.flag("keep");
        boolean reuse = o.flag("reuse");
        int clientWindow = o.intValue("client-window", 0);
        int clientFrame = o.intValue("client-frame", FlightChannels.MAX_FRAME_SIZE);
        List<String> paths = o.list("paths", "flight,jdbc,duckdb");
        String clientMode = o.string("client", "process");
        String clientHeap = o.string("client-heap", "1g");
        o.rejectUnused();
        if (!clientMode.equals("process") && !clientMode.equals("inprocess")) {
            throw new IllegalArgumentException("--client takes process or inprocess, got " + clientMode);
        }
        boolean childClient = clientMode.equals("process");
        if (paths.isEmpty() || !List.of("flight", "jdbc", "duckdb").containsAll(paths)) {
            throw new IllegalArgumentException("--paths takes flight, jdbc and/or duckdb, got " + paths);
        }
        if (rows <= 0 || hot <= 0 || warmup < 0 || warmupJitPercent < 0) {
            throw new IllegalArgumentException("--rows and --hot must be positive, --warmup and --warmup-jit not negative");
        }
        if (warmupMax < warmup) {
            throw new IllegalArgumentException("--warmup-max (" + warmupMax + ") is below --warmup (" + warmup + ")");
        }
        WarmupRule warmupRule = new WarmupRule(warmup, warmupJitPercent == 0 ? warmup : warmupMax, warmupJitPercent / 100.0);
        Path dir = dirOpt == null ? Files.createTempDirectory("quiver-flightbench") : Path.of(dirOpt);
        Progress p = ctx.progress();
        p.say("flight bench: %,d rows, seed %d, dir %s, Flight single-copy read %s, Arrow client %s, %s", rows, seed, dir,
                singleCopyRead ? "on" : "off", clientFrame > 0 ? "on FlightChannels (max frame " + clientFrame + " bytes)" : "stock",
                childClient ? "in a child JVM (heap " + clientHeap + ")" : "in the server's JVM");
        List<PathResult> results = new ArrayList<>();
        String duckVersion;
        String flightJdbcUrl;
        int segments;
        try (QuiverServer server = QuiverServer.start(ServerConfig.load(new String[]{"--data.dir=" + dir.resolve("quiver"),
                "--flight.host=127.0.0.1", "--flight.port=0", "--http.port=0", "--grpc.port=0", "--storage.durability=none",
                "--query.result.max.rows=0"}, Map.of()));
             DuckDBConnection duck = DuckDb.open(dir.resolve("duck.duckdb"), BenchEnvironment.cores(), duckMemory)) {
            duckVersion = DuckDb.version(duck);
            p.say("Quiver server up (Flight SQL on 127.0.0.1:%d), DuckDB %s open", server.flightPort(), duckVersion);
            segments = reuse && server.storage().table(WideSelectDataset.TABLE).isPresent()
                    ? server.storage().tableOrThrow(WideSelectDataset.TABLE).segments().size()
                    : load(server, duck, rows, seed, p);
            flightJdbcUrl = "jdbc:arrow-flight-sql://127.0.0.1:" + server.flightPort() + "/?useEncryption=false";
            boolean flightPath = paths.contains("flight");
            try (FlightSqlStreamReader flight = flightPath && !childClient
                    ? new FlightSqlStreamReader("127.0.0.1", server.flightPort(), clientWindow, clientFrame) : null;
                 ChildFlightReader child = flightPath && childClient
                         ? new ChildFlightReader("127.0.0.1", server.flightPort(), clientWindow, clientFrame, clientHeap, clientJavaOptions()) : null;
                 Connection jdbc = DriverManager.getConnection(flightJdbcUrl)) {
                results = measure(flight, child, jdbc, duck, paths, warmupRule, hot, p);
            }
        } finally {
            if (!keep && dirOpt == null) {
                io.quiver.bench.storage.DiskUsage.deleteRecursively(dir);
            }
        }
        String problem = check(results, rows);
        report(ctx, results, rows, warmupRule, hot, segments, duckVersion, childClient);
        if (problem != null) {
            p.say("FAILED: %s", problem);
            return 1;
        }
        return 0;
    }

    private static List<String> clientJavaOptions() {
        String opts = System.getenv("QUIVER_CLIENT_JAVA_OPTS");
        return opts == null || opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
    }

    // ------------------------------------------------------------------ loading

    /** Appends the same chunks to Quiver and DuckDB; flushes and compacts Quiver to segments. Returns the segment count. */
    private static int load(QuiverServer server, DuckDBConnection duck, long rows, long seed, Progress p) throws Exception {
        Table table = server.storage().createTable(WideSelectDataset.schema(), Durability.NONE);
        DuckDb.execute(duck, WideSelectDataset.duckDbCreate());
        duck.setAutoCommit(false);
        WideSelectDataset data = new WideSelectDataset(seed, rows);
        RowBatch batch = new RowBatch(WideSelectDataset.COLUMNS, CHUNK_ROWS);
        BatchLoads.LoadTimes times;
        try (DuckDBAppender a = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, WideSelectDataset.TABLE)) {
            times = BatchLoads.loadBoth(table, a, data::next, batch, CHUNK_ROWS, rows, p);
        }
        long quiverNanos = times.quiverNanos();
        long duckNanos = times.duckNanos();
        long t0 = System.nanoTime();
        duck.commit();
        duck.setAutoCommit(true);
        DuckDb.execute(duck, "CHECKPOINT");
        duckNanos += System.nanoTime() - t0;
        t0 = System.nanoTime();
        table.flush();
        while (table.compact() > 0) {
            // merge small segments until nothing is left to merge, as the background would
        }
        quiverNanos += System.nanoTime() - t0;
        if (table.memtableBytes() > 0) {
            throw new IllegalStateException("rows left in the memtable after flush [bytes=" + table.memtableBytes() + ']');
        }
        int segments = table.segments().size();
        p.say("loaded %,d rows: Quiver %.1f s (%d segments on disk), DuckDB %.1f s", rows, quiverNanos / 1e9, segments, duckNanos / 1e9);
        return segments;
    }

    // ------------------------------------------------------------------ measuring

    /** One way of reading the whole result. */
    private interface Read {
        StreamTally run() throws Exception;

        /** Runs the read and charges it the CPU time the whole process spent meanwhile (and by thread role). */
        default StreamTally timed() throws Exception {
            ThreadGroupCpu.Snapshot threads0 = ThreadGroupCpu.take();
            long cpu0 = processCpuNanos();
            StreamTally t = run();
            long cpu = processCpuNanos() - cpu0;
            return charge(t, cpu, ThreadGroupCpu.between(threads0, ThreadGroupCpu.take()));
        }

        /** The read's tally with this process's CPU: all of it in one JVM. */
        default StreamTally charge(StreamTally t, long cpu, java.util.Map<String, Double> byThreadRole) {
            return t.withCpu(cpu, byThreadRole);
        }
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /** A read in the child client process: its tally carries the child's CPU, to which the server's (this process's) is added. */
    private static Read inChild(ChildFlightReader child) {
        return new Read() {
            @Override
            public StreamTally run() throws Exception {
                return child.read();
            }

            @Override
            public StreamTally charge(StreamTally t, long cpu, java.util.Map<String, Double> byThreadRole) {
                return t.withServerCpu(cpu, byThreadRole);
            }
        };
    }

    private static List<PathResult> measure(FlightSqlStreamReader flight, ChildFlightReader child, Connection flightJdbc, Connection duck,
                                            List<String> paths, WarmupRule warmup, int hot, Progress p) throws Exception {
        String sql = WideSelectDataset.SELECT;
        List<String> names = new ArrayList<>();
        List<Read> reads = new ArrayList<>();
        if (paths.contains("flight")) {
            names.add(FLIGHT_PATH);
            reads.add(child != null ? inChild(child) : () -> flight.read(sql));
        }
        if (paths.contains("jdbc")) {
            names.add(JDBC_PATH);
            reads.add(() -> JdbcRowReader.read(flightJdbc, sql));
        }
        if (paths.contains("duckdb")) {
            names.add(DUCKDB_PATH);
            reads.add(() -> JdbcRowReader.read(duck, sql));
        }
        int k = reads.size();
        StreamTally[] cold = new StreamTally[k];
        StreamTally[] best = new StreamTally[k];
        double[] load = new double[k];
        List<List<StreamTally>> all = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            cold[j] = say(p, names.get(j) + ", cold", reads.get(j).timed());
            all.add(new ArrayList<>(List.of(cold[j])));
        }
        // Then path by path: its warm-up reads and its hot reads back to back, not alternating read by read. DuckDB runs
        // in this process: with its reads between Flight's, the server's engine workers took more CPU at every round
        // (0.41, 0.53, 0.58, 0.59, 0.55 CPU-s per read over five hot rounds, against 0.37-0.38 with JDBC reads in between
        // instead), as its memory use made the server's fresh Arrow buffers fault in (with glibc's defaults, 0.63-0.81
        // from the first round). A Quiver server does not share its process with DuckDB.
        int[] warmups = new int[k];
        for (int j = 0; j < k; j++) {
            int quietStreak = 0;
            while (!warmup.done(warmups[j], quietStreak)) {
                warmups[j]++;
                StreamTally t = say(p, names.get(j) + ", warm-up " + warmups[j], reads.get(j).timed());
                quietStreak = warmup.quiet(t) ? quietStreak + 1 : 0;
                if (warmup.done(warmups[j], quietStreak)) {
                    p.say("%s: warm-up done after %d reads (JIT share of the last: %.1f%%)", names.get(j), warmups[j], 100 * WarmupRule.jitShare(t));
                }
            }
            for (int i = 0; i < hot; i++) {
                StreamTally t = say(p, names.get(j) + ", hot " + (i + 1), reads.get(j).timed());
                all.get(j).add(t);
                best[j] = faster(best[j], t);
                load[j] = Math.max(load[j], loadAverage());
            }
        }
        List<PathResult> out = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            out.add(new PathResult(names.get(j), cold[j], best[j], load[j], all.get(j), warmups[j]));
        }
        return out;
    }

    private static StreamTally faster(StreamTally best, StreamTally t) {
        return best == null || t.nanos() < best.nanos() ? t : best;
    }

    private static StreamTally say(Progress p, String what, StreamTally t) {
        p.say("%-40s %,d rows in %.3f s (CPU %.2f s%s) = %.1f M rows/s%s (load %.2f)%n    threads, CPU s: %s; %.2f cores busy", what, t.rows(),
                t.seconds(), t.cpuNanos() / 1e9, t.clientCpuNanos() > 0 ? String.format(Locale.ROOT, ": server %.2f + client %.2f",
                        (t.cpuNanos() - t.clientCpuNanos()) / 1e9, t.clientCpuNanos() / 1e9) : "", t.rows() / t.seconds() / 1e6,
                t.arrowBytes() > 0 ? String.format(Locale.ROOT, ", %.0f MB/s in %,d record batches", t.arrowBytes() / t.seconds() / 1e6,
                        t.batches()) : "", loadAverage(), ThreadGroupCpu.describe(t.threadCpu()), t.cpuNanos() / (double) t.nanos());
        return t;
    }

    /** The machine's 1-minute load average (the machine is shared: every figure carries it). */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Null when every read (cold and hot, every path) returned every row with the same checksum; else what differs. */
    private static String check(List<PathResult> results, long rows) {
        long expected = results.getFirst().cold().checksum();
        for (PathResult r : results) {
            for (StreamTally t : r.reads()) {
                if (t.rows() != rows) {
                    return r.name() + " read " + t.rows() + " rows, not " + rows;
                }
                if (t.checksum() != expected) {
                    return r.name() + " checksum " + t.checksum() + " differs from " + expected;
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ report

    private static void report(BenchContext ctx, List<PathResult> results, long rows, WarmupRule warmup, int hot, int segments, String duckVersion,
                               boolean childClient) {
        // The result's size in Arrow buffer bytes, as the Flight client received it: every path is rated on it.
        long arrowBytes = results.stream().filter(r -> r.name().equals(FLIGHT_PATH)).mapToLong(r -> r.hot().arrowBytes()).findFirst()
                .orElse(0);
        double duckRowsPerSec = results.stream().filter(r -> r.name().equals(DUCKDB_PATH)).mapToDouble(r -> rows / r.hot().seconds())
                .findFirst().orElse(Double.NaN);
        ResultTable t = new ResultTable(String.format(Locale.ROOT, "Flight result stream: SELECT 10 columns, %,d rows (%.1f MB of Arrow)",
                rows, arrowBytes / 1e6), "path", "cold s", "hot s", "rows/s (hot)", "MB/s (hot)", "vs DuckDB (rows/s)", "CPU s (hot)", "of it client", "load avg");
        for (PathResult r : results) {
            double rowsPerSec = rows / r.hot().seconds();
            t.row(r.name(), ResultTable.fixed(r.cold().seconds(), 3), ResultTable.fixed(r.hot().seconds(), 3), ResultTable.millions(rowsPerSec),
                    arrowBytes > 0 ? ResultTable.fixed(arrowBytes / r.hot().seconds() / 1e6, 0) : "n/a", ResultTable.ratio(rowsPerSec, duckRowsPerSec),
                    ResultTable.fixed(r.hot().cpuNanos() / 1e9, 2),
                    r.hot().clientCpuNanos() > 0 ? ResultTable.fixed(r.hot().clientCpuNanos() / 1e9, 2) : "-",
                    ResultTable.fixed(r.loadAverage(), 2));
        }
        t.note("Machine: %s; DuckDB %s (threads = cores, in-process, default JDBC fetch).", BenchEnvironment.describe(), duckVersion);
        t.note("Quiver: a real QuiverServer over its data dir (%d segments on disk, flushed), its Flight SQL endpoint on 127.0.0.1; "
                + "over loopback TCP; FlightSqlClient %s, both JDBC drivers in the server's JVM.", segments,
                childClient ? "in a child JVM (same java, flags and class path)" : "in the server's JVM");
        t.note("MB = 10^6 bytes of Arrow buffers (validity + offsets + data of every column) as the Flight client received them: "
                + "%,d bytes for this result; every path's MB/s is that size over its time, so the column compares like with like.", arrowBytes);
        String warmups = results.stream().map(r -> r.name() + " " + r.warmups()).collect(Collectors.joining(", "));
        String warmupRule = warmup.max() > warmup.min()
                ? String.format(Locale.ROOT, "at least %d, then until the JIT compilers took at most %.0f%% of a read's CPU %d reads in a row, at most %d: ",
                warmup.min(), 100 * warmup.maxJitShare(), WarmupRule.QUIET_READS, warmup.max()) : "";
        t.note("hot = best of %d (after uncounted warm-up reads per path, %s%s); cold = the first read after loading. FlightSqlClient touches every batch (sums id, reads url offsets "
                + "and price nulls); both JDBC paths read every column of every row with typed getters. load avg = the 1-minute "
                + "load average, the highest seen during that path's hot reads (2 cores, shared). CPU s = CPU time of the whole process "
                + "(client + server + engine threads), and of the child client process when there is one (its share: of it client), "
                + "during the best hot read: what the read costs whatever the neighbours do.", hot, warmupRule, warmups);
        t.print(ctx.out());
    }

}
