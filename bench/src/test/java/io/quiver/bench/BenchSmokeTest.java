package io.quiver.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every subcommand on tiny sizes, the way ops/quiver-bench does, so CI proves the bench still
 * builds, runs and prints its figures. Sizes are chosen for seconds, not for meaningful numbers.
 */
class BenchSmokeTest {
    /** Output of one run. */
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The first number in the table row that starts with {@code label} and the given thread count. */
    private static double figure(String out, String label, int threads) {
        Matcher m = Pattern.compile("\\| " + Pattern.quote(label) + " *\\| " + threads + " *\\| ([0-9.]+) ").matcher(out);
        assertTrue(m.find(), "no row '" + label + "' for " + threads + " thread(s) in:\n" + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void limitsPrintsPositiveCeilings() {
        Run r = run("limits", "--mb=8", "--lz4-mb=1", "--passes=1", "--threads=1,2");
        assertEquals(0, r.exit, r.err);
        assertTrue(figure(r.out, "long[] sum (read)", 1) > 0, r.out);
        assertTrue(figure(r.out, "long[] sum (read)", 2) > 0, r.out);
        assertTrue(figure(r.out, "memcpy (System.arraycopy, bytes copied)", 1) > 0, r.out);
        assertTrue(r.out.contains("LZ4 safe decompress: BIGINT counters"), r.out);
        assertTrue(r.err.contains("limits: long[] sum, 1 thread(s)"), "progress goes to stderr: " + r.err);
    }

    @Test
    void storageScansAndComparesWithDuckDb(@TempDir Path dir) {
        Run r = run("storage", "--dir=" + dir, "--scan-rows=40k", "--rows=20k", "--days=2", "--passes=1",
                "--threads=1,2", "--wal-seconds=0.2", "--wal-threads=1,2", "--wal-modes=fsync,none", "--wal-batch-rows=10",
                "--dedup-capacity=1000");
        assertEquals(0, r.exit, r.err);
        assertTrue(figure(r.out, "Quiver: readBlock + sum", 1) > 0, r.out);
        assertTrue(figure(r.out, "Quiver: readBlock + sum", 2) > 0, r.out);
        assertTrue(figure(r.out, "DuckDB: SELECT sum(v)", 1) > 0, r.out);
        Matcher wal = Pattern.compile("\\| Quiver WalWriter +\\| (FSYNC|NONE) +\\| ([12]) +\\| ([0-9,]+) ").matcher(r.out);
        int walRows = 0;
        while (wal.find()) {
            walRows++;
            assertTrue(Long.parseLong(wal.group(3).replace(",", "")) > 0, "appends/s of " + wal.group() + "\n" + r.out);
        }
        assertEquals(4, walRows, r.out);
        assertTrue(r.out.contains("| DuckDB commit/batch | durable | 2 "), r.out);
        Matcher sizes = Pattern.compile("\\| (Quiver engine|Quiver segments|DuckDB) +\\| ([0-9,]+) +\\| ([0-9.]+) +\\|").matcher(r.out);
        int engines = 0;
        while (sizes.find()) {
            engines++;
            double bytesPerRow = Double.parseDouble(sizes.group(3));
            assertTrue(bytesPerRow > 1 && bytesPerRow < 200, sizes.group(1) + " bytes/row " + bytesPerRow + "\n" + r.out);
        }
        assertEquals(3, engines, r.out);
        assertTrue(r.out.contains("| url "), "per-column breakdown:\n" + r.out);
        assertTrue(Files.notExists(dir), "scratch directory is removed without --keep");
    }

    @Test
    void ingestPushesEventsThroughAServerAndLoadsDuckDb(@TempDir Path dir) {
        Run r = run("ingest", "--data-dir=" + dir, "--rows=20000", "--threads=2", "--batch-rows=1000", "--in-flight=4",
                "--durability=fsync", "--progress-ms=200");
        assertEquals(0, r.exit, r.err);
        Matcher quiver = Pattern.compile("\\| Quiver \\(grpc\\) +\\| ([0-9,]+) +\\| [0-9.]+ +\\| ([0-9,]+) +\\| ([0-9.]+) ").matcher(r.out);
        assertTrue(quiver.find(), r.out);
        assertEquals(20_000, Long.parseLong(quiver.group(1).replace(",", "")), "every event acknowledged and counted\n" + r.out);
        assertTrue(Long.parseLong(quiver.group(2).replace(",", "")) > 0, r.out);
        Matcher duck = Pattern.compile("\\| DuckDB \\(Appender\\) +\\| ([0-9,]+) ").matcher(r.out);
        assertTrue(duck.find(), r.out);
        assertEquals(20_000, Long.parseLong(duck.group(1).replace(",", "")), "DuckDB loads the same events\n" + r.out);
        assertTrue(r.out.contains("Quiver/DuckDB events/s"), r.out);
        assertTrue(r.err.contains("table ready"), "progress goes to stderr: " + r.err);
        Run columns = run("ingest", "--data-dir=" + dir.resolve("columns"), "--api=columns", "--rows=5000", "--threads=1",
                "--batch-rows=1000", "--duckdb=false");
        assertEquals(0, columns.exit, columns.err);
        assertTrue(columns.out.contains("columnar batches") && columns.out.contains("| Quiver (grpc) | 5,000 "), columns.out);
        Run bad = run("ingest", "--door=carrier-pigeon", "--rows=10", "--duckdb=false", "--data-dir=" + dir.resolve("bad"));
        assertEquals(2, bad.exit, bad.out);
        assertTrue(bad.err.contains("unknown door"), bad.err);
        Run ignored = run("ingest", "--host=127.0.0.1", "--durability=none", "--rows=10", "--duckdb=false");
        assertEquals(2, ignored.exit, ignored.out);
        assertTrue(ignored.err.contains("--durability and --data-dir apply only to the in-process server"), ignored.err);
    }

    @Test
    void flightReadsTheSelectThroughEveryPathWithEqualChecksums(@TempDir Path dir) {
        Run r = run("flight", "--dir=" + dir.resolve("flight"), "--rows=30k", "--warmup=1", "--warmup-max=3", "--hot=1");
        assertEquals(0, r.exit, r.out + r.err); // exit 1 when any path lost rows or its checksum differs
        Matcher warmups = Pattern.compile("after uncounted warm-up reads per path, at least 1, then until the JIT compilers took "
                + "at most 5% of a read's CPU 3 reads in a row, at most 3: Quiver: FlightSqlClient DoGet ([0-9]+), Quiver: Flight SQL JDBC driver ([0-9]+), "
                + "DuckDB: JDBC \\(in-process\\) ([0-9]+)\\)").matcher(r.out);
        assertTrue(warmups.find(), "the warm-up rule and each path's count are reported:\n" + r.out);
        for (int g = 1; g <= 3; g++) {
            int n = Integer.parseInt(warmups.group(g));
            assertTrue(n >= 1 && n <= 3, "warm-ups within --warmup and --warmup-max: " + n);
        }
        assertTrue(r.err.contains("Quiver: FlightSqlClient DoGet: warm-up done after " + warmups.group(1) + " reads"), r.err);
        assertTrue(r.out.contains("SELECT 10 columns, 30,000 rows"), r.out);
        for (String path : new String[]{"Quiver: FlightSqlClient DoGet", "Quiver: Flight SQL JDBC driver", "DuckDB: JDBC (in-process)"}) {
            Matcher m = Pattern.compile("\\| " + Pattern.quote(path) + " +\\| ([0-9.]+) +\\| ([0-9.]+) +\\| ([0-9.]+) M +\\| ([0-9]+) +\\| ([0-9.]+)x")
                    .matcher(r.out);
            assertTrue(m.find(), "no row for " + path + " in:\n" + r.out);
            assertTrue(Double.parseDouble(m.group(2)) > 0, "hot seconds of " + path + "\n" + r.out);
            assertTrue(Double.parseDouble(m.group(5)) > 0, "ratio of " + path + "\n" + r.out);
        }
        Matcher bytes = Pattern.compile("\\(([0-9.]+) MB of Arrow\\)").matcher(r.out);
        assertTrue(bytes.find(), r.out);
        double mbPerRow = Double.parseDouble(bytes.group(1)) * 1e6 / 30_000;
        assertTrue(mbPerRow > 60 && mbPerRow < 200, "Arrow bytes per row of the 10-column select: " + mbPerRow + "\n" + r.out);
        assertTrue(r.out.contains("MB = 10^6 bytes of Arrow buffers"), "the MB/s definition is printed:\n" + r.out);
        // the Arrow client reads from its own JVM by default: that process's CPU is charged to the read, apart
        assertTrue(clientCpu(r.out) > 0, "the child client's CPU of the hot read\n" + r.out);
        assertTrue(r.out.contains("FlightSqlClient in a child JVM"), r.out);
        assertTrue(r.err.contains("server ") && r.err.contains("client event loops"), "CPU by process and thread role:\n" + r.err);

        Run inProcess = run("flight", "--dir=" + dir.resolve("flight-in"), "--rows=30k", "--warmup=0", "--warmup-jit=0", "--hot=1",
                "--paths=flight", "--client=inprocess");
        assertEquals(0, inProcess.exit, inProcess.out + inProcess.err);
        assertTrue(inProcess.out.contains("FlightSqlClient in the server's JVM"), inProcess.out);
        Matcher none = Pattern.compile("\\| Quiver: FlightSqlClient DoGet +(\\|[^|]*){5}\\| [0-9.]+ +\\| - ").matcher(inProcess.out);
        assertTrue(none.find(), "no separate client CPU in one process:\n" + inProcess.out);
        assertTrue(inProcess.out.contains("after uncounted warm-up reads per path, Quiver: FlightSqlClient DoGet 0)"),
                "--warmup-jit=0: exactly --warmup reads\n" + inProcess.out);
    }

    /** The "of it client" CPU seconds of the FlightSqlClient row. */
    private static double clientCpu(String out) {
        Matcher m = Pattern.compile("\\| Quiver: FlightSqlClient DoGet +(\\|[^|]*){5}\\| [0-9.]+ +\\| ([0-9.]+) ").matcher(out);
        assertTrue(m.find(), "no client CPU column in:\n" + out);
        return Double.parseDouble(m.group(2));
    }

    @Test
    void queryRunsEveryQueryOnBothEnginesWithEqualAnswers(@TempDir Path dir) throws Exception {
        Path chart = dir.resolve("ratios.png");
        Run r = run("query", "--rows=20k", "--warmup=1", "--hot=1", "--threads=2", "--chart=" + chart);
        assertEquals(0, r.exit, r.out + r.err); // exit 1 when any answer differs from DuckDB's
        Matcher q = Pattern.compile("^\\| (Q[0-9]{2}) \\|.*\\| equal \\(", Pattern.MULTILINE).matcher(r.out);
        int equal = 0;
        while (q.find()) {
            equal++;
        }
        assertEquals(31, equal, "every query answers as DuckDB does:\n" + r.out);
        assertTrue(r.out.contains("after every query ran cold and 1 untimed warm-up pass(es)"), "the hot runs' definition:\n" + r.out);
        assertTrue(r.err.contains("warm-up pass 1 of 1"), r.err);
        assertTrue(r.out.contains("Geometric mean of hot ratios"), r.out);
        assertTrue(Files.size(chart) > 1000, "PNG chart written");
    }

    @Test
    void flightCeilingMeasuresRawTcpAndBothFlightSetups() {
        Run r = run("flight-ceiling", "--bytes=20m", "--reads=1", "--warmup=0", "--batch-rows=4096");
        assertEquals(0, r.exit, r.out + r.err); // a Flight read short of its bytes fails the run
        for (String c : new String[]{"raw TCP, 1 MiB writes", "Flight DoGet, stock server + stock client, 4,096 rows/batch",
                "Flight DoGet, DirectFrameWrites server + FlightChannels client, 4,096 rows/batch",
                "Flight DoGet, as above, each batch copied into fresh buffers, 4,096 rows/batch"}) {
            Matcher m = Pattern.compile("\\| " + Pattern.quote(c) + " +\\| ([0-9.]+) +\\| ([0-9.]+) ").matcher(r.out);
            assertTrue(m.find(), "no row for " + c + " in:\n" + r.out);
            assertTrue(Double.parseDouble(m.group(2)) > 0, "GB/s of " + c + "\n" + r.out);
        }
    }

    @Test
    void jmhRunsAForkedBenchmarkWithTheProjectFlags() {
        // JMH holds a machine-wide lock file; a benchmark run elsewhere on the machine must not fail
        // this smoke test, which only checks that a fork starts with the project's flags.
        System.setProperty("jmh.ignoreLock", "true");
        Run r = run("jmh", "-f", "1", "-wi", "0", "-i", "1", "-r", "100ms", "-p", "mb=8",
                "MemoryBandwidthBenchmark.sum");
        assertEquals(0, r.exit, r.out + r.err);
        assertTrue(r.out.contains("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"),
                "forks get quiver.jvm.flags:\n" + r.out);
        assertTrue(r.out.contains("MemoryBandwidthBenchmark.sum"), r.out);
    }

    @Test
    void badUsageIsExitTwoWithAMessage() {
        assertEquals(2, run().exit);
        Run unknown = run("nosuch");
        assertEquals(2, unknown.exit);
        assertTrue(unknown.err.contains("unknown subcommand 'nosuch'"), unknown.err);
        Run badOption = run("limits", "--nosuch=1");
        assertEquals(2, badOption.exit);
        assertTrue(badOption.err.contains("unknown option(s): --nosuch"), badOption.err);
        Run help = run("storage", "--help");
        assertEquals(0, help.exit);
        assertTrue(help.out.contains("--scan-rows"), help.out);
    }
}
