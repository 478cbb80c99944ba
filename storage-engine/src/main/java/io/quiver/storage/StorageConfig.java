package io.quiver.storage;

/**
 * Storage settings, one fluent object per engine. Every limit the engine enforces is here with its
 * default and unit; the server maps its dotted config keys ({@code storage.memtable.flush.bytes},
 * ...) onto these setters.
 */
public final class StorageConfig {
    /** Default durability of new tables: FSYNC (an ack survives power loss). */
    public static final Durability DURABILITY_DEFAULT = Durability.FSYNC;
    /**
     * Group-commit interval: under load, fsyncs happen at most this often per table, so concurrent
     * appends share one; an append after a quiet period is fsynced at once. See WalConfig.
     */
    public static final long GROUP_COMMIT_INTERVAL_US_DEFAULT = 1_000;
    /** A memtable is sealed and flushed once it holds this many bytes off-heap. */
    public static final long MEMTABLE_FLUSH_BYTES_DEFAULT = 64L << 20;
    /** Hard limit per table for memtable bytes (active + being flushed): writes fail RESOURCE_EXHAUSTED past it. */
    public static final long MEMTABLE_MAX_BYTES_DEFAULT = 512L << 20;
    /**
     * How long an append waits for a flush to make room when the table's memtables are at their
     * hard limit, before it is refused (RESOURCE_EXHAUSTED); 0 refuses at once. Under the Java
     * client's 30 s ack timeout, so a waiting batch is not also resent.
     */
    public static final long MEMTABLE_FULL_WAIT_MS_DEFAULT = 10_000;
    /** ... or once its oldest row is this old, so data reaches segments even at a trickle. */
    public static final long MEMTABLE_MAX_AGE_MS_DEFAULT = 60_000;
    /** Rows per column block in a segment: the unit of compression, checksums, zone maps and scan batches. */
    public static final int SEGMENT_BLOCK_ROWS_DEFAULT = 8192;
    /** A flush or compaction cuts its output into segments of at most this many rows. */
    public static final long SEGMENT_MAX_ROWS_DEFAULT = 16L << 20;
    /** Compaction merges a partition's segments smaller than this many rows... */
    public static final long COMPACTION_SMALL_SEGMENT_ROWS_DEFAULT = 1L << 20;
    /** ...once there are at least this many of them. */
    public static final int COMPACTION_MIN_SEGMENTS_DEFAULT = 4;
    /** Largest WAL record (one ingest batch), in bytes. */
    public static final int WAL_MAX_RECORD_BYTES_DEFAULT = 64 << 20;
    /** A WAL file is rolled past this size. */
    public static final long WAL_FILE_BYTES_DEFAULT = 128L << 20;
    /** WAL files are prepared zero-filled at this size ahead of use (0: off); see {@code WalConfig#PREALLOCATE_BYTES_DEFAULT}. */
    public static final long WAL_PREALLOCATE_BYTES_DEFAULT = io.quiver.storage.wal.WalConfig.PREALLOCATE_BYTES_DEFAULT;
    /** WAL bytes on disk per table beyond which appends fail until a flush catches up. */
    public static final long WAL_MAX_BYTES_DEFAULT = 2L << 30;
    /** Files the engine may hold open at once (WAL files, files being written; mapped segments hold none). */
    public static final int MAX_OPEN_FILES_DEFAULT = 4096;
    /**
     * Batch ids remembered per table for idempotent retries. The index file is allocated up front
     * (about 90 bytes per entry), so 100k ids cost about 9 MB per table; past it the oldest ids go first.
     */
    public static final long DEDUP_CAPACITY_DEFAULT = 100_000;
    /** How long a batch id is remembered. */
    public static final long DEDUP_RETENTION_MS_DEFAULT = 24L * 3600 * 1000;

    private Durability durability = DURABILITY_DEFAULT;
    private long groupCommitIntervalUs = GROUP_COMMIT_INTERVAL_US_DEFAULT;
    private long memtableFlushBytes = MEMTABLE_FLUSH_BYTES_DEFAULT;
    private long memtableMaxBytes = MEMTABLE_MAX_BYTES_DEFAULT;
    private long memtableMaxAgeMs = MEMTABLE_MAX_AGE_MS_DEFAULT;
    private long memtableFullWaitMs = MEMTABLE_FULL_WAIT_MS_DEFAULT;
    private int segmentBlockRows = SEGMENT_BLOCK_ROWS_DEFAULT;
    private long segmentMaxRows = SEGMENT_MAX_ROWS_DEFAULT;
    private long compactionSmallSegmentRows = COMPACTION_SMALL_SEGMENT_ROWS_DEFAULT;
    private int compactionMinSegments = COMPACTION_MIN_SEGMENTS_DEFAULT;
    private boolean compactionEnabled = true;
    private int walMaxRecordBytes = WAL_MAX_RECORD_BYTES_DEFAULT;
    private long walFileBytes = WAL_FILE_BYTES_DEFAULT;
    private long walPreallocateBytes = WAL_PREALLOCATE_BYTES_DEFAULT;
    private long walMaxBytes = WAL_MAX_BYTES_DEFAULT;
    private int maxOpenFiles = MAX_OPEN_FILES_DEFAULT;
    private long dedupCapacity = DEDUP_CAPACITY_DEFAULT;
    private long dedupRetentionMs = DEDUP_RETENTION_MS_DEFAULT;
    private long backgroundIntervalMs = 200;

    public Durability durability() { return durability; }
    public StorageConfig durability(Durability v) { durability = v; return this; }
    public long groupCommitIntervalUs() { return groupCommitIntervalUs; }
    public StorageConfig groupCommitIntervalUs(long v) { groupCommitIntervalUs = positive(v, "groupCommitIntervalUs"); return this; }
    public long memtableFlushBytes() { return memtableFlushBytes; }
    public StorageConfig memtableFlushBytes(long v) { memtableFlushBytes = positive(v, "memtableFlushBytes"); return this; }
    public long memtableMaxBytes() { return memtableMaxBytes; }
    public StorageConfig memtableMaxBytes(long v) { memtableMaxBytes = positive(v, "memtableMaxBytes"); return this; }
    public long memtableFullWaitMs() { return memtableFullWaitMs; }
    public StorageConfig memtableFullWaitMs(long v) {
        if (v < 0) {
            throw StorageException.invalid("storage setting must not be negative [setting=memtableFullWaitMs, value=" + v + ']');
        }
        memtableFullWaitMs = v;
        return this;
    }
    public long memtableMaxAgeMs() { return memtableMaxAgeMs; }
    public StorageConfig memtableMaxAgeMs(long v) { memtableMaxAgeMs = positive(v, "memtableMaxAgeMs"); return this; }
    public int segmentBlockRows() { return segmentBlockRows; }
    public StorageConfig segmentBlockRows(int v) { segmentBlockRows = (int) positive(v, "segmentBlockRows"); return this; }
    public long segmentMaxRows() { return segmentMaxRows; }
    public StorageConfig segmentMaxRows(long v) { segmentMaxRows = positive(v, "segmentMaxRows"); return this; }
    public long compactionSmallSegmentRows() { return compactionSmallSegmentRows; }
    public StorageConfig compactionSmallSegmentRows(long v) { compactionSmallSegmentRows = positive(v, "compactionSmallSegmentRows"); return this; }
    public int compactionMinSegments() { return compactionMinSegments; }
    public StorageConfig compactionMinSegments(int v) { compactionMinSegments = (int) Math.max(2, v); return this; }
    public boolean compactionEnabled() { return compactionEnabled; }
    public StorageConfig compactionEnabled(boolean v) { compactionEnabled = v; return this; }
    public int walMaxRecordBytes() { return walMaxRecordBytes; }
    public StorageConfig walMaxRecordBytes(int v) { walMaxRecordBytes = (int) positive(v, "walMaxRecordBytes"); return this; }
    public long walFileBytes() { return walFileBytes; }
    public StorageConfig walFileBytes(long v) { walFileBytes = positive(v, "walFileBytes"); return this; }
    public long walPreallocateBytes() { return walPreallocateBytes; }
    public StorageConfig walPreallocateBytes(long v) {
        if (v != 0 && v < io.quiver.storage.wal.WalConfig.MIN_PREALLOCATE_BYTES) {
            throw StorageException.invalid("storage setting must be 0 (off) or at least "
                    + io.quiver.storage.wal.WalConfig.MIN_PREALLOCATE_BYTES + " [setting=walPreallocateBytes, value=" + v + ']');
        }
        walPreallocateBytes = v;
        return this;
    }
    public long walMaxBytes() { return walMaxBytes; }
    public StorageConfig walMaxBytes(long v) { walMaxBytes = positive(v, "walMaxBytes"); return this; }
    public int maxOpenFiles() { return maxOpenFiles; }
    public StorageConfig maxOpenFiles(int v) { maxOpenFiles = (int) positive(v, "maxOpenFiles"); return this; }
    public long dedupCapacity() { return dedupCapacity; }
    public StorageConfig dedupCapacity(long v) { dedupCapacity = positive(v, "dedupCapacity"); return this; }
    public long dedupRetentionMs() { return dedupRetentionMs; }
    public StorageConfig dedupRetentionMs(long v) { dedupRetentionMs = positive(v, "dedupRetentionMs"); return this; }
    /** How often the background worker checks flush age and compaction. */
    public long backgroundIntervalMs() { return backgroundIntervalMs; }
    public StorageConfig backgroundIntervalMs(long v) { backgroundIntervalMs = positive(v, "backgroundIntervalMs"); return this; }

    private static long positive(long v, String name) {
        if (v <= 0) {
            throw StorageException.invalid("storage setting must be positive [setting=" + name + ", value=" + v + ']');
        }
        return v;
    }
}
