package io.quiver.query;

import io.quiver.storage.ColumnType;

import java.util.List;

/**
 * A result read as units of a {@link ResultEncoder}. Each unit is the reader's to free. Not
 * thread-safe: one reader. Closing early cancels the rest of the query and frees undelivered units.
 */
public interface EncodedCursor<T> extends AutoCloseable {
    List<String> columnNames();

    List<ColumnType> columnTypes();

    /** The next unit, or null at the end; throws {@link QueryException} when the query fails. */
    T next();

    /** True when {@link #next()} would answer without waiting for the query. */
    boolean ready();

    @Override
    void close();
}
