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
 * the row filter runs here, on each worker, before batches leave the scan.
 */
final class ScanOp extends PhysicalOp {
    private final Plan.Scan scan;
    private final BitSet read;
    private final Expr filter;
    private final ScanPredicate predicate;
    private final AtomicLong blocksRead = new AtomicLong();
    private final AtomicLong blocksSkipped = new AtomicLong();
    private final AtomicLong splitsRead = new AtomicLong();
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
        List<ScanSplit> splits = work;
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
            VecExpr cond = filter == null ? null : ExprCompiler.compile(filter);
            RowBatch rb = null;
            ColumnVector[] full = new ColumnVector[width];
            Batch batch = new Batch(full, 0);
            int[] selBuf = null;
            for (int t = tasks.next(); t >= 0; t = tasks.next()) {
                if (ctx.stopped()) {
                    break;
                }
                try (ScanCursor cursor = splits.get(t).open(tableCols, predicate)) {
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
                        if (cond != null) {
                            selBuf = select(batch, cond.eval(batch, batch.positions(), batch.count), selBuf);
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
            sink.finish();
        });
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
        return ", splits=" + splitsRead.get() + ", blocksRead=" + blocksRead.get() + ", blocksSkipped=" + blocksSkipped.get();
    }
}
