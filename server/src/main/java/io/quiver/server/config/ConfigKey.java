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
    STORAGE_MEMTABLE_MAX_BYTES("storage.memtable.max.bytes", "536870912", "per-table memtable hard limit; writes wait past it for flushes to catch up"),
    STORAGE_MEMTABLE_FULL_WAIT_MS("storage.memtable.full.wait.ms", "10000", "how long a write waits for room at the memtable hard limit before RESOURCE_EXHAUSTED (0: refuse at once)"),
    STORAGE_MEMTABLE_MAX_AGE_MS("storage.memtable.max.age.ms", "60000", "age of the oldest memtable row that triggers a flush"),
    STORAGE_SEGMENT_BLOCK_ROWS("storage.segment.block.rows", "8192", "rows per column block in a segment"),
    STORAGE_SEGMENT_MAX_ROWS("storage.segment.max.rows", "16777216", "most rows in one segment"),
    STORAGE_COMPACTION_ENABLED("storage.compaction.enabled", "true", "merge small segments of a partition in the background"),
    STORAGE_COMPACTION_SMALL_SEGMENT_ROWS("storage.compaction.small.segment.rows", "1048576", "segments below this row count are compaction candidates"),
    STORAGE_COMPACTION_MIN_SEGMENTS("storage.compaction.min.segments", "4", "small segments in a partition that trigger a compaction"),
    STORAGE_WAL_MAX_RECORD_BYTES("storage.wal.max.record.bytes", "67108864", "largest single ingest batch in the WAL"),
    STORAGE_WAL_FILE_BYTES("storage.wal.file.bytes", "134217728", "WAL file size before it rolls"),
    STORAGE_WAL_PREALLOCATE_BYTES("storage.wal.preallocate.bytes", "33554432",
            "size of the zero-filled WAL files prepared ahead of use, so a group commit's fsync needs no journal commit (0: off)"),
    STORAGE_WAL_MAX_BYTES("storage.wal.max.bytes", "2147483648", "per-table WAL bytes on disk before writes fail"),
    STORAGE_MAX_OPEN_FILES("storage.max.open.files", "4096", "files the storage engine may hold open at once"),
    STORAGE_DEDUP_CAPACITY("storage.dedup.capacity", "100000", "batch ids remembered per table for idempotent retries"),
    STORAGE_DEDUP_RETENTION_MS("storage.dedup.retention.ms", "86400000", "how long a batch id is remembered"),
    INGEST_AUTO_CREATE("ingest.auto.create", "true", "create missing tables from the first batch and add unknown columns as nullable"),
    INGEST_MAX_ROWS_PER_BATCH("ingest.max.rows.per.batch", "1000000", "most rows in one ingest batch (gRPC, HTTP, Flight record batch)"),
    INGEST_MAX_COLUMNS("ingest.max.columns", "1024", "most columns in one ingest batch and table"),
    INGEST_MAX_STRING_BYTES("ingest.max.string.bytes", "65536", "longest VARCHAR value accepted, in UTF-8 bytes"),
    INGEST_ACK_TIMEOUT_MS("ingest.ack.timeout.ms", "60000", "HTTP ingest: how long a request waits for its batch to become durable"),
    INGEST_HTTP_MAX_DECOMPRESSED_BYTES("ingest.http.max.decompressed.bytes", "268435456", "largest NDJSON body after gzip decompression"),
    GRPC_MAX_MESSAGE_BYTES("grpc.max.message.bytes", "16777216", "largest gRPC request (one ingest batch) accepted"),
    GRPC_KEEPALIVE_TIME_MS("grpc.keepalive.time.ms", "60000", "idle time before the server pings a gRPC client"),
    GRPC_KEEPALIVE_TIMEOUT_MS("grpc.keepalive.timeout.ms", "20000", "how long the server waits for a ping answer before closing the connection"),
    GRPC_PERMIT_KEEPALIVE_TIME_MS("grpc.permit.keepalive.time.ms", "10000", "most frequent client keep-alive pings tolerated"),
    GRPC_MAX_CONCURRENT_STREAMS("grpc.max.concurrent.streams", "256", "concurrent gRPC calls per connection"),
    GRPC_STREAM_MAX_IN_FLIGHT_BATCHES("grpc.stream.max.in.flight.batches", "64", "batches one IngestStream may have awaiting their ack"),
    FLIGHT_MAX_MEMORY_BYTES("flight.max.memory.bytes", "1073741824", "Arrow memory the Flight endpoint may hold (result streams and incoming batches)"),
    AUTH_TOKEN("auth.token", "", "token Flight SQL clients present (Authorization: Bearer, or as the password); empty = no authentication, for loopback only"),
    FLIGHT_MAX_INBOUND_MESSAGE_BYTES("flight.max.inbound.message.bytes", "67108864", "largest Flight request or DoPut record batch accepted (Flight's own default is unlimited)"),
    FLIGHT_MAX_SQL_BYTES("flight.max.sql.bytes", "1048576", "longest SQL text accepted over Flight SQL"),
    FLIGHT_QUERY_TIMEOUT_MS("flight.query.timeout.ms", "0", "deadline of a Flight SQL statement; 0 = query.timeout.ms"),
    FLIGHT_RESULT_MAX_ROWS("flight.result.max.rows", "0", "rows one Flight SQL result may return; 0 = query.result.max.rows"),
    FLIGHT_RESULT_MAX_BYTES("flight.result.max.bytes", "0", "Arrow bytes one Flight SQL result stream may send; 0 = unlimited"),
    FLIGHT_MAX_CONCURRENT_STREAMS("flight.max.concurrent.streams", "64", "Flight SQL result streams running at once; more fail with RESOURCE_EXHAUSTED"),
    FLIGHT_MAX_PREPARED_STATEMENTS("flight.max.prepared.statements", "10000", "prepared statements held open at once"),
    FLIGHT_WRITE_BUFFER_BYTES("flight.write.buffer.bytes", "4194304", "result bytes one Flight connection may queue for its socket; larger means fewer, larger socket writes (at least 65536)"),
    FLIGHT_PREPARED_STATEMENT_IDLE_MS("flight.prepared.statement.idle.ms", "1800000", "a prepared statement unused this long is dropped"),
    QUERY_TIMEOUT_MS("query.timeout.ms", "300000", "wall-clock limit of one query"),
    QUERY_MEMORY_MAX_BYTES("query.memory.max.bytes", "1073741824", "memory one query may hold in hash tables, sort buffers and join builds"),
    QUERY_RESULT_MAX_ROWS("query.result.max.rows", "10000000", "rows one query may return; 0 = no limit"),
    QUERY_PARALLELISM("query.parallelism", "0", "query worker threads shared by all queries; 0 = one per core");

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
