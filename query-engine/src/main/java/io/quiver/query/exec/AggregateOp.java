package io.quiver.query.exec;

import io.quiver.query.plan.AggFn;
import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Field;
import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.LongBlockSummary;
import io.quiver.storage.vector.ColumnVector;

import java.util.ArrayList;
import java.util.List;

/**
 * Hash aggregation: every worker aggregates its batches into its own {@link GroupTable} and
 * accumulators (no locks on the hot path); at the pipeline break the partials are merged into one
 * table, which is emitted in batches of {@link Batch#MAX_ROWS} groups.
 */
final class AggregateOp extends PhysicalOp {
    private final List<Expr> groups;
    private final List<Expr.Agg> aggs;
    private final List<Field> inFields;
    private final List<Field> outFields;

    AggregateOp(PhysicalOp child, List<Expr> groups, List<Expr.Agg> aggs, List<Field> inFields, List<Field> outFields) {
        super(List.of(child));
        this.groups = groups;
        this.aggs = aggs;
        this.inFields = inFields;
        this.outFields = outFields;
    }

    /** One thread's partial aggregation. */
    private final class Partial implements ScanOp.SummarySink {
        final GroupTable table;
        final Accumulator[] accs;
        private final List<VecExpr> keyExprs;
        private final VecExpr[] argExprs;
        private final VecExpr[] filterExprs;
        private final ColumnVector[] keyCols;
        private final long[] scratch;
        private final ExecContext ctx;
        private final List<Partial> done;
        /** Group of each live row; without GROUP BY never written, so it stays all group 0. */
        private int[] gids = new int[Batch.MAX_ROWS];
        private int[] subIdx = new int[Batch.MAX_ROWS];
        private int[] subGids = new int[Batch.MAX_ROWS];
        private long reserved;
        private final boolean countsOnly;
        /** One key; every aggregate a COUNT(*) or a SUM/AVG kept as a double, none with FILTER or DISTINCT. */
        private final boolean sumsByKey;

        Partial(ExecContext ctx, List<Partial> done) {
            this.ctx = ctx;
            this.done = done;
            ColumnType[] types = groups.stream().map(Expr::type).toArray(ColumnType[]::new);
            table = new GroupTable(types);
            keyExprs = ExprCompiler.compileAll(groups);
            keyCols = new ColumnVector[groups.size()];
            scratch = new long[groups.size()];
            accs = new Accumulator[aggs.size()];
            argExprs = new VecExpr[aggs.size()];
            filterExprs = new VecExpr[aggs.size()];
            for (int a = 0; a < accs.length; a++) {
                Expr.Agg agg = aggs.get(a);
                accs[a] = Accumulator.create(agg);
                argExprs[a] = agg.args().isEmpty() ? null : ExprCompiler.compile(agg.args().get(0));
                filterExprs[a] = agg.filter() == null ? null : ExprCompiler.compile(agg.filter());
            }
            countsOnly = groups.size() == 1 && aggs.stream().allMatch(a -> a.fn() == AggFn.COUNT_STAR && a.filter() == null && !a.distinct());
            boolean keyed = groups.size() == 1 && !countsOnly;
            for (int a = 0; a < accs.length && keyed; a++) {
                Expr.Agg agg = aggs.get(a);
                keyed = agg.filter() == null && !agg.distinct()
                        && (agg.fn() == AggFn.COUNT_STAR || accs[a] instanceof Accumulator.SumDouble);
            }
            sumsByKey = keyed;
            if (groups.isEmpty()) {
                table.singleGroup();
                for (Accumulator acc : accs) {
                    acc.ensure(1);
                }
            }
        }

        @Override
        public void accept(Batch b) {
            int n = b.count;
            int[] idx = b.positions();
            if (gids.length < n) {
                gids = new int[n];
                subIdx = new int[n];
                subGids = new int[n];
            }
            if (!groups.isEmpty()) {
                for (int c = 0; c < keyCols.length; c++) {
                    keyCols[c] = keyExprs.get(c).eval(b, idx, n);
                }
                if ((countsOnly || sumsByKey) && countRows(b, n, idx)) {
                    return;
                }
                table.findOrInsert(keyCols, idx, n, gids, scratch);
            }
            int groupCount = table.size();
            for (int a = 0; a < accs.length; a++) {
                accs[a].ensure(groupCount);
                addBatch(a, b, idx, n);
            }
            account();
        }

        /**
         * Every aggregate a COUNT(*), or a double SUM/AVG, without FILTER (GROUP BY country with
         * count(*) and sum(revenue)): a batch whose single key is dictionary-coded or a small integer
         * range is counted, and summed, per key value, without a group id per row.
         */
        private boolean countRows(Batch b, int n, int[] idx) {
            int m = table.countRows(keyCols, idx, n, scratch);
            if (m < 0) {
                return false;
            }
            int[] g = table.countedGroups();
            long[] rows = table.countedRows();
            for (int a = 0; a < accs.length; a++) {
                Accumulator acc = accs[a];
                acc.ensure(table.size());
                if (acc instanceof Accumulator.Count count) {
                    count.addCounts(g, rows, m);
                } else {
                    ColumnVector arg = argExprs[a].eval(b, idx, n);
                    ((Accumulator.SumDouble) acc).addKeyed(arg, idx, n, table, keyCols[0], g, table.countedSlots(), m,
                            table.countedSlotCount());
                }
            }
            account();
            return true;
        }

        /**
         * A block of a scan without a filter, for an aggregate without GROUP BY: the columns in
         * {@code summarized} were not decoded, their aggregates fold the block's summary instead.
         */
        @Override
        public void acceptSummarized(Batch b, LongBlockSummary[] summaries, boolean[] summarized) {
            int n = b.count;
            int[] idx = b.positions();
            for (int a = 0; a < accs.length; a++) {
                Accumulator acc = accs[a];
                acc.ensure(1);
                int f = aggs.get(a).args().isEmpty() || !(aggs.get(a).args().get(0) instanceof Expr.Col c) ? -1 : c.index();
                if (f >= 0 && summarized[f]) {
                    if (!acc.addSummary(0, summaries[f])) {
                        throw io.quiver.query.QueryException.internal("block summary refused by " + aggs.get(a), null);
                    }
                    continue;
                }
                addBatch(a, b, idx, n);
            }
            account();
        }

        @Override
        public void acceptCount(int rows) {
            for (Accumulator acc : accs) {
                acc.ensure(1);
                if (!acc.addAll(0, null, null, rows)) {
                    throw io.quiver.query.QueryException.internal("a row count offered to an aggregate other than COUNT(*)", null);
                }
            }
        }

        /** Folds live rows {@code idx[0..n)} of {@code b} into aggregate {@code a} (groups in {@link #gids}). */
        private void addBatch(int a, Batch b, int[] idx, int n) {
            {
                Accumulator acc = accs[a];
                int[] rows = idx;
                int[] g = gids;
                int m = n;
                if (filterExprs[a] != null) {
                    ColumnVector f = filterExprs[a].eval(b, idx, n);
                    m = 0;
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        if (!f.nulls[i] && f.longs[i] != 0) {
                            subIdx[m] = i;
                            subGids[m++] = gids[k];
                        }
                    }
                    rows = subIdx;
                    g = subGids;
                }
                ColumnVector arg = argExprs[a] == null ? null : argExprs[a].eval(b, rows, m);
                if (!(groups.isEmpty() && acc.addAll(0, arg, rows, m))) {
                    acc.add(g, arg, rows, m);
                }
            }
        }

        private void account() {
            long bytes = table.bytes();
            for (Accumulator acc : accs) {
                bytes += acc.bytes();
            }
            if (reserved == 0 || bytes > reserved + (1 << 16)) {
                ctx.query().reserve(bytes - reserved);
                reserved = bytes;
            }
        }

        @Override
        public void finish() {
            synchronized (done) {
                done.add(this);
            }
        }
    }

    @Override
    protected void execute(ExecContext ctx, Sink.Factory down) {
        List<Partial> partials = new ArrayList<>();
        children.get(0).run(ctx, () -> new Partial(ctx, partials));
        ctx.checkAlive();
        Partial result = partials.isEmpty() ? new Partial(ctx, new ArrayList<>()) : partials.get(0);
        for (int p = 1; p < partials.size(); p++) {
            Partial other = partials.get(p);
            int[] map = result.table.mergeFrom(other.table);
            for (int a = 0; a < aggs.size(); a++) {
                result.accs[a].ensure(result.table.size());
                result.accs[a].merge(other.accs[a], map, other.table.size());
            }
            ctx.checkAlive();
        }
        emit(result, down, ctx);
    }

    private void emit(Partial result, Sink.Factory down, ExecContext ctx) {
        Sink s = down.create();
        int total = result.table.size();
        ColumnVector[] cols = new ColumnVector[outFields.size()];
        for (int c = 0; c < cols.length; c++) {
            cols[c] = new ColumnVector(outFields.get(c).type(), Math.min(Batch.MAX_ROWS, Math.max(1, total)));
        }
        Batch b = new Batch(cols, 0);
        for (int from = 0; from < total && !ctx.stopped(); from += Batch.MAX_ROWS) {
            int n = Math.min(Batch.MAX_ROWS, total - from);
            for (int c = 0; c < groups.size(); c++) {
                result.table.writeKeys(c, from, n, cols[c]);
            }
            for (int a = 0; a < aggs.size(); a++) {
                ColumnVector v = cols[groups.size() + a];
                v.reset(n);
                result.accs[a].ensure(total);
                result.accs[a].output(from, n, v);
            }
            b.set(cols, n);
            s.accept(b);
        }
        s.finish();
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder("HashAggregate");
        if (!groups.isEmpty()) {
            b.append(" keys=[");
            for (int i = 0; i < groups.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(ExplainText.expr(groups.get(i), inFields));
            }
            b.append(']');
        }
        if (!aggs.isEmpty()) {
            b.append(" aggs=[");
            for (int i = 0; i < aggs.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(ExplainText.expr(aggs.get(i), inFields));
            }
            b.append(']');
        }
        return b.toString();
    }

    /**
     * Whether {@code a} (in an aggregation without GROUP BY) can fold a block from its
     * {@link LongBlockSummary} instead of its rows: COUNT, SUM, AVG, MIN, MAX of a bare integer column.
     */
    static boolean summarizable(Expr.Agg a) {
        if (a.distinct() || a.filter() != null) {
            return false;
        }
        if (a.fn() == AggFn.COUNT_STAR) {
            return true;
        }
        return switch (a.fn()) {
            case COUNT, SUM, AVG, MIN, MAX -> a.args().get(0) instanceof Expr.Col c && c.type().physical() == ColumnType.Physical.LONG;
            default -> false;
        };
    }

    static boolean answerableFromStats(Expr.Agg a) {
        return !a.distinct() && a.filter() == null && (a.fn() == AggFn.COUNT_STAR
                || ((a.fn() == AggFn.COUNT || a.fn() == AggFn.MIN || a.fn() == AggFn.MAX) && a.args().get(0) instanceof Expr.Col));
    }
}
