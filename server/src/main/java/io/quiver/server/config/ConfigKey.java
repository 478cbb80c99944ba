package io.quiver.server.config;

/**
 * Every server setting: a dotted name, a default and a one-line meaning. Units are in the names.
 * Values come, in increasing priority, from the defaults here, the config file
 * ({@code --config FILE}, Java properties), {@code QUIVER_...} environment variables
 * ({@code storage.memtable.flush.bytes} -> {@code QUIVER_STORAGE_MEMTABLE_FLUSH_BYTES}) and
 * {@code --key=value} arguments.
 */
public enum ConfigKey {
    DATA_DIR("data.dir", "./data", "directory holding tables, WAL and segments"),
    HTTP_HOST("http.host", "127.0.0.1", "address of the admin/HTTP endpoint (health, metrics, NDJSON ingest, console)"),
    HTTP_PORT("http.port", "9400", "port of the admin/HTTP endpoint; 0 picks a free port"),
    HTTP_MAX_CONTENT_BYTES("http.max.content.bytes", "67108864", "largest HTTP request body accepted"),
    GRPC_HOST("grpc.host", "127.0.0.1", "address of the gRPC ingest service"),
    GRPC_PORT("grpc.port", "9401", "port of the gRPC ingest service; 0 picks a free port"),
    FLIGHT_HOST("flight.host", "127.0.0.1", "address of the Arrow Flight SQL service"),
    FLIGHT_PORT("flight.port", "9402", "port of the Arrow Flight SQL service; 0 picks a free port"),
    STORAGE_DURABILITY("storage.durability", "fsync", "fsync | batch | none: when an ingest is acknowledged (see storage-engine/docs/wal-format.md)"),
    STORAGE_GROUP_COMMIT_INTERVAL_US("storage.group.commit.interval.us", "1000", "WAL group-commit fsync interval"),
    STORAGE_MEMTABLE_FLUSH_BYTES("storage.memtable.flush.bytes", "67108864", "memtable size that triggers a flush to a segment"),
    STORAGE_MEMTABLE_MAX_BYTES("storage.memtable.max.bytes", "536870912", "per-table memtable hard limit; writes fail past it until flushes catch up"),
    STORAGE_MEMTABLE_MAX_AGE_MS("storage.memtable.max.age.ms", "60000", "age of the oldest memtable row that triggers a flush"),
    STORAGE_SEGMENT_BLOCK_ROWS("storage.segment.block.rows", "8192", "rows per column block in a segment"),
    STORAGE_SEGMENT_MAX_ROWS("storage.segment.max.rows", "16777216", "most rows in one segment"),
    STORAGE_COMPACTION_ENABLED("storage.compaction.enabled", "true", "merge small segments of a partition in the background"),
    STORAGE_COMPACTION_SMALL_SEGMENT_ROWS("storage.compaction.small.segment.rows", "1048576", "segments below this row count are compaction candidates"),
    STORAGE_COMPACTION_MIN_SEGMENTS("storage.compaction.min.segments", "4", "small segments in a partition that trigger a compaction"),
    STORAGE_WAL_MAX_RECORD_BYTES("storage.wal.max.record.bytes", "67108864", "largest single ingest batch in the WAL"),
    STORAGE_WAL_FILE_BYTES("storage.wal.file.bytes", "134217728", "WAL file size before it rolls"),
    STORAGE_WAL_MAX_BYTES("storage.wal.max.bytes", "2147483648", "per-table WAL bytes on disk before writes fail"),
    STORAGE_MAX_OPEN_FILES("storage.max.open.files", "4096", "files the storage engine may hold open at once"),
    STORAGE_DEDUP_CAPACITY("storage.dedup.capacity", "100000", "batch ids remembered per table for idempotent retries"),
    STORAGE_DEDUP_RETENTION_MS("storage.dedup.retention.ms", "86400000", "how long a batch id is remembered");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public String envName() {
        return "QUIVER_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    }

    public static ConfigKey byKey(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }
}
