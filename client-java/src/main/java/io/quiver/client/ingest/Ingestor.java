package io.quiver.client.ingest;

import io.quiver.proto.v1.IngestAck;
import io.quiver.proto.v1.IngestServiceGrpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes rows into Quiver tables in batches, with bounded memory, retries and precise errors.
 * Thread-safe: many threads may add rows at once (each gets its own {@link RowBuilder}).
 *
 * <p>Rows are appended to one open batch per table. A batch is sealed when it holds
 * {@link IngestOptions#maxBatchRows()} rows or {@link IngestOptions#maxBatchBytes()} bytes, or
 * {@link IngestOptions#linger()} after its first row, and sent. At most
 * {@link IngestOptions#maxInFlightBatches()} batches are unacknowledged at a time; beyond that
 * {@link RowBuilder#add()} blocks or fails fast (see {@link IngestOptions.Backpressure}).
 *
 * <p>A transient failure (server unavailable or restarting, an overdue ack, server memory full) is
 * retried with exponential backoff and jitter, resending the same request with the same batch id,
 * so the server applies it once however often it arrives. A permanent failure (bad value, bad
 * schema, batch over a limit, retries exhausted) fails the batch's future with an
 * {@link IngestException}, goes to {@link IngestOptions#errorHandler()}, and is thrown by the next
 * {@link #flush()} or {@link #close()}.
 */
public final class Ingestor implements AutoCloseable, BatchSender.Listener {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final IngestOptions options;
    private final BatchSender sender;
    private final InFlightWindow window;
    private final ScheduledExecutorService scheduler;
    private final Runnable onClose;
    private final ThreadLocal<RowBuilder> builders = ThreadLocal.withInitial(() -> new RowBuilder(this));

    /** Guards the open batches, the counters below and the overflow queue. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, OpenBatch> open = new HashMap<>();
    /** FAIL mode: batches sealed while the window was full, sent as slots free up. */
    private final ArrayDeque<SealedBatch> overflow = new ArrayDeque<>();
    private final List<CompletableFuture<Void>> readyWaiters = new ArrayList<>();
    private long rowOrdinal;
    private long batchCounter;
    private boolean closed;

    /** Sealed and not yet finished: what {@link #flush()} waits for. */
    private final Set<SealedBatch> unfinished = ConcurrentHashMap.newKeySet();
    private final List<IngestException> errors = new ArrayList<>(); // guarded by itself
    private final AtomicLong unackedBytes = new AtomicLong();
    private final AtomicLong rowsAcked = new AtomicLong();
    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong batchesAcked = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong batchesFailed = new AtomicLong();

    private static final class OpenBatch {
        final BatchAssembler assembler;
        CompletableFuture<BatchAck> ack;

        OpenBatch(BatchAssembler assembler) {
            this.assembler = assembler;
        }
    }

    /** Created by {@code QuiverClient.newIngestor}; {@code onClose} tells the client it is gone. */
    public Ingestor(IngestServiceGrpc.IngestServiceStub stub, IngestOptions options, Runnable onClose) {
        this.options = options.copy();
        this.onClose = onClose;
        this.window = new InFlightWindow(this.options.maxInFlightBatches());
        long ackTimeout = InFlightWindow.toNanos(this.options.ackTimeout());
        this.sender = this.options.transport() == IngestOptions.Transport.STREAM
                ? new StreamBatchSender(stub, this, ackTimeout)
                : new UnaryBatchSender(stub, this, ackTimeout);
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "quiver-ingestor-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
        long tick = Math.max(1_000_000L, InFlightWindow.toNanos(this.options.linger()) / 4);
        scheduler.scheduleWithFixedDelay(this::sealLingering, tick, tick, TimeUnit.NANOSECONDS);
        long watchdog = Math.max(10_000_000L, ackTimeout / 4);
        scheduler.scheduleWithFixedDelay(() -> sender.checkTimeouts(System.nanoTime()), watchdog, watchdog, TimeUnit.NANOSECONDS);
    }

    /** This thread's row builder, reset and bound to {@code table}. */
    public RowBuilder row(String table) {
        return builders.get().start(table);
    }

    /** Sends a columnar batch as one batch of its own (it is not merged with rows added one by one). */
    public CompletableFuture<BatchAck> write(ColumnBatch batch) {
        SealedBatch sealed;
        lock.lock();
        try {
            ensureOpen();
            if (options.backpressure() == IngestOptions.Backpressure.FAIL && !overflow.isEmpty()) {
                return CompletableFuture.failedFuture(backpressure());
            }
            sealed = new SealedBatch(batch.encode(nextBatchId(), options.timestampColumn()), batch.wireBytes(), rowOrdinal, new CompletableFuture<>());
            rowOrdinal += batch.rowCount();
            registerSealed(sealed);
        } finally {
            lock.unlock();
        }
        dispatch(sealed, true);
        return sealed.ack;
    }

    CompletableFuture<BatchAck> addRow(RowBuilder row) {
        SealedBatch sealed = null;
        CompletableFuture<BatchAck> result;
        lock.lock();
        try {
            ensureOpen();
            if (options.backpressure() == IngestOptions.Backpressure.FAIL && !overflow.isEmpty()) {
                return CompletableFuture.failedFuture(backpressure());
            }
            OpenBatch ob = open.get(row.table());
            if (ob == null) {
                ob = new OpenBatch(new BatchAssembler(row.table(), options.timestampColumn(), Math.min(options.maxBatchRows(), 1024)));
                open.put(row.table(), ob);
            }
            String typeError = ob.assembler.checkTypes(row.staged);
            if (typeError != null) {
                throw new IllegalArgumentException(typeError + " [rowOrdinal=" + rowOrdinal + ']');
            }
            ob.assembler.append(row.staged, rowOrdinal++, System.nanoTime());
            if (ob.ack == null) {
                ob.ack = new CompletableFuture<>(); // one future per batch, shared by its rows
            }
            result = ob.ack;
            if (ob.assembler.rows() >= options.maxBatchRows() || ob.assembler.wireBytes() >= options.maxBatchBytes()) {
                sealed = seal(ob);
            }
        } finally {
            lock.unlock();
        }
        if (sealed != null) {
            dispatch(sealed, true);
        }
        return result;
    }

    private IngestBackpressureException backpressure() {
        return new IngestBackpressureException("in-flight window is full [maxInFlightBatches=" + options.maxInFlightBatches()
                + "]; wait on whenReady() and add again");
    }

    private String nextBatchId() {
        return options.batchIdPrefix() + '-' + (batchCounter++);
    }

    /** Under the lock: turns the open batch into a request and empties it. */
    private SealedBatch seal(OpenBatch ob) {
        long bytes = ob.assembler.wireBytes();
        long first = ob.assembler.firstRowOrdinal();
        EncodedRequest request = ob.assembler.seal(nextBatchId());
        SealedBatch sealed = new SealedBatch(request, bytes, first, ob.ack);
        ob.ack = null;
        registerSealed(sealed);
        return sealed;
    }

    private void registerSealed(SealedBatch sealed) {
        unfinished.add(sealed);
        unackedBytes.addAndGet(sealed.wireBytes);
    }

    /**
     * Gets a window slot for a sealed batch and sends it. {@code mayBlock} is false only for the
     * linger timer, which never seals without a slot in hand.
     */
    private void dispatch(SealedBatch sealed, boolean mayBlock) {
        if (options.backpressure() == IngestOptions.Backpressure.FAIL && mayBlock) {
            if (!window.tryAcquire()) {
                lock.lock();
                try {
                    overflow.addLast(sealed);
                } finally {
                    lock.unlock();
                }
                drainOverflow(); // a slot may have freed between the try and the enqueue
                return;
            }
        } else if (mayBlock) {
            boolean got;
            try {
                got = window.acquire(InFlightWindow.toNanos(options.maxBlock()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                got = false;
            }
            if (!got) {
                finishFailed(sealed, new Failure("RESOURCE_EXHAUSTED", "timed out waiting for the in-flight window [maxBlock="
                        + options.maxBlock() + ']', -1, "", true, null), false);
                return;
            }
        }
        attempt(sealed);
    }

    private void attempt(SealedBatch b) {
        long now = System.nanoTime();
        if (b.attempts == 0) {
            b.firstSendNanos = now;
        }
        b.attempts++;
        b.attemptSentNanos = now;
        batchesSent.incrementAndGet();
        sender.send(b);
    }

    private void drainOverflow() {
        while (true) {
            SealedBatch next;
            lock.lock();
            try {
                if (overflow.isEmpty() || !window.tryAcquire()) {
                    break;
                }
                next = overflow.pollFirst();
            } finally {
                lock.unlock();
            }
            attempt(next);
        }
        List<CompletableFuture<Void>> ready = null;
        lock.lock();
        try {
            if (overflow.isEmpty() && window.hasRoom() && !readyWaiters.isEmpty()) {
                ready = new ArrayList<>(readyWaiters);
                readyWaiters.clear();
            }
        } finally {
            lock.unlock();
        }
        if (ready != null) {
            ready.forEach(f -> f.complete(null));
        }
    }

    /** Completes when a row can be added without blocking or being refused. */
    public CompletableFuture<Void> whenReady() {
        lock.lock();
        try {
            if (overflow.isEmpty() && window.hasRoom()) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            readyWaiters.add(f);
            return f;
        } finally {
            lock.unlock();
        }
    }

    /** Linger timer: sends batches whose first row is older than the linger time, while window slots last. */
    private void sealLingering() {
        try {
            long now = System.nanoTime();
            long linger = InFlightWindow.toNanos(options.linger());
            while (true) {
                SealedBatch sealed = null;
                lock.lock();
                try {
                    if (!overflow.isEmpty()) {
                        return;
                    }
                    for (OpenBatch ob : open.values()) {
                        if (ob.assembler.rows() > 0 && now - ob.assembler.firstRowNanos() >= linger) {
                            if (!window.tryAcquire()) {
                                return; // window full: the batch keeps filling and its producer will block on it
                            }
                            sealed = seal(ob);
                            break;
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (sealed == null) {
                    return;
                }
                dispatch(sealed, false);
            }
        } catch (RuntimeException e) {
            // A failure here must not cancel the periodic task; the batch's future carries the error.
        }
    }

    // ---------------------------------------------------------------- outcomes (gRPC threads)

    @Override
    public void acked(SealedBatch batch, IngestAck ack) {
        if (ack.hasError()) {
            failed(batch, Failure.fromError(ack.getError()));
            return;
        }
        batchesAcked.incrementAndGet();
        rowsAcked.addAndGet(batch.rows);
        if (ack.getDuplicate()) {
            duplicates.incrementAndGet();
        }
        finish(batch);
        batch.ack.complete(new BatchAck(batch.table, batch.batchId, ack.getRowCount(), ack.getDuplicate(), ack.getSequence(), batch.attempts));
    }

    @Override
    public void failed(SealedBatch batch, Failure failure) {
        long now = System.nanoTime();
        boolean closing;
        lock.lock();
        try {
            closing = closed && scheduler.isShutdown();
        } finally {
            lock.unlock();
        }
        if (failure.retryable() && !closing) {
            long delay = options.retryPolicy().backoffNanos(batch.attempts, java.util.concurrent.ThreadLocalRandom.current());
            long deadline = batch.firstSendNanos + InFlightWindow.toNanos(options.retryPolicy().timeout());
            if (now + delay <= deadline) {
                retries.incrementAndGet();
                try {
                    scheduler.schedule(() -> attempt(batch), delay, TimeUnit.NANOSECONDS); // keeps its window slot
                    return;
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closing: fall through and fail the batch
                }
            }
            failure = new Failure(failure.code(), "gave up after " + batch.attempts + " attempts: " + failure.message(),
                    failure.row(), failure.column(), true, failure.cause());
        }
        finishFailed(batch, failure, true);
    }

    private void finishFailed(SealedBatch batch, Failure f, boolean heldSlot) {
        batchesFailed.incrementAndGet();
        long ordinal = f.row() >= 0 ? batch.firstRowOrdinal + f.row() : -1;
        IngestException e = new IngestException(f.code(), f.message(), batch.table, batch.batchId, f.row(), f.column(),
                ordinal, f.retryable(), f.cause());
        synchronized (errors) {
            if (errors.size() < 100) {
                errors.add(e);
            }
        }
        if (heldSlot) {
            finish(batch);
        } else {
            unfinished.remove(batch);
            unackedBytes.addAndGet(-batch.wireBytes);
        }
        try {
            options.errorHandler().accept(e); // before the future: whoever waits on it sees the handler's effects
        } catch (RuntimeException ignored) {
            // the handler's own failure must not lose the batch outcome
        }
        batch.ack.completeExceptionally(e);
    }

    private void finish(SealedBatch batch) {
        unfinished.remove(batch);
        unackedBytes.addAndGet(-batch.wireBytes);
        window.release();
        drainOverflow();
    }

    // ---------------------------------------------------------------- flush / close

    /**
     * Sends every open batch and waits until every batch sealed so far is acknowledged or failed.
     * Throws the permanent errors seen since the last flush (the first, others suppressed).
     */
    public void flush() {
        List<SealedBatch> sealed = new ArrayList<>();
        lock.lock();
        try {
            for (OpenBatch ob : open.values()) {
                if (ob.assembler.rows() > 0) {
                    sealed.add(seal(ob));
                }
            }
        } finally {
            lock.unlock();
        }
        for (SealedBatch s : sealed) {
            dispatch(s, true);
        }
        List<CompletableFuture<BatchAck>> waits = new ArrayList<>();
        for (SealedBatch b : unfinished) {
            waits.add(b.ack);
        }
        try {
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).exceptionally(t -> null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException("CANCELLED", "interrupted while flushing", "", "", -1, "", -1, true, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e); // cannot happen: exceptionally() above absorbs failures
        }
        throwErrors();
    }

    private void throwErrors() {
        List<IngestException> seen;
        synchronized (errors) {
            seen = new ArrayList<>(errors);
            errors.clear();
        }
        if (!seen.isEmpty()) {
            IngestException first = seen.getFirst();
            for (int i = 1; i < seen.size(); i++) {
                first.addSuppressed(seen.get(i));
            }
            throw first;
        }
    }

    public IngestStats stats() {
        long added;
        lock.lock();
        try {
            added = rowOrdinal;
        } finally {
            lock.unlock();
        }
        return new IngestStats(added, rowsAcked.get(), batchesSent.get(), batchesAcked.get(), duplicates.get(),
                retries.get(), batchesFailed.get(), window.inFlight(), unackedBytes.get());
    }

    /** Bytes of batches sealed and not yet finished (sent, retrying, or waiting for a window slot). */
    public long unackedBytes() {
        return unackedBytes.get();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ingestor is closed");
        }
    }

    /** Flushes, waits for every ack, then releases the stream and the timer thread. Throws pending errors. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            flush();
        } finally {
            lock.lock();
            try {
                closed = true;
            } finally {
                lock.unlock();
            }
            scheduler.shutdownNow();
            sender.close();
            onClose.run();
        }
    }
}
