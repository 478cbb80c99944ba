package io.quiver.query.exec;

import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Plan;
import io.quiver.query.plan.Refs;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.BlockCursor;
import io.quiver.storage.scan.DictionaryRows;
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
 *
 * <p>With a filter, blocks are materialised late (through {@link BlockCursor} where the split
 * offers it): the filter's columns are decoded first, and the other columns only for blocks where
 * some row passed. Dictionary-coded string blocks stay codes + dictionary where every use of the
 * column is a per-dictionary-entry kernel ({@link ExprCompiler#usesOnlyDictionaryCodes}), and
 * their strings are written only for the rows that passed and only for columns read above the scan.
 */
final class ScanOp extends PhysicalOp {
    private final Plan.Scan scan;
    private final BitSet read;
    private final Expr filter;
    private final ScanPredicate predicate;
    /** Fields read above the scan (the rest of {@link #read} is read by the filter alone). */
    private final BitSet outputs;
    private final AtomicLong blocksDecodedLate = new AtomicLong();
    private final AtomicLong blocksRead = new AtomicLong();
    private final AtomicLong blocksSkipped = new AtomicLong();
    private final AtomicLong splitsRead = new AtomicLong();
    /** Set when a top-N above this scan prunes by its first key (see {@link TopNBound}). */
    private volatile TopNBound topN;
    /** Output fields read above only as bare GROUP BY keys: dictionary blocks may stay codes (see {@link #groupKeysOnly}). */
    private volatile BitSet codesSuffice = new BitSet();
    /** When set, only these splits of the snapshot are read (the rest were answered elsewhere). */
    private volatile BitSet onlySplits;

    ScanOp(Plan.Scan scan, BitSet read, BitSet outputs, ScanPredicate predicate) {
        super(List.of());
        this.scan = scan;
        this.read = read;
        this.outputs = outputs;
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
        LatePlan late = filter == null && bound == null && !codesSuffice.intersects(read) ? null
                : new LatePlan(fieldPos, defs, tableCols, bound);
        parallel(ctx, splits.size(), tasks -> {
            Sink sink = down.create();
            try (VectorBudget budget = new VectorBudget(ctx.query())) {
                Worker w = new Worker(width, filter == null ? null : ExprCompiler.compile(filter), budget);
                for (int t = tasks.next(); t >= 0 && !ctx.stopped(); t = tasks.next()) {
                    ScanPredicate p = bound == null ? predicate : bound.narrow(splits.get(t), predicate);
                    if (p != null) {
                        w.read(ctx, splits.get(t), tableCols, fieldPos, defs, sink, p, late);
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
        private int[] topNBuf;

        Worker(int width, VecExpr cond, VectorBudget budget) {
            this.full = new ColumnVector[width];
            this.batch = new Batch(full, 0);
            this.cond = cond;
            this.budget = budget;
        }

        void read(ExecContext ctx, ScanSplit split, int[] tableCols, int[] fieldPos, List<ColumnDef> defs, Sink sink, ScanPredicate p,
                  LatePlan late) {
            BlockCursor blocks = late == null ? null : split.openBlocks(tableCols, p);
            try (ScanCursor cursor = blocks != null ? blocks : split.open(tableCols, p)) {
                if (rb == null) {
                    rb = new RowBatch(defs, Math.max(1, cursor.maxBatchRows()));
                    for (int j = 0; j < fieldPos.length; j++) {
                        full[fieldPos[j]] = rb.column(j);
                    }
                }
                if (blocks != null) {
                    readLate(ctx, blocks, late, sink);
                    return;
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
                        budget.cover(full, null);
                        selBuf = select(batch, cond, selBuf);
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

        /** Filter columns first; the others, and the strings of dictionary blocks, only where rows passed. */
        private void readLate(ExecContext ctx, BlockCursor cursor, LatePlan late, Sink sink) {
            long decodedLate = 0;
            int rows;
            while (!ctx.stopped() && (rows = cursor.nextBlock()) >= 0) {
                ctx.checkAlive();
                for (int j : late.filterCols) {
                    if (late.asCodes[j]) {
                        cursor.readCodes(j, rb.column(j));
                    } else {
                        cursor.read(j, rb.column(j));
                    }
                }
                batch.set(full, rows);
                if (late.topN != null) {
                    if (topNBuf == null || topNBuf.length < rows) {
                        topNBuf = new int[Math.max(rows, Batch.MAX_ROWS)];
                    }
                    late.topN.narrowRows(batch, rb.column(late.topNCol), topNBuf);
                    if (batch.count == 0) {
                        continue; // every row is beyond the top-N's current cutoff
                    }
                }
                if (cond != null) {
                    selBuf = select(batch, cond, selBuf);
                    if (batch.count == 0) {
                        continue; // no row passed: the other columns are never decoded
                    }
                }
                decodedLate++;
                for (int j : late.otherCols) {
                    if (late.asCodes[j]) {
                        cursor.readCodes(j, rb.column(j));
                    } else {
                        cursor.read(j, rb.column(j));
                    }
                }
                for (int j : late.materialized) {
                    ColumnVector v = rb.column(j);
                    if (v.dictCodes != null && v.byteSize() == 0) {
                        if (batch.sel == null) {
                            DictionaryRows.materializeAll(v, rows);
                        } else {
                            DictionaryRows.materializeSelected(v, rows, batch.sel, batch.count);
                        }
                    }
                }
                budget.cover(full, null);
                sink.accept(batch);
            }
            blocksRead.addAndGet(cursor.blocksRead());
            blocksSkipped.addAndGet(cursor.blocksSkipped());
            blocksDecodedLate.addAndGet(decodedLate);
            splitsRead.incrementAndGet();
        }
    }

    /**
     * Which projected columns (indexes into the cursor's columns) the filter reads, which it does
     * not, which may arrive as dictionary codes, and which of those need their strings afterwards.
     */
    private final class LatePlan {
        final int[] filterCols;
        final int[] otherCols;
        final boolean[] asCodes;
        final int[] materialized;

        /** The top-N pruning this scan (its key is decoded with the filter's columns), or null. */
        final TopNBound topN;
        /** The top-N key's index among the cursor's columns. */
        final int topNCol;

        LatePlan(int[] fieldPos, List<ColumnDef> defs, int[] tableCols, TopNBound bound) {
            BitSet byFilter = new BitSet();
            if (filter != null) {
                Refs.collect(filter, byFilter);
            }
            int keyCol = -1;
            for (int j = 0; bound != null && j < tableCols.length; j++) {
                if (tableCols[j] == bound.tableColumn()) {
                    keyCol = j;
                }
            }
            topN = keyCol >= 0 ? bound : null;
            topNCol = keyCol;
            BitSet keysOnly = codesSuffice;
            List<Integer> f = new ArrayList<>();
            List<Integer> o = new ArrayList<>();
            List<Integer> m = new ArrayList<>();
            asCodes = new boolean[fieldPos.length];
            for (int j = 0; j < fieldPos.length; j++) {
                int field = fieldPos[j];
                boolean string = defs.get(j).type() == ColumnType.VARCHAR;
                boolean output = outputs.get(field);
                if (j == keyCol) {
                    f.add(0, j); // first: rows beyond the top-N's cutoff skip the filter too
                    asCodes[j] = false;
                } else if (byFilter.get(field)) {
                    f.add(j);
                    asCodes[j] = string && ExprCompiler.usesOnlyDictionaryCodes(filter, field);
                } else {
                    o.add(j);
                    asCodes[j] = string;
                }
                if (asCodes[j] && output && !keysOnly.get(field)) {
                    m.add(j);
                }
            }
            filterCols = f.stream().mapToInt(Integer::intValue).toArray();
            otherCols = o.stream().mapToInt(Integer::intValue).toArray();
            materialized = m.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * Declares output fields that the operator above reads only as bare GROUP BY keys, which group
     * on dictionary codes: their dictionary blocks then never have their strings written.
     */
    void groupKeysOnly(BitSet fields) {
        this.codesSuffice = (BitSet) fields.clone();
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
                + (filter == null && topN == null ? "" : ", blocksPassingFilter=" + blocksDecodedLate.get())
                + (topN == null ? "" : ", splitsSkippedByTopN=" + topN.splitsSkipped());
    }
}
