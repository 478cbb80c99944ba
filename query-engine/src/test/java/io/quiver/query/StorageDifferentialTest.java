package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.Durability;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The differential suite over the real storage engine: each table is appended chunk by chunk
 * through {@code Table.append}, every second chunk is followed by a flush (so part of each table
 * lives in segments of 256-row blocks with zone maps, part in the memtable), "big" is one
 * partition (several blocks per segment, sorted by ts) and "skew" is partitioned by month (many
 * small segments).
 */
class StorageDifferentialTest extends DifferentialSuite {
    @TempDir
    static Path dir;
    private StorageEngine storage;

    /** Small blocks (several per segment), no background flush or compaction (the test decides), no fsync (speed). */
    static StorageConfig testConfig() {
        return new StorageConfig().durability(Durability.NONE).segmentBlockRows(256).compactionEnabled(false)
                .memtableMaxAgeMs(3_600_000).backgroundIntervalMs(3_600_000).dedupCapacity(10_000);
    }

    @Override
    QueryCatalog openCatalog() throws Exception {
        storage = StorageEngine.open(dir, testConfig());
        return new StorageQueryCatalog(storage);
    }

    @Override
    void append(QueryCatalog catalog, String table, RowBatch chunk, int chunkIndex) throws Exception {
        catalog.insert(table, chunk);
        if (chunkIndex % 2 == 1 || table.equals("one")) {
            storage.tableOrThrow(table).flush();
        }
    }

    @Override
    PartitionBy partitionOf(String table) {
        return switch (table) {
            case "big" -> PartitionBy.NONE;
            case "skew" -> PartitionBy.MONTH;
            default -> PartitionBy.DAY;
        };
    }

    @Override
    int queries() {
        return 600;
    }

    @Override
    void closeCatalog() {
        storage.close();
    }
}
