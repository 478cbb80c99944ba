package io.quiver.storage.table;

import io.quiver.storage.vector.RowBatch;

/** Decides which rows of a batch a DELETE removes. */
@FunctionalInterface
public interface RowFilter {
    /**
     * Sets {@code matches[i]} for every row {@code i < rows.rowCount()} of the batch (whose columns
     * are the ones the delete asked for, in order): true deletes the row.
     */
    void evaluate(RowBatch rows, boolean[] matches);
}
