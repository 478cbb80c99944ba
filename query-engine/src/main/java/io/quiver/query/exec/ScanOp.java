package io.quiver.query.exec;

import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Plan;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a table snapshot in parallel over its splits, asking storage only for the columns the
 * query references (projection pushdown) and handing it a zone-map predicate (block skipping);
 * the row filter runs here, on each worker, before batches leave the scan. Each worker's batch
 * vectors and filter result are charged to the query's memory budget ({@link VectorBudget}).
 */
final class ScanOp extends PhysicalOp {
    private final Plan.Scan scan;
    private final BitSet read;
    private final Expr filter;
    private final ScanPredicate predicate;
    private final AtomicLong blocksRead = new AtomicLong();
    private final AtomicLong blocksSkipped = new AtomicLong();
    private final AtomicLong splitsRead = new AtomicLong();
    /** Set when a top-N above this scan prunes by its first key (see {@link TopNBound}). */
    private volatile TopNBound topN;
    /** When set, only these splits of the snapshot are read (the rest were answered elsewhere). */
    private volatile BitSet onlySplits;

    ScanOp(Plan.Scan scan, BitSet read, ScanPredicate predicate) {
        super(List.of());
        this.scan = scan;
        this.read = read;
        this.filter = scan.filter();
        this.predicate = predicate;
    }

    @Override
    protected void execute(ExecContext ctx, Sink.Factory down) {
        TableScan snapshot = ctx.snapshot(scan.table(), scan.handle());
        List<ScanSplit> all = snapshot.splits();
        BitSet only = onlySplits;
        List<ScanSplit> work = all;
        if (only != null) {
            List<ScanSplit> kept = new ArrayList<>();
            only.stream().forEach(i -> kept.add(all.get(i)));
            work = kept;
        }
        TopNBound bound = topN;
        List<ScanSplit> splits = bound == null ? work : bound.bestFirst(work);
        int[] fieldPos = read.stream().toArray();
        int[] tableCols = new int[fieldPos.length];
        List<ColumnDef> defs = new ArrayList<>();
        for (int j = 0; j < fieldPos.length; j++) {
            tableCols[j] = scan.columns()[fieldPos[j]];
            defs.add(scan.schema().column(tableCols[j]));
        }
        int width = scan.fields().size();
        parallel(ctx, splits.size(), tasks -> {
            Sink sink = down.create();
            try (VectorBudget budget = new VectorBudget(ctx.query())) {
                Worker w = new Worker(width, filter == null ? null : ExprCompiler.compile(filter), budget);
                for (int t = tasks.next(); t >= 0 && !ctx.stopped(); t = tasks.next()) {
                    ScanPredicate p = bound == null ? predicate : bound.narrow(splits.get(t), predicate);
                    if (p != null) {
                        w.read(ctx, splits.get(t), tableCols, fieldPos, defs, sink, p);
                    }
                }
            }
            sink.finish();
        });
    }

    /** One worker's reusable scan state: the batch its splits are read into, and the filter's selection buffer. */
    private final class Worker {
        private final ColumnVector[] full;
        private final Batch batch;
        private final VecExpr cond;
        private final VectorBudget budget;
        private RowBatch rb;
        private int[] selBuf;

        Worker(int width, VecExpr cond, VectorBudget budget) {
            this.full = new ColumnVector[width];
            this.batch = new Batch(full, 0);
            this.cond = cond;
            this.budget = budget;
        }

        void read(ExecContext ctx, ScanSplit split, int[] tableCols, int[] fieldPos, List<ColumnDef> defs, Sink sink, ScanPredicate p) {
            try (ScanCursor cursor = split.open(tableCols, p)) {
                if (rb == null) {
                    rb = new RowBatch(defs, Math.max(1, cursor.maxBatchRows()));
                    for (int j = 0; j < fieldPos.length; j++) {
                        full[fieldPos[j]] = rb.column(j);
                    }
                }
                while (!ctx.stopped()) {
                    ctx.checkAlive();
                    if (!cursor.next(rb)) {
                        break;
                    }
                    batch.set(full, rb.rowCount());
                    if (cond == null) {
                        budget.cover(full, null);
                    } else {
                        ColumnVector verdict = cond.eval(batch, batch.positions(), batch.count);
                        budget.cover(full, verdict);
                        selBuf = select(batch, verdict, selBuf);
                        if (batch.count == 0) {
                            continue;
                        }
                    }
                    sink.accept(batch);
                }
                blocksRead.addAndGet(cursor.blocksRead());
                blocksSkipped.addAndGet(cursor.blocksSkipped());
                splitsRead.incrementAndGet();
            }
        }
    }

    /** Lets a top-N above prune this scan's splits and blocks by its first sort key. */
    void pruneForTopN(TopNBound bound) {
        this.topN = bound;
    }

    /** The table column behind output field {@code field}. */
    int tableColumn(int field) {
        return scan.columns()[field];
    }

    ColumnDef fieldDef(int field) {
        return scan.schema().column(scan.columns()[field]);
    }

    /** Reads only the snapshot's splits in {@code splits} (indexes into {@code TableScan.splits()}). */
    void restrictToSplits(BitSet splits) {
        this.onlySplits = (BitSet) splits.clone();
    }

    @Override
    public String describe() {
        List<String> cols = new ArrayList<>();
        read.stream().forEach(i -> cols.add(scan.fields().get(i).name()));
        return "Scan " + scan.table() + " columns=" + cols
                + (filter == null ? "" : " filter=" + ExplainText.expr(filter, scan.fields()))
                + (predicate.isEmpty() ? "" : " zonemap=" + predicate);
    }

    @Override
    protected String analyzeExtra() {
        return ", splits=" + splitsRead.get() + ", blocksRead=" + blocksRead.get() + ", blocksSkipped=" + blocksSkipped.get()
                + (topN == null ? "" : ", splitsSkippedByTopN=" + topN.splitsSkipped());
    }
}
