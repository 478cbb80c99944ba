package io.quiver.query;

import io.quiver.query.exec.Batch;
import io.quiver.query.exec.Sink;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge between a running query and its reader: result sinks copy each batch's live rows into
 * a fresh {@link RowBatch} and put it on a small bounded queue (backpressure on the workers); the
 * reader takes from it. Exactly one terminal signal follows the batches: the end, or the failure.
 */
final class StreamingCursor implements ResultCursor {
    private static final Object END = new Object();

    private final List<String> names;
    private final List<ColumnType> types;
    private final List<ColumnDef> defs;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(8);
    private final QueryContext context;
    private final long maxRows;
    private final AtomicLong rows = new AtomicLong();
    private boolean done;

    StreamingCursor(List<String> names, List<ColumnType> types, QueryContext context, long maxRows) {
        this.names = List.copyOf(names);
        this.types = List.copyOf(types);
        this.context = context;
        this.maxRows = maxRows;
        List<ColumnDef> d = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            d.add(new ColumnDef("c" + i, types.get(i))); // positional; user-facing names are in names()
        }
        this.defs = d;
    }

    Sink.Factory sinkFactory() {
        return () -> new Sink() {
            @Override
            public void accept(Batch b) {
                if (b.count == 0) {
                    return;
                }
                long total = rows.addAndGet(b.count);
                if (maxRows > 0 && total > maxRows) {
                    throw new QueryException(ErrorCode.RESULT_LIMIT, "query returned more rows than allowed [limit=query.result.max.rows, max="
                            + maxRows + ']');
                }
                RowBatch out = new RowBatch(defs, b.count);
                int[] idx = b.positions();
                for (int c = 0; c < defs.size(); c++) {
                    ColumnVector src = b.cols[c];
                    ColumnVector dst = out.column(c);
                    for (int k = 0; k < b.count; k++) {
                        dst.appendFrom(src, idx[k]);
                    }
                }
                out.syncRowCount();
                put(out);
            }

            @Override
            public void finish() {
            }
        };
    }

    /** Blocks while the reader is behind; gives up when the query dies. */
    private void put(Object item) {
        try {
            while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                context.checkAlive();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(ErrorCode.QUERY_CANCELLED, "query cancelled");
        }
    }

    void complete() {
        putTerminal(END);
    }

    void fail(QueryException e) {
        putTerminal(e);
    }

    private void putTerminal(Object item) {
        // The reader may have closed: never block forever on a terminal signal.
        try {
            while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                if (context.isCancelled()) {
                    queue.clear();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<String> columnNames() {
        return names;
    }

    @Override
    public List<ColumnType> columnTypes() {
        return types;
    }

    @Override
    public RowBatch next() {
        if (done) {
            return null;
        }
        try {
            Object item;
            while ((item = queue.poll(50, TimeUnit.MILLISECONDS)) == null) {
                // The coordinator reports failures itself; this only guards a reader whose query hung.
            }
            if (item == END) {
                done = true;
                return null;
            }
            if (item instanceof QueryException e) {
                done = true;
                throw new QueryException(e.code(), e.getMessage(), e.line(), e.column(), e);
            }
            return (RowBatch) item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.cancel();
            throw new QueryException(ErrorCode.QUERY_CANCELLED, "query cancelled");
        }
    }

    @Override
    public void close() {
        if (!done) {
            context.cancel();
            queue.clear();
            done = true;
        }
    }
}
