package io.quiver.client.ingest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Counts batches sent and not yet finished (acknowledged or failed for good), up to a limit. */
final class InFlightWindow {
    private final int max;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private int used;

    InFlightWindow(int max) {
        this.max = max;
    }

    boolean tryAcquire() {
        lock.lock();
        try {
            if (used < max) {
                used++;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeoutNanos} for a free slot; false on timeout. */
    boolean acquire(long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (used >= max) {
                if (left <= 0) {
                    return false;
                }
                left = freed.awaitNanos(left);
            }
            used++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            used--;
            freed.signal();
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    boolean hasRoom() {
        return inFlight() < max;
    }

    static long toNanos(java.time.Duration d) {
        return TimeUnit.NANOSECONDS.convert(d);
    }
}
