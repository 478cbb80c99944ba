package io.quiver.storage.memory;

/**
 * What a block of native memory is for. Every allocation carries one, so the held bytes per
 * purpose can be reported as metrics and a test can assert that one purpose returned to its
 * starting value (no leak).
 */
public enum NativeMemoryTag {
    /** Column chunks of in-memory tables awaiting flush. */
    MEMTABLE,
    /** Write-ahead log buffers. */
    WAL,
    /** Buffers of a flush or compaction writing a segment. */
    SEGMENT_WRITE,
    /** Buffers of scans reading segments or memtables. */
    SCAN,
    /** Per-query working memory (hash tables, sort buffers). */
    QUERY,
    /** Anything else; prefer adding a tag over using this one. */
    OTHER
}
