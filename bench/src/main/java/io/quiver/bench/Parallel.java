package io.quiver.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/** Runs one task on several platform threads released together and times the whole. */
public final class Parallel {
    private Parallel() {
    }

    /**
     * Runs {@code task.accept(t)} for t in [0, threads) on {@code threads} threads that start at
     * the same instant; returns the wall time in nanoseconds from the start to the last finish.
     * With one thread the task runs on the caller (no thread hand-off in the figure).
     */
    public static long run(int threads, IntConsumer task) {
        if (threads == 1) {
            long t0 = System.nanoTime();
            task.accept(0);
            return System.nanoTime() - t0;
        }
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = Thread.ofPlatform().name("bench-worker-" + t).start(() -> {
                ready.countDown();
                try {
                    go.await();
                    task.accept(index);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        try {
            ready.await();
            long t0 = System.nanoTime();
            go.countDown();
            for (Thread w : workers) {
                w.join();
            }
            long elapsed = System.nanoTime() - t0;
            if (failure.get() != null) {
                throw new IllegalStateException("a benchmark thread failed", failure.get());
            }
            return elapsed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
