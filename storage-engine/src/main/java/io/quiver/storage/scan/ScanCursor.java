package io.quiver.storage.scan;

import io.quiver.storage.vector.RowBatch;

/** Reads a split batch by batch. Not thread-safe; one per reading thread. */
public interface ScanCursor extends AutoCloseable {
    /**
     * Fills {@code out} (whose columns are the projected columns, in order) with the next batch of
     * rows, reusing its vectors. Returns false when the split is exhausted. A batch never holds more
     * than {@link #maxBatchRows()} rows.
     */
    boolean next(RowBatch out);

    /** The most rows {@link #next} puts in one batch; callers size their vectors with it. */
    int maxBatchRows();

    /** Blocks (or memtable chunks) decoded so far. */
    long blocksRead();

    /** Blocks (or memtable chunks) skipped because the predicate ruled them out. */
    long blocksSkipped();

    @Override
    void close();
}
