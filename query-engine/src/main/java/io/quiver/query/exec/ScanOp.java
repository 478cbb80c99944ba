package io.quiver.query.exec;

import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Plan;
import io.quiver.query.plan.Refs;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.BlockCursor;
import io.quiver.storage.scan.DictionaryRows;
import io.quiver.storage.scan.LongBlockSummary;
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
    /** Column blocks folded from their summaries (zone map, encoded values) without being decoded. */
    private final AtomicLong blocksSummarized = new AtomicLong();
    /** The filter's conjuncts storage evaluated on encoded blocks, as planned (for EXPLAIN). */
    private volatile int pushedConjuncts = -1;
    /** Set when a top-N above this scan prunes by its first key (see {@link TopNBound}). */
    private volatile TopNBound topN;
    /** Output fields read above only as bare GROUP BY keys: dictionary blocks may stay codes (see {@link #groupKeysOnly}). */
    private volatile BitSet codesSuffice = new BitSet();
    /** When set, only these splits of the snapshot are read (the rest were answered elsewhere). */
    private volatile BitSet onlySplits;
    /** Output fields the global aggregate above folds from block summaries (see {@link #summarizeFor}); null when none. */
    private volatile BitSet summarized;
    /** Of {@link #summarized}, the fields whose summaries need the sum. */
    private volatile BitSet summarizedWithSum;

    /**
     * The sink of a global aggregate (no GROUP BY) right above a scan without a filter: it takes a
     * block as rows for some columns and as {@link LongBlockSummary}s for the others.
     */
    interface SummarySink extends Sink {
        /**
         * Folds one block: fields {@code f} with {@code summarized[f]} were not decoded, their values
         * are summed up in {@code summaries[f]}; the other read fields are decoded in {@code batch}.
         */
        void acceptSummarized(Batch batch, LongBlockSummary[] summaries, boolean[] summarized);

        /** Folds {@code rows} rows of which nothing is read but their number (every aggregate is COUNT(*)). */
        void acceptCount(int rows);
    }

    /** Set when the aggregate above reads nothing but the number of rows (COUNT(*) only, no GROUP BY). */
    private volatile boolean countOnly;

    /** Declares that the operator above reads only how many rows pass (a global COUNT(*)). */
    void countOnly() {
        this.countOnly = true;
    }

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
                Worker w = new Worker(width, filter == null ? null : ExprCompiler.compile(filter),
                        late == null || late.residual == null ? null : ExprCompiler.compile(late.residual), budget);
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
        /** The filter's conjuncts not evaluated by storage ({@link LatePlan#pushed}), for the late path. */
        private final VecExpr residual;
        private final VectorBudget budget;
        private RowBatch rb;
        private int[] selBuf;
        private int[] topNBuf;
        private long[] mask = new long[0];
        private int[] maskRows = new int[0];

        Worker(int width, VecExpr cond, VecExpr residual, VectorBudget budget) {
            this.full = new ColumnVector[width];
            this.batch = new Batch(full, 0);
            this.cond = cond;
            this.residual = residual;
            this.budget = budget;
        }

        /** Evaluates the pushed conjuncts on the current block into {@link #mask}; returns its words. */
        private int maskPushed(BlockCursor cursor, LatePlan late, int rows) {
            int words = (rows + 63) >>> 6;
            if (mask.length < words) {
                mask = new long[words];
            }
            java.util.Arrays.fill(mask, 0, words, -1L);
            if ((rows & 63) != 0) {
                mask[words - 1] = (1L << (rows & 63)) - 1;
            }
            long any = -1;
            for (int c = 0; c < late.pushed.length && any != 0; c++) {
                RangeConjunct r = late.pushed[c];
                cursor.filterRange(r.column(), r.lo(), r.hi(), r.negate(), mask);
                any = 0;
                for (int w = 0; w < words; w++) {
                    any |= mask[w];
                }
            }
            return words;
        }

        /** How many rows of the current block pass every pushed conjunct. */
        private int countPushed(BlockCursor cursor, LatePlan late, int rows) {
            int words = maskPushed(cursor, late, rows);
            int n = 0;
            for (int w = 0; w < words; w++) {
                n += Long.bitCount(mask[w]);
            }
            return n;
        }

        /**
         * Evaluates the pushed conjuncts on the current block in storage and narrows the batch to the
         * rows passing all of them; false when none does.
         */
        private boolean selectPushed(BlockCursor cursor, LatePlan late, int rows) {
            int words = maskPushed(cursor, late, rows);
            int passing = 0;
            for (int w = 0; w < words; w++) {
                passing += Long.bitCount(mask[w]);
            }
            if (passing == 0) {
                return false;
            }
            if (passing == rows) {
                return true; // the whole block passes (often decided by its min/max alone): keep the identity selection
            }
            if (maskRows.length < rows) {
                maskRows = new int[Math.max(rows, Batch.MAX_ROWS)];
            }
            int m = 0;
            int[] out = maskRows;
            for (int w = 0; w < words; w++) {
                long bits = mask[w];
                int base = w << 6;
                if (Long.bitCount(bits) > 16) {
                    // dense word: a store per row and a branch-free advance beats a loop per set bit
                    for (int j = 0, end = Math.min(64, rows - base); j < end; j++) {
                        out[m] = base + j;
                        m += (int) ((bits >>> j) & 1);
                    }
                } else {
                    while (bits != 0) {
                        out[m++] = base + Long.numberOfTrailingZeros(bits);
                        bits &= bits - 1;
                    }
                }
            }
            if (m < rows) {
                batch.sel = out;
                batch.count = m;
            }
            return true;
        }

        void read(ExecContext ctx, ScanSplit split, int[] tableCols, int[] fieldPos, List<ColumnDef> defs, Sink sink, ScanPredicate p,
                  LatePlan late) {
            SummaryPlan summary = late == null && summarized != null && sink instanceof SummarySink ? summaryPlan(fieldPos) : null;
            BlockCursor blocks = late == null && summary == null ? null : split.openBlocks(tableCols, p);
            try (ScanCursor cursor = blocks != null ? blocks : split.open(tableCols, p)) {
                if (rb == null) {
                    rb = new RowBatch(defs, Math.max(1, cursor.maxBatchRows()));
                    for (int j = 0; j < fieldPos.length; j++) {
                        full[fieldPos[j]] = rb.column(j);
                    }
                }
                if (blocks != null && summary != null) {
                    readSummarized(ctx, blocks, summary, (SummarySink) sink);
                    return;
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

        private LongBlockSummary[] summaries;
        private boolean[] summarizedNow;

        /**
         * Block by block for a global aggregate: the summarised columns from their zone maps and
         * encoded values, decoding one only where its block cannot be summarised.
         */
        private void readSummarized(ExecContext ctx, BlockCursor cursor, SummaryPlan plan, SummarySink sink) {
            if (summaries == null) {
                summaries = new LongBlockSummary[full.length];
                summarizedNow = new boolean[full.length];
                for (int f = 0; f < full.length; f++) {
                    summaries[f] = new LongBlockSummary();
                }
            }
            int rows;
            long folded = 0;
            while (!ctx.stopped() && (rows = cursor.nextBlock()) >= 0) {
                ctx.checkAlive();
                for (int k = 0; k < plan.cursorCols.length; k++) {
                    int j = plan.cursorCols[k];
                    int f = plan.fields[k];
                    boolean ok = plan.summarize[k] && cursor.summarize(j, plan.wantSum[k], summaries[f]);
                    summarizedNow[f] = ok;
                    folded += ok ? 1 : 0;
                    if (!ok) {
                        cursor.read(j, rb.column(j));
                    }
                }
                batch.set(full, rows);
                budget.cover(full, null);
                sink.acceptSummarized(batch, summaries, summarizedNow);
            }
            blocksSummarized.addAndGet(folded);
            blocksRead.addAndGet(cursor.blocksRead());
            blocksSkipped.addAndGet(cursor.blocksSkipped());
            splitsRead.incrementAndGet();
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
                if (late.countsOnly && sink instanceof SummarySink counts) {
                    // every conjunct was tested on the encoded blocks and only the count is read: no row positions
                    int passed = countPushed(cursor, late, rows);
                    if (passed > 0) {
                        decodedLate++;
                        counts.acceptCount(passed);
                    }
                    continue;
                }
                if (late.pushed.length > 0 && !selectPushed(cursor, late, rows)) {
                    continue; // no row passed the conjuncts storage evaluated: nothing else is decoded
                }
                if (late.topN != null) {
                    if (topNBuf == null || topNBuf.length < rows) {
                        topNBuf = new int[Math.max(rows, Batch.MAX_ROWS)];
                    }
                    late.topN.narrowRows(batch, rb.column(late.topNCol), topNBuf);
                    if (batch.count == 0) {
                        continue; // every row is beyond the top-N's current cutoff
                    }
                }
                if (residual != null) {
                    selBuf = select(batch, residual, selBuf);
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
        /** Conjuncts of the filter that storage evaluates on the encoded blocks ({@link BlockCursor#filterRange}). */
        final RangeConjunct[] pushed;
        /** The filter's other conjuncts, evaluated on decoded columns after the pushed ones; null when none. */
        final Expr residual;
        /** Whether a block's passing rows are only counted: the whole filter pushed, nothing decoded, a COUNT(*) above. */
        final boolean countsOnly;

        LatePlan(int[] fieldPos, List<ColumnDef> defs, int[] tableCols, TopNBound bound) {
            int[] cursorCol = new int[scan.fields().size()];
            java.util.Arrays.fill(cursorCol, -1);
            for (int j = 0; j < fieldPos.length; j++) {
                cursorCol[fieldPos[j]] = j;
            }
            List<RangeConjunct> ranges = new ArrayList<>();
            Expr rest = null;
            for (Expr c : io.quiver.query.plan.Binder.conjuncts(filter)) {
                RangeConjunct r = RangeConjunct.of(c, cursorCol);
                if (r != null) {
                    ranges.add(r);
                } else {
                    rest = rest == null ? c : io.quiver.query.plan.Binder.and(rest, c);
                }
            }
            pushed = ranges.toArray(RangeConjunct[]::new);
            pushedConjuncts = pushed.length;
            residual = rest;
            BitSet byFilter = new BitSet();
            if (residual != null) {
                Refs.collect(residual, byFilter);
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
                    asCodes[j] = string && ExprCompiler.usesOnlyDictionaryCodes(residual, field);
                } else if (output || !pushedOnly(field)) {
                    o.add(j);
                    asCodes[j] = string;
                }
                if (asCodes[j] && output && !keysOnly.get(field)) {
                    m.add(j);
                }
            }
            countsOnly = countOnly && residual == null && pushed.length > 0 && topN == null && f.isEmpty() && o.isEmpty();
            filterCols = f.stream().mapToInt(Integer::intValue).toArray();
            // (the pushed conjuncts' columns not read above are left out of otherCols: never decoded)
            otherCols = o.stream().mapToInt(Integer::intValue).toArray();
            materialized = m.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** For each column the cursor reads: its field, whether to summarise it, and whether with the sum. */
    private record SummaryPlan(int[] cursorCols, int[] fields, boolean[] summarize, boolean[] wantSum) {
    }

    private SummaryPlan summaryPlan(int[] fieldPos) {
        BitSet s = summarized;
        BitSet sums = summarizedWithSum;
        int n = fieldPos.length;
        int[] cols = new int[n];
        int[] fields = new int[n];
        boolean[] summarize = new boolean[n];
        boolean[] wantSum = new boolean[n];
        for (int j = 0; j < n; j++) {
            cols[j] = j;
            fields[j] = fieldPos[j];
            summarize[j] = s.get(fieldPos[j]);
            wantSum[j] = sums.get(fieldPos[j]);
        }
        return new SummaryPlan(cols, fields, summarize, wantSum);
    }

    /**
     * Lets the global aggregate above (a {@link SummarySink}) take output fields {@code fields} of
     * blocks as summaries (with the sum for {@code withSum}); only a scan without a filter does so.
     */
    void summarizeFor(BitSet fields, BitSet withSum) {
        this.summarizedWithSum = (BitSet) withSum.clone();
        this.summarized = (BitSet) fields.clone();
    }

    /** Whether {@code field} is read by the filter's pushed conjuncts only (not by its residual). */
    private boolean pushedOnly(int field) {
        if (filter == null) {
            return false;
        }
        BitSet all = new BitSet();
        Refs.collect(filter, all);
        return all.get(field);
    }

    /**
     * {@code column op constant} over a LONG-physical column (BOOLEAN, integers, DATE, TIMESTAMP) as a
     * range of values storage can test on encoded blocks: the rows where the column is not NULL and
     * lies in {@code [lo, hi]} (outside it, when {@code negate}). For such a conjunct NULL and FALSE
     * both drop the row, so it may be evaluated on its own, before the rest of the filter.
     */
    record RangeConjunct(int column, long lo, long hi, boolean negate) {
        static RangeConjunct of(Expr e, int[] cursorCol) {
            if (e instanceof Expr.Col col && col.type() == ColumnType.BOOLEAN && cursorCol[col.index()] >= 0) {
                return new RangeConjunct(cursorCol[col.index()], 1, 1, false);
            }
            if (!(e instanceof Expr.Call call)) {
                return null;
            }
            if (call.fn() == io.quiver.query.plan.Fn.NOT && call.arg(0) instanceof Expr.Col col
                    && col.type() == ColumnType.BOOLEAN && cursorCol[col.index()] >= 0) {
                return new RangeConjunct(cursorCol[col.index()], 0, 0, false);
            }
            ColumnComparison cmp = ColumnComparison.of(call);
            if (cmp == null || !(cmp.literal().value() instanceof Long v) || cmp.column().type().physical() != ColumnType.Physical.LONG
                    || cursorCol[cmp.column().index()] < 0) {
                return null;
            }
            io.quiver.query.plan.Fn fn = cmp.fn();
            Expr.Col col = cmp.column();
            int c = cursorCol[col.index()];
            return switch (fn) {
                case EQ -> new RangeConjunct(c, v, v, false);
                case NE -> new RangeConjunct(c, v, v, true);
                case LT -> v == Long.MIN_VALUE ? new RangeConjunct(c, 1, 0, false) : new RangeConjunct(c, Long.MIN_VALUE, v - 1, false);
                case LE -> new RangeConjunct(c, Long.MIN_VALUE, v, false);
                case GT -> v == Long.MAX_VALUE ? new RangeConjunct(c, 1, 0, false) : new RangeConjunct(c, v + 1, Long.MAX_VALUE, false);
                case GE -> new RangeConjunct(c, v, Long.MAX_VALUE, false);
                default -> null;
            };
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
                + (topN == null ? "" : ", splitsSkippedByTopN=" + topN.splitsSkipped())
                + (pushedConjuncts <= 0 ? "" : ", conjunctsOnEncodedBlocks=" + pushedConjuncts)
                + (summarized == null ? "" : ", columnBlocksFromSummaries=" + blocksSummarized.get());
    }
}
