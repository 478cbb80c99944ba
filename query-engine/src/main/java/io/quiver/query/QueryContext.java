package io.quiver.query;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The live state of one query that other threads may touch: cancellation, the deadline and the
 * memory reservation. Operators call {@link #checkAlive()} once per batch, so a cancel or a passed
 * deadline stops the query within one batch of work on every thread.
 */
public final class QueryContext {
    private volatile boolean cancelled;
    private volatile QueryException failure;
    private long deadlineNanos = Long.MAX_VALUE;
    private long memoryLimitBytes = Long.MAX_VALUE;
    private final AtomicLong memoryUsed = new AtomicLong();
    private final AtomicLong memoryPeak = new AtomicLong();

    /** Cancels the query; safe from any thread, idempotent. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    void start(long timeoutMs, long memoryMaxBytes) {
        this.deadlineNanos = timeoutMs > 0 ? System.nanoTime() + timeoutMs * 1_000_000L : Long.MAX_VALUE;
        this.memoryLimitBytes = memoryMaxBytes;
    }

    /** Records the first failure of any thread; later threads see it through {@link #checkAlive()}. */
    public void fail(QueryException e) {
        if (failure == null) {
            failure = e;
        }
    }

    /** Throws when the query was cancelled, passed its deadline or failed on another thread. */
    public void checkAlive() {
        QueryException f = failure;
        if (f != null) {
            throw f;
        }
        if (cancelled) {
            throw new QueryException(ErrorCode.QUERY_CANCELLED, "query cancelled");
        }
        if (System.nanoTime() > deadlineNanos) {
            throw new QueryException(ErrorCode.QUERY_TIMEOUT, "query exceeded its time limit [limit=query.timeout.ms]");
        }
    }

    /** Reserves memory for a hash table, sort buffer or join build; fails the query over budget. */
    public void reserve(long bytes) {
        long used = memoryUsed.addAndGet(bytes);
        memoryPeak.accumulateAndGet(used, Math::max);
        if (used > memoryLimitBytes) {
            throw new QueryException(ErrorCode.MEMORY_LIMIT, "query exceeded its memory budget [limit=query.memory.max.bytes, budget="
                    + memoryLimitBytes + ", requested=" + used + ']');
        }
    }

    public void release(long bytes) {
        memoryUsed.addAndGet(-bytes);
    }

    public long memoryUsed() {
        return memoryUsed.get();
    }

    public long memoryPeak() {
        return memoryPeak.get();
    }
}
