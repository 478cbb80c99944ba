package io.quiver.query;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.RowBatch;

import java.util.List;

/**
 * The rows of a query, streamed batch by batch. Names and types are known before the first batch.
 * Not thread-safe: one reader. Closing early cancels the rest of the query.
 */
public interface ResultCursor extends AutoCloseable {
    List<String> columnNames();

    List<ColumnType> columnTypes();

    /**
     * The next batch, or null at the end. The batch is the caller's to keep (it is not reused).
     * Throws {@link QueryException} when the query fails while streaming.
     */
    RowBatch next();

    @Override
    void close();
}
