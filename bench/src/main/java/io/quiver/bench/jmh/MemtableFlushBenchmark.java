package io.quiver.bench.jmh;

import io.quiver.bench.ingest.EventBatches;
import io.quiver.flight.ingest.IngestLimits;
import io.quiver.flight.ingest.IngestRequestReader;
import io.quiver.flight.ingest.ProtoBatchDecoder;
import io.quiver.flight.ingest.TableWriter;
import io.quiver.flight.ingest.WireBatch;
import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.vector.RowBatch;
import io.quiver.proto.v1.IngestRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One memtable flush: {@value #BATCHES} batches of {@value #ROWS} load-generator events, appended as
 * {@code writers} concurrent clients would interleave them, written out as a segment (sort by the
 * designated timestamp, gather, encode, write; no fsync). With one writer the rows arrive in order
 * and stream straight through; with two or more the flush must sort and gather. The score is
 * milliseconds per flush of {@value #BATCHES} x {@value #ROWS} rows.
 * Run: {@code ops/quiver-bench jmh MemtableFlush}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms4g", "-Xmx4g", "-XX:+UseParallelGC",
        "-Dchronicle.analytics.disable=true", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class MemtableFlushBenchmark {
    static final int ROWS = 10_000;
    static final int BATCHES = 40;
    static final String TABLE = "events";

    @Param({"1", "2"})
    public int writers;

    private final IngestLimits limits = IngestLimits.defaults();
    private List<RowBatch> batches;
    private Path dir;
    private StorageEngine storage;
    private TableWriter writer;
    private long batchCounter;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("quiver-flush-bench");
        storage = StorageEngine.open(dir, new StorageConfig().durability(Durability.NONE)
                .memtableFlushBytes(8L << 30).memtableMaxBytes(16L << 30).compactionEnabled(false).walMaxBytes(64L << 30));
        storage.createTable(IngestWritePathBenchmark.eventsSchema(TABLE));
        writer = new TableWriter(storage, limits);
        batches = new java.util.ArrayList<>();
        for (IngestRequest r : EventBatches.interleaved(TABLE, writers, BATCHES, ROWS)) {
            WireBatch w = IngestRequestReader.MARSHALLER.parse(new ByteArrayInputStream(r.toByteArray()));
            TableWriter.Plan plan = writer.plan(w.table(), ProtoBatchDecoder.incomingColumns(w, limits), w.timestampColumn());
            batches.add(ProtoBatchDecoder.decode(w, plan, limits));
        }
    }

    @Setup(Level.Iteration)
    public void fill() {
        for (RowBatch b : batches) {
            TableWriter.Plan plan = writer.plan(TABLE, b.columns(), "ts");
            writer.write(plan, "flush-" + (batchCounter++), b).join();
        }
    }

    @Benchmark
    public void flush() throws IOException {
        storage.flushAll();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.close();
        io.quiver.bench.storage.DiskUsage.deleteRecursively(dir);
    }

    /**
     * Without JMH: {@code java ... MemtableFlushBenchmark [writers] [flushes]} prints each flush's wall
     * and CPU milliseconds (the flush runs on the calling thread, so its CPU time holds up better than
     * wall time on a machine shared with other work).
     */
    public static void main(String[] args) throws IOException {
        MemtableFlushBenchmark b = new MemtableFlushBenchmark();
        b.writers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int flushes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        b.setup();
        try {
            long[] cpu = new long[flushes];
            for (int i = 0; i < flushes; i++) {
                b.fill();
                long wall = System.nanoTime();
                long c = threads.getCurrentThreadCpuTime();
                b.flush();
                cpu[i] = threads.getCurrentThreadCpuTime() - c;
                System.out.printf("flush %2d: wall %6.1f ms, cpu %6.1f ms%n", i, (System.nanoTime() - wall) / 1e6, cpu[i] / 1e6);
            }
            long[] tail = java.util.Arrays.copyOfRange(cpu, flushes / 2, flushes);
            java.util.Arrays.sort(tail);
            System.out.printf("writers=%d rows/flush=%d: cpu ms over the second half: min %.1f median %.1f%n",
                    b.writers, BATCHES * ROWS, tail[0] / 1e6, tail[tail.length / 2] / 1e6);
        } finally {
            b.tearDown();
        }
    }
}
