package io.quiver.client.query;

import io.quiver.client.QuiverException;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The result of a query, streamed: either batch by batch ({@link #nextBatch()} then {@link
 * #root()}, one reused {@link VectorSchemaRoot} that the stream owns) or row by row ({@link
 * #rows()}). Close it (try-with-resources) to release its Arrow memory; closing before the end
 * cancels the rest of the query on the server, as does {@link #cancel()} from any thread.
 */
public final class QueryStream implements AutoCloseable {
    private final FlightStream stream;
    private final Runnable onClose;
    private boolean closed;

    QueryStream(FlightStream stream, Runnable onClose) {
        this.stream = stream;
        this.onClose = onClose;
    }

    public Schema schema() {
        return stream.getSchema();
    }

    /** Loads the next batch into {@link #root()}; false at the end. */
    public boolean nextBatch() {
        try {
            return stream.next();
        } catch (FlightRuntimeException e) {
            throw QueryClient.translate(e);
        }
    }

    /** The current batch; valid until the next {@link #nextBatch()}. */
    public VectorSchemaRoot root() {
        return stream.getRoot();
    }

    /** All remaining rows, one reused {@link Row} view at a time. */
    public Iterator<Row> rows() {
        return new Iterator<>() {
            private final Row row = new Row();
            private int next;
            private boolean loaded;

            @Override
            public boolean hasNext() {
                while (!loaded || next >= root().getRowCount()) {
                    if (!nextBatch()) {
                        return false;
                    }
                    loaded = true;
                    next = 0;
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                row.at(root(), next++);
                return row;
            }
        };
    }

    /** Cancels the query on the server; the stream then ends with a CANCELLED error. */
    public void cancel() {
        stream.cancel("cancelled by the client", null);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stream.close();
        } catch (Exception e) {
            throw new QuiverException("INTERNAL", "closing the result stream failed [cause=" + e + ']', e);
        } finally {
            onClose.run();
        }
    }
}
