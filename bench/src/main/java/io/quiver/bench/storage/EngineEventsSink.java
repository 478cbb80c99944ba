package io.quiver.bench.storage;

import io.quiver.bench.data.EventsChunk;
import io.quiver.bench.data.EventsDataset;
import io.quiver.bench.data.EventsSink;
import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.StorageException;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads events through the storage engine the way a bulk load would: {@code createTable},
 * {@code append} per chunk (durability NONE: the bulk-load mode, made durable by the flush at the
 * end), then {@code flush} and compaction until nothing is left to merge. What is on disk then
 * (segments, catalog, an empty WAL) is the figure.
 */
public final class EngineEventsSink implements EventsSink {
    private final Path dir;
    private final StorageEngine engine;
    private final Table table;
    private final RowBatch batch = new RowBatch(EventsDataset.COLUMNS, 1);
    private long nanos;
    private int compactions;

    /** @param dedupCapacity batch ids the table's dedup index holds (it is sized for this up front) */
    public EngineEventsSink(Path dir, String tableName, long dedupCapacity) throws Exception {
        this.dir = dir;
        engine = StorageEngine.open(dir, new StorageConfig().durability(Durability.NONE).dedupCapacity(dedupCapacity));
        Table created;
        try {
            created = engine.createTable(EventsDataset.schema(tableName), Durability.NONE);
        } catch (Exception | Error e) {
            engine.close();
            throw e;
        }
        table = created;
    }

    @Override
    public String name() {
        return "Quiver engine";
    }

    @Override
    public void append(EventsChunk chunk) throws InterruptedException {
        long t0 = System.nanoTime();
        EventsDataset.toRowBatch(chunk, batch);
        while (true) {
            try {
                // join before the batch is refilled: the table applies it to the memtable after the WAL write
                table.append(null, batch).join();
                break;
            } catch (StorageException e) {
                if (e.kind() != StorageException.Kind.RESOURCE_EXHAUSTED) {
                    throw e;
                }
                Thread.sleep(10); // memtables full: the background flush is behind; back off as a client would
            }
        }
        nanos += System.nanoTime() - t0;
    }

    @Override
    public void finish() throws Exception {
        long t0 = System.nanoTime();
        table.flush();
        while (table.compact() > 0) {
            compactions++;
        }
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

    /** The table's live segment files (SegmentInfo paths are relative to the table's directory). */
    public List<Path> segmentFiles() throws IOException {
        Set<String> live = table.segments().stream().map(s -> Path.of(s.path()).getFileName().toString())
                .collect(Collectors.toSet());
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> found = files.filter(p -> live.contains(p.getFileName().toString())).sorted().toList();
            if (found.size() != live.size()) {
                throw new IOException("found " + found.size() + " of " + live.size() + " live segment files under " + dir);
            }
            return found;
        }
    }

    public java.util.Map<String, Long> bytesByKind() throws IOException {
        return DiskUsage.engineBytesByKind(dir);
    }

    public int compactions() {
        return compactions;
    }

    @Override
    public void close() {
        engine.close();
    }
}
