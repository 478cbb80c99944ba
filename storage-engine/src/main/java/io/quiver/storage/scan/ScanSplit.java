package io.quiver.storage.scan;

/** One part of a {@link TableScan}: a segment or a memtable prefix. Thread-safe; cursors are not. */
public interface ScanSplit {
    /** Rows in this split. */
    long rowCount();

    /**
     * Exact statistics of a column over this split (from segment zone maps or memtable chunk
     * statistics), or null when not known. Lets COUNT / MIN / MAX be answered without reading data.
     */
    ColumnStats columnStats(int column);

    /**
     * Opens a cursor over the given table columns (indexes into the scan's schema), in that order.
     * The predicate is used only to skip whole blocks whose zone maps rule it out: rows of the
     * blocks that are read are returned unfiltered, so the caller still applies its filter.
     */
    ScanCursor open(int[] columns, ScanPredicate predicate);

    /**
     * Opens a cursor that decodes block by block on request (see {@link BlockCursor}), or returns
     * null when this split cannot (memtables, heap batches, segments with deleted rows): then use
     * {@link #open}. Same columns, predicate and rows as {@link #open}.
     */
    default BlockCursor openBlocks(int[] columns, ScanPredicate predicate) {
        return null;
    }

    /** A short description for EXPLAIN, e.g. {@code segment 2026-11-23/seg-00000012 rows=1048576}. */
    String describe();
}
