package io.quiver.query.exec;

import io.quiver.query.plan.AggFn;
import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Field;
import io.quiver.query.plan.Plan;
import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.vector.ColumnVector;

import java.util.List;

/**
 * COUNT(*), COUNT(col), MIN(col) and MAX(col) without a filter, answered from split statistics
 * without reading data. Falls back to the full aggregation when any split lacks usable statistics
 * (unknown, NaN present, or string bounds missing).
 */
final class StatsAggregateOp extends PhysicalOp {
    private final Plan.Scan scan;
    private final List<Expr.Agg> aggs;
    private final List<Field> fields;
    private boolean usedStats;

    StatsAggregateOp(Plan.Scan scan, List<Expr.Agg> aggs, List<Field> fields, PhysicalOp fallback) {
        super(List.of(fallback));
        this.scan = scan;
        this.aggs = aggs;
        this.fields = fields;
    }

    @Override
    protected void execute(ExecContext ctx, Sink.Factory down) {
        TableScan snapshot = ctx.snapshot(scan.table(), scan.handle());
        ColumnVector[] cols = new ColumnVector[aggs.size()];
        for (int a = 0; a < aggs.size(); a++) {
            cols[a] = answer(aggs.get(a), snapshot.splits());
            if (cols[a] == null) {
                children.get(0).run(ctx, down);
                return;
            }
        }
        usedStats = true;
        Sink s = down.create();
        s.accept(new Batch(cols, 1));
        s.finish();
    }

    private ColumnVector answer(Expr.Agg a, List<ScanSplit> splits) {
        ColumnVector out = new ColumnVector(a.type(), 1);
        if (a.fn() == AggFn.COUNT_STAR) {
            long n = 0;
            for (ScanSplit s : splits) {
                n += s.rowCount();
            }
            out.appendLong(n);
            return out;
        }
        int column = scan.columns()[((Expr.Col) a.args().get(0)).index()];
        ColumnType t = a.args().get(0).type();
        long count = 0;
        boolean any = false;
        long bestLong = 0;
        double bestDouble = 0;
        String bestString = null;
        boolean max = a.fn() == AggFn.MAX;
        for (ScanSplit s : splits) {
            ColumnStats st = s.columnStats(column);
            if (st == null) {
                return null;
            }
            count += st.nonNullCount();
            if (a.fn() == AggFn.COUNT || st.nonNullCount() == 0) {
                continue;
            }
            if (!st.hasMinMax() || st.hasNaN()) {
                return null;
            }
            switch (t.physical()) {
                case LONG -> {
                    long v = max ? st.maxLong() : st.minLong();
                    bestLong = !any ? v : max ? Math.max(bestLong, v) : Math.min(bestLong, v);
                }
                case DOUBLE -> {
                    double v = max ? st.maxDouble() : st.minDouble();
                    bestDouble = !any ? v : max ? Math.max(bestDouble, v) : Math.min(bestDouble, v);
                }
                case BYTES -> {
                    String v = max ? st.maxString() : st.minString();
                    if (v == null) {
                        return null;
                    }
                    int c = bestString == null ? 0 : io.quiver.storage.scan.ScanPredicate.compareUtf8(v, bestString);
                    bestString = !any || (max ? c > 0 : c < 0) ? v : bestString;
                }
            }
            any = true;
        }
        if (a.fn() == AggFn.COUNT) {
            out.appendLong(count);
        } else if (!any) {
            out.appendNull();
        } else {
            switch (t.physical()) {
                case LONG -> out.appendLong(bestLong);
                case DOUBLE -> out.appendDouble(bestDouble);
                case BYTES -> out.appendString(bestString);
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "StatsAggregate " + scan.table() + " aggs=" + aggs.stream().map(x -> ExplainText.expr(x, scan.fields())).toList()
                + " (falls back to:)";
    }

    @Override
    protected String analyzeExtra() {
        return ", answeredFromStats=" + usedStats;
    }
}
