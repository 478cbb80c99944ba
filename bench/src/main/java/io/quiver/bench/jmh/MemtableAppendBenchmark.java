package io.quiver.bench.jmh;

import io.quiver.bench.ingest.EventBatches;
import io.quiver.flight.ingest.IngestLimits;
import io.quiver.flight.ingest.IngestRequestReader;
import io.quiver.flight.ingest.ProtoBatchDecoder;
import io.quiver.flight.ingest.WireBatch;
import io.quiver.flight.ingest.TableWriter;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.memtable.MemtableMemoryPool;
import io.quiver.storage.table.BatchNormalizer;
import io.quiver.storage.vector.RowBatch;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Appending the load generator's 10,000-row event batches to a memtable, which is released and
 * replaced every 64 MiB (the default flush size) as a flush would: {@code pooled=false} gives each
 * memtable fresh native memory (zeroed by the JDK, page-faulted by the kernel), {@code pooled=true}
 * reuses the released one's through a {@link MemtableMemoryPool}, as a table does. An operation is
 * one batch. Run with {@code -prof "perfnorm:events=task-clock,page-faults"} on a shared machine:
 * CPU milliseconds and page faults per batch hold up where the score does not.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
public class MemtableAppendBenchmark {
    private static final long MEMTABLE_BYTES = 64L << 20;

    @Param({"false", "true"})
    public boolean pooled;

    private List<ColumnDef> columns;
    private RowBatch[] batches;
    private MemtableMemoryPool pool;
    private Memtable memtable;
    private int next;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        TableSchema schema = TableSchema.of("events", "ts", List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
                new ColumnDef("user_id", ColumnType.BIGINT), new ColumnDef("session_id", ColumnType.VARCHAR),
                new ColumnDef("event_type", ColumnType.VARCHAR), new ColumnDef("url", ColumnType.VARCHAR),
                new ColumnDef("country", ColumnType.VARCHAR), new ColumnDef("device", ColumnType.VARCHAR),
                new ColumnDef("value", ColumnType.DOUBLE), new ColumnDef("duration_ms", ColumnType.INT),
                new ColumnDef("is_mobile", ColumnType.BOOLEAN), new ColumnDef("is_new_user", ColumnType.BOOLEAN)));
        columns = schema.columns();
        Path dir = Files.createTempDirectory("quiver-memtable-bench");
        // Decode through the real ingest path once, to get batches shaped exactly like the server's.
        try (StorageEngine storage = StorageEngine.open(dir, new StorageConfig())) {
            storage.createTable(schema);
            TableWriter writer = new TableWriter(storage, IngestLimits.defaults());
            batches = new RowBatch[8];
            for (int i = 0; i < batches.length; i++) {
                WireBatch r = IngestRequestReader.read(EventBatches.build("events", "", 42 + i, 10_000).toByteArray());
                TableWriter.Plan plan = writer.plan("events", ProtoBatchDecoder.incomingColumns(r, IngestLimits.defaults()), "ts");
                batches[i] = BatchNormalizer.toSchema(schema, ProtoBatchDecoder.decode(r, plan, IngestLimits.defaults()));
            }
        }
        pool = new MemtableMemoryPool(0, Long.MAX_VALUE);
        memtable = newMemtable();
    }

    private Memtable newMemtable() {
        return pooled ? new Memtable("events", columns, Memtable.DEFAULT_ROWS_PER_CHUNK, 1L << 30, pool)
                : new Memtable("events", columns, Memtable.DEFAULT_ROWS_PER_CHUNK, 1L << 30);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        memtable.release();
        pool.close();
    }

    @Benchmark
    public long append() {
        if (memtable.offHeapBytes() >= MEMTABLE_BYTES) {
            memtable.release(); // what a flush does once the segment is written
            memtable = newMemtable();
        }
        memtable.append(batches[next]);
        next = (next + 1) & (batches.length - 1);
        return memtable.rowCount();
    }
}
