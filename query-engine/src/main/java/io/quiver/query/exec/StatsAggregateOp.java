package io.quiver.query.exec;

import io.quiver.query.plan.AggFn;
import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Field;
import io.quiver.query.plan.Plan;
import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.vector.ColumnVector;

import java.util.BitSet;
import java.util.List;

/**
 * COUNT(*), COUNT(col), MIN(col) and MAX(col) without a filter, answered split by split from
 * statistics (segment zone maps, memtable chunk bounds) without reading data. Splits whose
 * statistics cannot answer every aggregate (unknown, NaN present, string bounds missing, e.g. a
 * memtable's VARCHAR column) are read by the fallback aggregation, restricted to those splits, and
 * its one-row answer is merged with the statistics.
 */
final class StatsAggregateOp extends PhysicalOp {
    private final Plan.Scan scan;
    private final ScanOp fallbackScan;
    private final List<Expr.Agg> aggs;
    private volatile int splitsFromStats;
    private volatile int splitsScanned;

    StatsAggregateOp(Plan.Scan scan, List<Expr.Agg> aggs, List<Field> fields, AggregateOp fallback, ScanOp fallbackScan) {
        super(List.of(fallback));
        this.scan = scan;
        this.aggs = aggs;
        this.fallbackScan = fallbackScan;
    }

    /** The running answer of one aggregate over the splits folded so far. */
    private static final class Partial {
        long count;
        boolean any;
        long bestLong;
        double bestDouble;
        String bestString;
    }

    @Override
    protected void execute(ExecContext ctx, Sink.Factory down) {
        TableScan snapshot = ctx.snapshot(scan.table(), scan.handle());
        List<ScanSplit> splits = snapshot.splits();
        Partial[] partials = new Partial[aggs.size()];
        for (int a = 0; a < partials.length; a++) {
            partials[a] = new Partial();
        }
        BitSet toScan = new BitSet();
        for (int s = 0; s < splits.size(); s++) {
            if (!answerable(splits.get(s))) {
                toScan.set(s);
                continue;
            }
            for (int a = 0; a < aggs.size(); a++) {
                fold(aggs.get(a), splits.get(s), partials[a]);
            }
        }
        splitsScanned = toScan.cardinality();
        splitsFromStats = splits.size() - splitsScanned;
        if (splitsFromStats == 0) {
            children.get(0).run(ctx, down);
            return;
        }
        ColumnVector[] cols = new ColumnVector[aggs.size()];
        for (int a = 0; a < aggs.size(); a++) {
            cols[a] = new ColumnVector(aggs.get(a).type(), 1);
        }
        if (!toScan.isEmpty()) {
            fallbackScan.restrictToSplits(toScan);
            Object[] scanned = new Object[aggs.size()];
            children.get(0).run(ctx, () -> new Sink() {
                @Override
                public void accept(Batch batch) {
                    int row = batch.positions()[0];
                    for (int a = 0; a < aggs.size(); a++) {
                        scanned[a] = batch.cols[a].getObject(row);
                    }
                }

                @Override
                public void finish() {
                }
            });
            for (int a = 0; a < aggs.size(); a++) {
                merge(aggs.get(a), partials[a], scanned[a]);
            }
        }
        for (int a = 0; a < aggs.size(); a++) {
            emit(aggs.get(a), partials[a], cols[a]);
        }
        Sink s = down.create();
        s.accept(new Batch(cols, 1));
        s.finish();
    }

    private int column(Expr.Agg a) {
        return scan.columns()[((Expr.Col) a.args().get(0)).index()];
    }

    /** Whether this split's statistics answer every aggregate exactly. */
    private boolean answerable(ScanSplit split) {
        for (Expr.Agg a : aggs) {
            if (a.fn() == AggFn.COUNT_STAR) {
                continue;
            }
            ColumnStats st = split.columnStats(column(a));
            if (st == null) {
                return false;
            }
            if (a.fn() == AggFn.COUNT || st.nonNullCount() == 0) {
                continue;
            }
            if (!st.hasMinMax() || st.hasNaN()) {
                return false;
            }
            if (a.args().get(0).type().physical() == ColumnType.Physical.BYTES
                    && (a.fn() == AggFn.MAX ? st.maxString() : st.minString()) == null) {
                return false;
            }
        }
        return true;
    }

    private void fold(Expr.Agg a, ScanSplit split, Partial p) {
        if (a.fn() == AggFn.COUNT_STAR) {
            p.count += split.rowCount();
            return;
        }
        ColumnStats st = split.columnStats(column(a));
        p.count += st.nonNullCount();
        if (a.fn() == AggFn.COUNT || st.nonNullCount() == 0) {
            return;
        }
        boolean max = a.fn() == AggFn.MAX;
        switch (a.args().get(0).type().physical()) {
            case LONG -> offerLong(p, max, max ? st.maxLong() : st.minLong());
            case DOUBLE -> offerDouble(p, max, max ? st.maxDouble() : st.minDouble());
            case BYTES -> offerString(p, max, max ? st.maxString() : st.minString());
        }
    }

    /** Folds the fallback's answer over the scanned splits (a count, or a min/max that may be NULL). */
    private static void merge(Expr.Agg a, Partial p, Object value) {
        if (a.fn() == AggFn.COUNT_STAR || a.fn() == AggFn.COUNT) {
            p.count += value == null ? 0 : (Long) value;
            return;
        }
        if (value == null) {
            return;
        }
        boolean max = a.fn() == AggFn.MAX;
        switch (a.args().get(0).type().physical()) {
            case LONG -> offerLong(p, max, (Long) value);
            case DOUBLE -> offerDouble(p, max, (Double) value);
            case BYTES -> offerString(p, max, (String) value);
        }
    }

    private static void offerLong(Partial p, boolean max, long v) {
        p.bestLong = !p.any ? v : max ? Math.max(p.bestLong, v) : Math.min(p.bestLong, v);
        p.any = true;
    }

    private static void offerDouble(Partial p, boolean max, double v) {
        // A scanned NaN sorts above every number (PostgreSQL); Math.max/min would propagate it to MIN too.
        if (!p.any) {
            p.bestDouble = v;
        } else if (max) {
            p.bestDouble = Double.compare(v, p.bestDouble) > 0 ? v : p.bestDouble;
        } else {
            p.bestDouble = Double.compare(v, p.bestDouble) < 0 ? v : p.bestDouble;
        }
        p.any = true;
    }

    private static void offerString(Partial p, boolean max, String v) {
        int c = p.bestString == null ? 0 : ScanPredicate.compareUtf8(v, p.bestString);
        p.bestString = !p.any || (max ? c > 0 : c < 0) ? v : p.bestString;
        p.any = true;
    }

    private static void emit(Expr.Agg a, Partial p, ColumnVector out) {
        if (a.fn() == AggFn.COUNT_STAR || a.fn() == AggFn.COUNT) {
            out.appendLong(p.count);
        } else if (!p.any) {
            out.appendNull();
        } else {
            switch (a.args().get(0).type().physical()) {
                case LONG -> out.appendLong(p.bestLong);
                case DOUBLE -> out.appendDouble(p.bestDouble);
                case BYTES -> out.appendString(p.bestString);
            }
        }
    }

    @Override
    public String describe() {
        return "StatsAggregate " + scan.table() + " aggs=" + aggs.stream().map(x -> ExplainText.expr(x, scan.fields())).toList()
                + " (splits without usable statistics go to:)";
    }

    @Override
    protected String analyzeExtra() {
        return ", answeredFromStats=" + (splitsFromStats > 0) + ", splitsFromStats=" + splitsFromStats + ", splitsScanned=" + splitsScanned;
    }
}
