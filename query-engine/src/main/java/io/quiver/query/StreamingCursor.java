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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bridge between a running query and its reader: result sinks copy each batch's live rows (bulk
 * array copies, or one gather loop per column under a selection) into a {@link RowBatch} the reader
 * gave back ({@link #release}) or a new one, and put it on a small bounded queue (backpressure on
 * the workers); the reader takes from it. Exactly one terminal signal follows the batches: the end, or the failure.
 *
 * <p>Once the reader asks for {@link #encoded} units, each worker's sink appends its rows to its own
 * {@link ResultEncoder.Part} instead (no intermediate copy of a contiguous batch) and queues the
 * finished units: the conversion runs on all workers while the reader only ships. A part ships when
 * the encoder says it is full or its worker finishes; the reader takes a part's pending rows itself
 * when nothing has arrived for {@link #IDLE_STEAL_MS}, so a slow query's rows are not held back. (A
 * part does not ship merely because the queue is empty: a reader that takes each unit at once keeps
 * it empty, and a fast scan then became one short unit per engine batch, twice the Flight messages,
 * each copied again into buffers of its size.) A worker queues under its part's lock, so rows taken
 * that way never overtake that worker's earlier units.
 */
final class StreamingCursor implements ResultCursor {
    private static final Object END = new Object();
    /** More than the queue plus one batch per worker never waits for reuse. */
    private static final int MAX_RECYCLED = 16;
    /** How long the reader of encoded units waits before taking the workers' pending rows itself. */
    private static final long IDLE_STEAL_MS = 10;
    /**
     * Encoded units queued at once: each gathers several engine batches (a record batch of ~1 MiB for
     * Flight) and holds off-heap memory, so a few keep the reader busy without the queue's full depth.
     * 6, not 3: the bound was 3 but rows the reader took from an idle part each gave one unit of room
     * back, so a Flight stream ran with up to 8; held to 3 it read 10 M rows ~15% slower
     * (bench/RESULTS-flight.md), at 6 as fast as before.
     */
    static final int MAX_QUEUED_UNITS = 6;

    private final List<String> names;
    private final List<ColumnType> types;
    private final List<ColumnDef> defs;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(8);
    /** Batches the reader is done with, refilled by the sinks: a long stream stops allocating (bounded by what is in flight). */
    private final Queue<RowBatch> recycled = new ConcurrentLinkedQueue<>();
    /** Room for encoded units on the queue: taken by a worker before it queues one, given back when the unit leaves the queue. */
    private final Semaphore unitRoom = new Semaphore(MAX_QUEUED_UNITS);
    private final QueryContext context;
    private final long maxRows;
    private final AtomicLong rows = new AtomicLong();
    private boolean done;
    /** Set once, by {@link #encoded} or up front: from then on the sinks hand their rows to parts of it. */
    private volatile ResultEncoder<?> encoder;
    /** {@link #encoded} was called (once only). */
    private boolean encodedCursorMade;
    private final List<WorkerPart<?>> parts = new CopyOnWriteArrayList<>();
    /**
     * Set by {@link #closeParts} before it closes the parts it sees: a part a worker registers later
     * (its first rows arrived after the query failed or was cancelled, e.g. a join's probe side) is
     * closed by that worker itself, else its buffers would stay allocated.
     */
    private volatile boolean partsClosed;
    /** The reader closed: whatever is queued from now on is discarded, never delivered. */
    private volatile boolean closed;

    /** A finished unit of the encoder on the queue (told apart from a {@link RowBatch} queued before the switch). */
    private record Unit(Object value) {
    }

    /** Rows the reader took from a worker's part itself: not on the queue, so not counted against its room for units. */
    private record StolenUnit(Object value) {
    }

    /** One sink's part, locked while its thread appends and queues and while the reader takes its pending rows. */
    private static final class WorkerPart<T> {
        final ResultEncoder.Part<T> part;
        final ReentrantLock lock = new ReentrantLock();
        boolean closed;

        WorkerPart(ResultEncoder.Part<T> part) {
            this.part = part;
        }

        /** Frees pending rows; the part takes no more. */
        void close() {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    part.close();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    StreamingCursor(List<String> names, List<ColumnType> types, QueryContext context, long maxRows) {
        this(names, types, context, maxRows, null);
    }

    /** With {@code encoder} non-null, the sinks encode from the first row; the reader then calls {@link #encoded} with it. */
    StreamingCursor(List<String> names, List<ColumnType> types, QueryContext context, long maxRows, ResultEncoder<?> encoder) {
        this.encoder = encoder;
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
            private WorkerPart<?> part;
            private RowBatch compacted;
            private ColumnVector[] cols;

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
                ResultEncoder<?> enc = encoder;
                if (enc != null) {
                    encode(enc, b);
                    return;
                }
                RowBatch out = recycledOrNew(b.count);
                int[] idx = b.sel; // null: rows [0, count) are all live, copied in bulk
                for (int c = 0; c < defs.size(); c++) {
                    copyRows(b.cols[c], idx, b.count, out.column(c));
                }
                out.setRowCount(b.count);
                put(out);
            }

            private void encode(ResultEncoder<?> enc, Batch b) {
                if (part == null) {
                    part = new WorkerPart<>(enc.newPart(types));
                    parts.add(part);
                    if (partsClosed) {
                        part.close(); // closeParts ran before this part was listed: the append below refuses the rows
                    }
                    cols = new ColumnVector[defs.size()];
                }
                if (b.sel == null) {
                    System.arraycopy(b.cols, 0, cols, 0, cols.length);
                } else { // the encoder takes contiguous rows: gather the live ones first
                    if (compacted == null) {
                        compacted = new RowBatch(defs, b.count);
                    }
                    compacted.reset(b.count);
                    for (int c = 0; c < cols.length; c++) {
                        copyRows(b.cols[c], b.sel, b.count, compacted.column(c));
                        cols[c] = compacted.column(c);
                    }
                }
                appendAndQueue(part, cols, b.count, false);
            }

            @Override
            public void finish() {
                if (part != null) {
                    appendAndQueue(part, null, 0, true);
                }
            }
        };
    }

    /**
     * Appends rows to a worker's part (none when {@code cols} is null) and queues the unit that
     * finishes, or the pending rows when {@code flush}.
     */
    private <T> void appendAndQueue(WorkerPart<T> wp, ColumnVector[] cols, int count, boolean flush) {
        wp.lock.lock();
        try {
            if (wp.closed) {
                throw new QueryException(ErrorCode.QUERY_CANCELLED, "query cancelled");
            }
            T unit = cols == null ? null : wp.part.append(cols, count);
            if (unit == null && flush) {
                unit = wp.part.flush();
            }
            if (unit != null) {
                put(new Unit(unit));
            }
        } finally {
            wp.lock.unlock();
        }
    }

    /** Frees every part's pending rows: once the workers are done, or when the reader gave up. */
    private void closeParts() {
        partsClosed = true;
        for (WorkerPart<?> p : parts) {
            p.close();
        }
    }

    /** Frees a queued item that will never be delivered. */
    @SuppressWarnings("unchecked")
    private void discard(Object item) {
        ResultEncoder<Object> enc = (ResultEncoder<Object>) encoder;
        if (item instanceof Unit u && enc != null) {
            enc.discard(u.value());
        }
    }

    /** Gives back the queue room of a unit that left the queue. */
    private void unitLeft(Object item) {
        if (item instanceof Unit) {
            unitRoom.release();
        }
    }

    /** Empties the queue, freeing encoded units. */
    private void drain() {
        Object item;
        while ((item = queue.poll()) != null) {
            unitLeft(item);
            discard(item);
        }
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
        boolean queued = false;
        boolean roomTaken = false;
        try {
            if (item instanceof Unit) {
                while (!unitRoom.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    context.checkAlive();
                }
                roomTaken = true;
            }
            while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                context.checkAlive();
            }
            queued = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(ErrorCode.QUERY_CANCELLED, "query cancelled");
        } finally {
            if (!queued) {
                if (roomTaken) {
                    unitRoom.release();
                }
                discard(item);
            }
        }
        if (closed) {
            drain(); // the reader left between our offer and its own drain
        }
    }

    void complete() {
        for (WorkerPart<?> p : parts) { // the workers are done; an operator that never called finish() left rows pending
            appendAndQueue(p, null, 0, true);
        }
        closeParts();
        putTerminal(END);
    }

    void fail(QueryException e) {
        closeParts();
        putTerminal(e);
    }

    private void putTerminal(Object item) {
        // The reader may have closed: never block forever on a terminal signal.
        try {
            while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                if (context.isCancelled()) {
                    drain();
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
            return (RowBatch) terminalOr(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.cancel();
            throw new QueryException(ErrorCode.QUERY_CANCELLED, "query cancelled");
        }
    }

    /** The item itself, or null at the end (the failure is thrown). */
    private Object terminalOr(Object item) {
        if (item == END) {
            done = true;
            return null;
        }
        if (item instanceof QueryException e) {
            done = true;
            throw new QueryException(e.code(), e.getMessage(), e.line(), e.column(), e);
        }
        return item;
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
    public <T> EncodedCursor<T> encoded(ResultEncoder<T> encoder) {
        if (encodedCursorMade) {
            throw new IllegalStateException("the cursor already hands out encoded units");
        }
        if (this.encoder != null && this.encoder != encoder) {
            throw new IllegalStateException("the query was started for another encoder");
        }
        encodedCursorMade = true;
        this.encoder = encoder;
        return new EncodedCursor<>() {
            private final ResultEncoder.Part<T> readerPart = encoder.newPart(types);
            private final ColumnVector[] scratch = new ColumnVector[types.size()];

            @Override
            public List<String> columnNames() {
                return names;
            }

            @Override
            public List<ColumnType> columnTypes() {
                return types;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                while (true) {
                    Object item = take();
                    if (item == null) {
                        return null;
                    }
                    if (item instanceof Unit u) {
                        unitLeft(u);
                        return (T) u.value();
                    }
                    if (item instanceof StolenUnit u) { // never on the queue: it took no room there, it gives none back
                        return (T) u.value();
                    }
                    // a batch queued before the switch: encoded here, alone, so it keeps its place
                    RowBatch b = (RowBatch) item;
                    // the append itself may hand back a full unit (the batch alone fills one): it holds every row
                    // appended, since the reader's part is flushed after each batch
                    T unit = ReaderThreadEncoding.encode(readerPart, b, scratch);
                    if (unit == null) {
                        unit = readerPart.flush();
                    }
                    if (unit != null) {
                        return unit;
                    }
                }
            }

            /** The next queued item, rows taken from an idle worker's part, or null at the end. */
            private Object take() {
                if (done) {
                    return null;
                }
                try {
                    Object item = queue.poll(IDLE_STEAL_MS, TimeUnit.MILLISECONDS);
                    while (item == null) {
                        Object stolen = takePending();
                        if (stolen != null) {
                            return stolen;
                        }
                        item = queue.poll(50, TimeUnit.MILLISECONDS);
                    }
                    // units past terminalOr's type tests: seeing only units there, C2 speculated on that type and
                    // deoptimized at each stream's end marker (JFR: a recompile of this reader's loop every few streams)
                    return item instanceof Unit ? item : terminalOr(item);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    context.cancel();
                    throw new QueryException(ErrorCode.QUERY_CANCELLED, "query cancelled");
                }
            }

            /** Rows a worker holds while nothing is queued, as a unit (the worker is not mid-append: its lock is free). */
            private Object takePending() {
                for (WorkerPart<?> p : parts) {
                    if (p.lock.tryLock()) {
                        try {
                            if (!p.closed && queue.isEmpty()) {
                                Object unit = p.part.flush();
                                if (unit != null) {
                                    return new StolenUnit(unit);
                                }
                            }
                        } finally {
                            p.lock.unlock();
                        }
                    }
                }
                return null;
            }

            @Override
            public boolean ready() {
                return StreamingCursor.this.ready();
            }

            @Override
            public void close() {
                try {
                    StreamingCursor.this.close();
                } finally {
                    readerPart.close();
                }
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        if (!done) {
            context.cancel();
            done = true;
        }
        drain();
        // rows pending in the workers' parts will never be read: free them now, not when the query
        // has wound down (a part holds a whole unit's buffers, and the reader's owner may be waiting
        // for that memory, as a Flight stream waits for its allocator to empty); a worker's next
        // append into a closed part stops it
        closeParts();
    }
}
