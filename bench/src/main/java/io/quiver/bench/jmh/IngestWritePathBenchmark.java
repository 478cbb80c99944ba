package io.quiver.bench.jmh;

import io.grpc.MethodDescriptor;
import io.quiver.bench.ingest.EventBatches;
import io.quiver.flight.ingest.IngestLimits;
import io.quiver.flight.ingest.IngestRequestReader;
import io.quiver.flight.ingest.ProtoBatchDecoder;
import io.quiver.flight.ingest.WireBatch;
import io.quiver.flight.ingest.TableWriter;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.table.AppendResult;
import io.quiver.storage.vector.RowBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 * The server's gRPC ingest path for one batch of the load generator's 11-column events, one thread,
 * without the network. An operation is one {@value #ROWS}-row batch: events/s = score x {@value #ROWS}.
 * <ul>
 *   <li>{@code parseDecode}: request bytes -> {@link WireBatch} (the server's marshaller,
 *       {@link IngestRequestReader}) -> {@link ProtoBatchDecoder} -> {@link RowBatch}: what an ingest
 *       costs before storage.</li>
 *   <li>{@code ingest}: the same, then plan, validate, WAL append (durability NONE: no fsync, so
 *       the score is CPU, not the device), memtable apply and dedup record, waiting for the ack
 *       future: the whole per-batch server cost except network and memtable flush. The memtable
 *       is flushed between iterations, outside the measurement (512 MiB flush size, so a flushed
 *       memtable's memory is reused like a busy table's).</li>
 * </ul>
 * Run: {@code ops/quiver-bench jmh IngestWritePath -prof gc -prof "perfnorm:events=task-clock"}:
 * gc.alloc.rate.norm is bytes per batch and task-clock CPU milliseconds per batch over all threads
 * of the fork (GC and JIT included), which, unlike the score, holds up on a machine shared with
 * other work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+UseParallelGC",
        "-Dchronicle.analytics.disable=true", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class IngestWritePathBenchmark {
    static final int ROWS = 10_000;
    static final String TABLE = "events";
    private static final int DISTINCT_BATCHES = 8;

    private final MethodDescriptor.Marshaller<WireBatch> marshaller = IngestRequestReader.MARSHALLER;
    private final IngestLimits limits = IngestLimits.defaults();
    private byte[][] requests;
    private Path dir;
    private StorageEngine storage;
    private TableWriter writer;
    private long batchCounter;
    private int next;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        requests = new byte[DISTINCT_BATCHES][];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = EventBatches.build(TABLE, "", 42 + i, ROWS).toByteArray();
        }
        System.out.printf("%n%d-row request: %,d bytes (%.1f bytes/event)%n", ROWS, requests[0].length, requests[0].length / (double) ROWS);
        dir = Files.createTempDirectory("quiver-ingest-bench");
        storage = StorageEngine.open(dir, new StorageConfig().durability(Durability.NONE)
                .memtableFlushBytes(512L << 20).memtableMaxBytes(8L << 30).compactionEnabled(false).walMaxBytes(64L << 30));
        storage.createTable(eventsSchema(TABLE));
        writer = new TableWriter(storage, limits);
    }

    @TearDown(Level.Iteration)
    public void flush() throws IOException {
        storage.flushAll();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.close();
        io.quiver.bench.storage.DiskUsage.deleteRecursively(dir);
    }

    /** The load generator's 11-column events table, as the storage engine's schema. */
    static TableSchema eventsSchema(String table) {
        return TableSchema.of(table, "ts", List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
                new ColumnDef("user_id", ColumnType.BIGINT), new ColumnDef("session_id", ColumnType.VARCHAR),
                new ColumnDef("event_type", ColumnType.VARCHAR), new ColumnDef("url", ColumnType.VARCHAR),
                new ColumnDef("country", ColumnType.VARCHAR), new ColumnDef("device", ColumnType.VARCHAR),
                new ColumnDef("value", ColumnType.DOUBLE), new ColumnDef("duration_ms", ColumnType.INT),
                new ColumnDef("is_mobile", ColumnType.BOOLEAN), new ColumnDef("is_new_user", ColumnType.BOOLEAN)));
    }

    private WireBatch parseNext() {
        byte[] bytes = requests[next];
        next = (next + 1) % requests.length;
        return marshaller.parse(new ByteArrayInputStream(bytes));
    }

    @Benchmark
    public RowBatch parseDecode() {
        WireBatch r = parseNext();
        TableWriter.Plan plan = writer.plan(r.table(), ProtoBatchDecoder.incomingColumns(r, limits), r.timestampColumn());
        return ProtoBatchDecoder.decode(r, plan, limits);
    }

    @Benchmark
    public AppendResult ingest() {
        WireBatch r = parseNext();
        TableWriter.Plan plan = writer.plan(r.table(), ProtoBatchDecoder.incomingColumns(r, limits), r.timestampColumn());
        RowBatch batch = ProtoBatchDecoder.decode(r, plan, limits);
        return writer.write(plan, "bench-" + (batchCounter++), batch).join();
    }
}
