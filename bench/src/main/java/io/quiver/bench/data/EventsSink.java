package io.quiver.bench.data;

/**
 * Somewhere generated events are loaded: Quiver's storage engine, its segment writer, DuckDB. A
 * sink times only its own work, so generating the rows is not part of anyone's load time.
 */
public interface EventsSink extends AutoCloseable {
    String name();

    /** Loads the chunk's rows. */
    void append(EventsChunk chunk) throws Exception;

    /** Makes everything durable and compact, as a load would end (flush, checkpoint). */
    void finish() throws Exception;

    /** Nanoseconds spent in append and finish. */
    long loadNanos();

    /** Bytes this sink's files occupy now. */
    long bytesOnDisk() throws Exception;

    @Override
    void close() throws Exception;
}
