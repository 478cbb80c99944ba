package io.quiver.query;

import io.quiver.query.exec.Batch;
import io.quiver.query.exec.Sink;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge between a running query and its reader: result sinks copy each batch's live rows (bulk
 * array copies, or one gather loop per column under a selection) into a {@link RowBatch} the reader
 * gave back ({@link #release}) or a new one, and put it on a small bounded queue (backpressure on
 * the workers); the reader takes from it. Exactly one terminal signal follows the batches: the end, or the failure.
 */
final class StreamingCursor implements ResultCursor {
    private static final Object END = new Object();
    /** More than the queue plus one batch per worker never waits for reuse. */
    private static final int MAX_RECYCLED = 16;

    private final List<String> names;
    private final List<ColumnType> types;
    private final List<ColumnDef> defs;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(8);
    /** Batches the reader is done with, refilled by the sinks: a long stream stops allocating (bounded by what is in flight). */
    private final Queue<RowBatch> recycled = new ConcurrentLinkedQueue<>();
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
                RowBatch out = recycledOrNew(b.count);
                int[] idx = b.sel; // null: rows [0, count) are all live, copied in bulk
                for (int c = 0; c < defs.size(); c++) {
                    copyRows(b.cols[c], idx, b.count, out.column(c));
                }
                out.setRowCount(b.count);
                put(out);
            }

            @Override
            public void finish() {
            }
        };
    }

    /** A batch the reader gave back ({@link #release}), emptied and sized for {@code rows}, or a new one. */
    private RowBatch recycledOrNew(int rows) {
        RowBatch out = recycled.poll();
        if (out == null) {
            return new RowBatch(defs, rows);
        }
        out.reset(rows);
        return out;
    }

    /**
     * Copies the live rows of {@code src} ({@code sel[0..count)}, or {@code [0, count)} when {@code sel}
     * is null) into the empty {@code dst}: array copies for a contiguous run, a gather loop over the
     * arrays otherwise; never a call per value.
     */
    static void copyRows(ColumnVector src, int[] sel, int count, ColumnVector dst) {
        dst.ensureCapacity(count);
        boolean[] nulls = dst.nulls;
        if (sel == null) {
            System.arraycopy(src.nulls, 0, nulls, 0, count);
            dst.hasNulls = src.hasNulls;
        } else {
            boolean any = false;
            boolean[] srcNulls = src.nulls;
            for (int k = 0; k < count; k++) {
                boolean isNull = srcNulls[sel[k]];
                nulls[k] = isNull;
                any |= isNull;
            }
            dst.hasNulls = any;
        }
        switch (src.type().physical()) {
            case LONG -> {
                if (sel == null) {
                    System.arraycopy(src.longs, 0, dst.longs, 0, count);
                } else {
                    long[] from = src.longs;
                    long[] to = dst.longs;
                    for (int k = 0; k < count; k++) {
                        to[k] = from[sel[k]];
                    }
                }
            }
            case DOUBLE -> {
                if (sel == null) {
                    System.arraycopy(src.doubles, 0, dst.doubles, 0, count);
                } else {
                    double[] from = src.doubles;
                    double[] to = dst.doubles;
                    for (int k = 0; k < count; k++) {
                        to[k] = from[sel[k]];
                    }
                }
            }
            case BYTES -> copyStrings(src, sel, count, dst);
        }
    }

    private static void copyStrings(ColumnVector src, int[] sel, int count, ColumnVector dst) {
        int[] from = src.offsets;
        int[] to = dst.offsets;
        if (sel == null) {
            int first = from[0];
            int total = from[count] - first;
            dst.ensureByteCapacity(total);
            System.arraycopy(src.bytes, first, dst.bytes, 0, total);
            for (int k = 0; k <= count; k++) {
                to[k] = from[k] - first;
            }
            return;
        }
        int total = 0;
        for (int k = 0; k < count; k++) {
            total += from[sel[k] + 1] - from[sel[k]];
        }
        dst.ensureByteCapacity(total);
        byte[] bytes = dst.bytes;
        int at = 0;
        to[0] = 0;
        for (int k = 0; k < count; k++) {
            int start = from[sel[k]];
            int len = from[sel[k] + 1] - start;
            System.arraycopy(src.bytes, start, bytes, at, len);
            at += len;
            to[k + 1] = at;
        }
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
    public boolean ready() {
        return done || !queue.isEmpty();
    }

    @Override
    public void release(RowBatch batch) {
        if (batch != null && batch.columnCount() == defs.size() && recycled.size() < MAX_RECYCLED) {
            recycled.offer(batch);
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
