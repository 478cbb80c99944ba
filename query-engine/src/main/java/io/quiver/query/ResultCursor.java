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

    /**
     * True when {@link #next()} would answer at once, without waiting for the query (a batch or the
     * end is already queued). Lets a reader gather what is there into larger units without adding
     * latency. The default says false (never gather).
     */
    default boolean ready() {
        return false;
    }

    /**
     * Hands a batch returned by {@link #next()} back once the reader is completely done with it (it
     * must not touch it afterwards), so the cursor may refill it instead of allocating a new one.
     * Optional: a reader that keeps its batches simply never calls it. The default ignores it.
     */
    default void release(RowBatch batch) {
    }

    /**
     * Reads the rest of the result as units of {@code encoder} instead of batches; call it instead
     * of {@link #next()}, not after. A cursor fed by the engine's workers encodes on those threads
     * (in parallel, without an intermediate copy); this default encodes on the reader's thread,
     * gathering batches already queued into one unit. Closing the returned cursor closes this one.
     */
    default <T> EncodedCursor<T> encoded(ResultEncoder<T> encoder) {
        return new ReaderThreadEncoding<>(this, encoder);
    }

    @Override
    void close();
}
