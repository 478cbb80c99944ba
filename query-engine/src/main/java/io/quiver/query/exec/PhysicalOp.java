package io.quiver.query.exec;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * A physical operator. {@link #run} pushes the operator's whole output into sinks made by the
 * given factory, one per producing thread. Sources run on the worker pool; pipeline breakers
 * (aggregate, sort, join build) run their input to completion, merge thread-local partials, then
 * emit. Only the query's coordinator thread calls {@code run}; workers only call sinks.
 */
public abstract class PhysicalOp {
    protected final List<PhysicalOp> children;
    final AtomicLong rowsOut = new AtomicLong();
    final AtomicLong nanos = new AtomicLong();

    protected PhysicalOp(List<PhysicalOp> children) {
        this.children = children;
    }

    public final void run(ExecContext ctx, Sink.Factory down) {
        long start = System.nanoTime();
        try {
            execute(ctx, () -> {
                Sink s = down.create();
                // keeps the block-summary path of a global aggregate open through the row counting
                return s instanceof ScanOp.SummarySink summaries ? new CountingSummarySink(summaries, rowsOut) : new CountingSink(s, rowsOut);
            });
        } finally {
            nanos.addAndGet(System.nanoTime() - start);
        }
    }

    protected abstract void execute(ExecContext ctx, Sink.Factory down);

    /** One line for EXPLAIN. */
    public abstract String describe();

    /** Extra EXPLAIN ANALYZE figures beyond rows and time (e.g. blocks read). */
    protected String analyzeExtra() {
        return "";
    }

    public List<PhysicalOp> children() {
        return children;
    }

    public void explain(StringBuilder out, int depth, boolean analyze) {
        out.append("  ".repeat(depth)).append(describe());
        if (analyze) {
            out.append("  [rows=").append(rowsOut.get()).append(", time=")
                    .append(String.format(java.util.Locale.ROOT, "%.3f", nanos.get() / 1e6)).append("ms")
                    .append(analyzeExtra()).append(']');
        }
        out.append('\n');
        for (PhysicalOp c : children) {
            c.explain(out, depth + 1, analyze);
        }
    }

    /**
     * Runs {@code work(task)} for tasks {@code 0..tasks)} on up to {@code parallelism} pool threads;
     * each thread takes the next task until none are left. The first failure fails the query (so
     * the other threads stop at their next batch) and is rethrown here.
     */
    protected static void parallel(ExecContext ctx, int tasks, WorkerBody body) {
        int workers = Math.max(1, Math.min(ctx.parallelism(), tasks));
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            futures.add(ctx.pool().submit(() -> {
                try {
                    body.run(() -> {
                        int t = next.getAndIncrement();
                        return t < tasks ? t : -1;
                    });
                } catch (QueryException e) {
                    ctx.query().fail(e);
                    throw e;
                } catch (RuntimeException | Error e) {
                    QueryException q = QueryException.internal("operator failed: " + e, e);
                    ctx.query().fail(q);
                    throw q;
                }
                return null;
            }));
        }
        QueryException first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ctx.query().cancel();
                first = first != null ? first : new QueryException(ErrorCode.QUERY_CANCELLED, "query cancelled");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                QueryException q = c instanceof QueryException qe ? qe : QueryException.internal("operator failed: " + c, c);
                if (first == null) {
                    first = q;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A worker's loop: pulls task numbers (-1 when none are left) from the supplier. */
    @FunctionalInterface
    protected interface WorkerBody {
        void run(TaskSource tasks);
    }

    @FunctionalInterface
    protected interface TaskSource {
        int next();
    }

    /** Unused helper kept for symmetry with {@link #parallel}: runs one task per index. */
    protected static void forEachTask(TaskSource tasks, IntConsumer c) {
        for (int t = tasks.next(); t >= 0; t = tasks.next()) {
            c.accept(t);
        }
    }

    /** Narrows a batch's selection to rows where {@code cond} is TRUE; reuses {@code buf}. */
    static int[] select(Batch b, VecExpr cond, int[] buf) {
        int n = b.count;
        if (buf == null || buf.length < n) {
            buf = new int[Math.max(n, Batch.MAX_ROWS)];
        }
        int m = cond.selectTrue(b, b.positions(), n, buf);
        b.sel = buf;
        b.count = m;
        return buf;
    }

    /** Passes batches on, counting their rows into the operator's output counter. */
    private static class CountingSink implements Sink {
        final Sink down;
        final AtomicLong rows;

        CountingSink(Sink down, AtomicLong rows) {
            this.down = down;
            this.rows = rows;
        }

        @Override
        public void accept(Batch batch) {
            rows.addAndGet(batch.count);
            down.accept(batch);
        }

        @Override
        public void finish() {
            down.finish();
        }
    }

    /** A {@link CountingSink} in front of a sink that also takes block summaries and bare counts. */
    private static final class CountingSummarySink extends CountingSink implements ScanOp.SummarySink {
        private final ScanOp.SummarySink summaries;

        CountingSummarySink(ScanOp.SummarySink down, AtomicLong rows) {
            super(down, rows);
            this.summaries = down;
        }

        @Override
        public void acceptSummarized(Batch batch, io.quiver.storage.scan.LongBlockSummary[] summary, boolean[] summarized) {
            rows.addAndGet(batch.count);
            summaries.acceptSummarized(batch, summary, summarized);
        }

        @Override
        public void acceptCount(int count) {
            rows.addAndGet(count);
            summaries.acceptCount(count);
        }
    }
}
