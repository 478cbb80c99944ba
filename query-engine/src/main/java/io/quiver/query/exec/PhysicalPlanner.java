package io.quiver.query.exec;

import io.quiver.query.plan.AggFn;
import io.quiver.query.plan.Binder;
import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Field;
import io.quiver.query.plan.Fn;
import io.quiver.query.plan.JoinType;
import io.quiver.query.plan.Plan;
import io.quiver.query.plan.Refs;
import io.quiver.query.plan.SortKey;
import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.ScanPredicate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a logical plan (filters pushed into scans and below inner joins, LIMIT over ORDER BY
 * fused to top-N), works out which columns each scan must read, derives zone-map predicates, and
 * builds the physical operator tree.
 */
public final class PhysicalPlanner {
    private final Map<Plan.Scan, BitSet> reads = new IdentityHashMap<>();
    /** Fields of each scan read above it (reads minus what only its filter needs). */
    private final Map<Plan.Scan, BitSet> scanOutputs = new IdentityHashMap<>();
    /** Output columns of each join that its consumers read: the join gathers only these. */
    private final Map<Plan.Join, BitSet> joinOutputs = new IdentityHashMap<>();
    /** Outputs of each projection that its consumers read: the others are not computed. */
    private final Map<Plan.Project, BitSet> projectOutputs = new IdentityHashMap<>();

    public PhysicalOp plan(Plan logical) {
        Plan p = optimize(logical);
        BitSet all = new BitSet();
        all.set(0, p.fields().size());
        needed(p, all);
        return physical(p);
    }

    // ---------------------------------------------------------------- rewrites

    static Plan optimize(Plan p) {
        return switch (p) {
            case Plan.Filter f -> pushFilter(optimize(f.input()), f.condition());
            case Plan.Project pr -> new Plan.Project(optimize(pr.input()), pr.exprs(), pr.fields());
            case Plan.Aggregate a -> EagerAggregation.apply(new Plan.Aggregate(optimize(a.input()), a.groups(), a.aggs(), a.fields()));
            case Plan.Sort s -> new Plan.Sort(optimize(s.input()), s.keys());
            case Plan.Limit l -> {
                Plan in = optimize(l.input());
                if (in instanceof Plan.Sort s && l.limit() >= 0) {
                    yield new Plan.TopN(s.input(), s.keys(), l.limit(), l.offset());
                }
                yield new Plan.Limit(in, l.limit(), l.offset());
            }
            case Plan.TopN t -> new Plan.TopN(optimize(t.input()), t.keys(), t.limit(), t.offset());
            case Plan.Join j -> new Plan.Join(optimize(j.left()), optimize(j.right()), j.type(), j.leftKeys(), j.rightKeys(), j.residual(), j.fields());
            case Plan.UnionAll u -> new Plan.UnionAll(u.inputs().stream().map(PhysicalPlanner::optimize).toList(), u.fields());
            case Plan.Window w -> new Plan.Window(optimize(w.input()), w.fns(), w.fields());
            case Plan.Scan s -> s;
            case Plan.Values v -> v;
        };
    }

    private static Plan pushFilter(Plan input, Expr cond) {
        switch (input) {
            case Plan.Scan s -> {
                Expr merged = s.filter() == null ? cond : Binder.and(s.filter(), cond);
                return new Plan.Scan(s.table(), s.handle(), s.schema(), s.columns(), merged, s.fields());
            }
            case Plan.Filter f -> {
                return pushFilter(f.input(), Binder.and(f.condition(), cond));
            }
            case Plan.Join j when j.type() == JoinType.INNER || j.type() == JoinType.LEFT || j.type() == JoinType.SEMI
                    || j.type() == JoinType.ANTI || j.type() == JoinType.ANTI_NULL_AWARE -> {
                int lw = j.left().fields().size();
                Expr left = null;
                Expr right = null;
                Expr rest = null;
                for (Expr c : Binder.conjuncts(cond)) {
                    BitSet r = Refs.of(c);
                    if (!r.isEmpty() && r.length() <= lw) {
                        left = left == null ? c : Binder.and(left, c);
                    } else if (j.type() == JoinType.INNER && !r.isEmpty() && r.nextSetBit(0) >= lw) {
                        Expr shifted = Refs.shift(c, -lw);
                        right = right == null ? shifted : Binder.and(right, shifted);
                    } else {
                        rest = rest == null ? c : Binder.and(rest, c);
                    }
                }
                Plan l = left == null ? j.left() : pushFilter(j.left(), left);
                Plan r = right == null ? j.right() : pushFilter(j.right(), right);
                Plan joined = new Plan.Join(l, r, j.type(), j.leftKeys(), j.rightKeys(), j.residual(), j.fields());
                return rest == null ? joined : new Plan.Filter(joined, rest);
            }
            case Plan.Project p -> {
                // Conjuncts reading only columns the projection passes through (a table alias, a
                // subquery's select list) go below it, towards the scan (late materialisation,
                // zone maps); the rest stays above.
                Expr below = null;
                Expr above = null;
                for (Expr c : Binder.conjuncts(cond)) {
                    if (Refs.of(c).stream().allMatch(i -> p.exprs().get(i) instanceof Expr.Col)) {
                        Expr inner = Refs.substitute(c, p.exprs());
                        below = below == null ? inner : Binder.and(below, inner);
                    } else {
                        above = above == null ? c : Binder.and(above, c);
                    }
                }
                if (below == null) {
                    return new Plan.Filter(input, cond);
                }
                Plan pushed = new Plan.Project(pushFilter(p.input(), below), p.exprs(), p.fields());
                return above == null ? pushed : new Plan.Filter(pushed, above);
            }
            default -> {
                return new Plan.Filter(input, cond);
            }
        }
    }

    // ---------------------------------------------------------------- columns to read

    private void needed(Plan p, BitSet need) {
        switch (p) {
            case Plan.Scan s -> {
                scanOutputs.merge(s, (BitSet) need.clone(), (a, b) -> {
                    a.or(b);
                    return a;
                });
                BitSet r = (BitSet) need.clone();
                Refs.collect(s.filter(), r);
                if (r.isEmpty() && !s.fields().isEmpty()) {
                    r.set(0); // something must be read to count rows
                }
                reads.merge(s, r, (a, b) -> {
                    a.or(b);
                    return a;
                });
            }
            case Plan.Filter f -> {
                BitSet r = (BitSet) need.clone();
                Refs.collect(f.condition(), r);
                needed(f.input(), r);
            }
            case Plan.Project pr -> {
                // Only outputs someone reads pull their inputs (a table alias projects every column).
                BitSet r = new BitSet();
                for (int i = 0; i < pr.exprs().size(); i++) {
                    if (need.get(i)) {
                        Refs.collect(pr.exprs().get(i), r);
                    }
                }
                projectOutputs.merge(pr, (BitSet) need.clone(), (a, b) -> {
                    a.or(b);
                    return a;
                });
                needed(pr.input(), r);
            }
            case Plan.Aggregate a -> {
                BitSet r = new BitSet();
                a.groups().forEach(e -> Refs.collect(e, r));
                a.aggs().forEach(e -> Refs.collect(e, r));
                needed(a.input(), r);
            }
            case Plan.Sort s -> needed(s.input(), withKeys(need, s.keys()));
            case Plan.TopN t -> needed(t.input(), withKeys(need, t.keys()));
            case Plan.Limit l -> needed(l.input(), need);
            case Plan.Join j -> {
                joinOutputs.merge(j, (BitSet) need.clone(), (a, b) -> {
                    a.or(b);
                    return a;
                });
                int lw = j.left().fields().size();
                BitSet l = new BitSet();
                BitSet r = new BitSet();
                for (int i = need.nextSetBit(0); i >= 0; i = need.nextSetBit(i + 1)) {
                    if (i < lw) {
                        l.set(i);
                    } else {
                        r.set(i - lw);
                    }
                }
                j.leftKeys().forEach(e -> Refs.collect(e, l));
                j.rightKeys().forEach(e -> Refs.collect(e, r));
                BitSet res = Refs.of(j.residual());
                for (int i = res.nextSetBit(0); i >= 0; i = res.nextSetBit(i + 1)) {
                    if (i < lw) {
                        l.set(i);
                    } else {
                        r.set(i - lw);
                    }
                }
                if (j.type() == JoinType.SINGLE) {
                    r.set(0);
                }
                needed(j.left(), l);
                needed(j.right(), r);
            }
            case Plan.UnionAll u -> u.inputs().forEach(i -> needed(i, need));
            case Plan.Window w -> {
                int width = w.input().fields().size();
                BitSet r = need.get(0, width);
                for (Plan.WindowFn f : w.fns()) {
                    if (f.arg() >= 0) {
                        r.set(f.arg());
                    }
                    for (int c : f.partition()) {
                        r.set(c);
                    }
                    f.order().forEach(k -> r.set(k.column()));
                }
                needed(w.input(), r);
            }
            case Plan.Values v -> { }
        }
    }

    private static BitSet withKeys(BitSet need, List<SortKey> keys) {
        BitSet r = (BitSet) need.clone();
        keys.forEach(k -> r.set(k.column()));
        return r;
    }

    // ---------------------------------------------------------------- physical

    private PhysicalOp physical(Plan p) {
        return switch (p) {
            case Plan.Scan s -> new ScanOp(s, reads.getOrDefault(s, new BitSet()), scanOutputs.getOrDefault(s, new BitSet()),
                    zoneMapPredicate(s));
            case Plan.Filter f -> new StreamOps.FilterOp(physical(f.input()), f.condition(), f.input().fields());
            case Plan.Project pr -> {
                BitSet used = projectOutputs.get(pr);
                List<Expr> exprs = new ArrayList<>(pr.exprs());
                for (int i = 0; i < exprs.size(); i++) {
                    if (used != null && !used.get(i) && !(exprs.get(i) instanceof Expr.Col)) {
                        exprs.set(i, new Expr.Lit(null, exprs.get(i).type())); // unread output: not computed
                    }
                }
                yield new StreamOps.ProjectOp(physical(pr.input()), exprs, pr.input().fields());
            }
            case Plan.Aggregate a -> {
                PhysicalOp input = physical(a.input());
                AggregateOp agg = new AggregateOp(input, a.groups(), a.aggs(), a.input().fields(), a.fields());
                if (a.input() instanceof Plan.Scan && input instanceof ScanOp scanOp) {
                    scanOp.groupKeysOnly(stringGroupKeysOnly(a));
                }
                if (a.groups().isEmpty() && !a.aggs().isEmpty() && a.input() instanceof Plan.Scan s && s.filter() == null
                        && input instanceof ScanOp scanOp && a.aggs().stream().allMatch(AggregateOp::answerableFromStats)) {
                    yield new StatsAggregateOp(s, a.aggs(), a.fields(), agg, scanOp);
                }
                if (a.groups().isEmpty() && a.input() instanceof Plan.Scan s && s.filter() == null && input instanceof ScanOp scanOp) {
                    summarizeForAggregate(a.aggs(), scanOp);
                }
                if (a.groups().isEmpty() && !a.aggs().isEmpty() && a.input() instanceof Plan.Scan && input instanceof ScanOp scanOp
                        && a.aggs().stream().allMatch(x -> x.fn() == AggFn.COUNT_STAR && x.filter() == null && !x.distinct())) {
                    scanOp.countOnly();
                }
                yield agg;
            }
            case Plan.Sort s -> new SortOp(physical(s.input()), s.keys(), s.fields(), -1, 0);
            case Plan.TopN t -> {
                PhysicalOp input = physical(t.input());
                SortOp sort = new SortOp(input, t.keys(), t.fields(), t.limit(), t.offset());
                linkTopNPruning(t, input, sort);
                yield sort;
            }
            case Plan.Limit l -> new StreamOps.LimitOp(physical(l.input()), l.limit(), l.offset());
            case Plan.Join j -> {
                // The smaller input is built. LEFT/SEMI/ANTI may build their preserved left side too
                // (then the kept rows are emitted after the probe); NOT IN's null-aware anti join may not.
                boolean leftBuildable = j.type() == JoinType.INNER || (!j.leftKeys().isEmpty()
                        && (j.type() == JoinType.LEFT || j.type() == JoinType.SEMI || j.type() == JoinType.ANTI));
                boolean buildLeft = leftBuildable && estimate(j.left()) < estimate(j.right());
                BitSet gathered = (BitSet) joinOutputs.getOrDefault(j, new BitSet()).clone();
                Refs.collect(j.residual(), gathered);
                yield new HashJoinOp(physical(j.left()), physical(j.right()), j.type(), buildLeft, j.leftKeys(), j.rightKeys(),
                        j.residual(), j.left().fields(), j.right().fields(), j.fields(), gathered);
            }
            case Plan.UnionAll u -> new StreamOps.UnionOp(u.inputs().stream().map(this::physical).toList());
            case Plan.Window w -> new WindowOp(physical(w.input()), w.fns(), w.input().fields(), w.fields());
            case Plan.Values v -> new StreamOps.ValuesOp(v.rows(), v.fields());
        };
    }

    /**
     * String input fields that an aggregation uses only as whole GROUP BY keys or as the argument of
     * a DISTINCT aggregate (never inside an expression or another aggregate): the group table and
     * the DISTINCT sets read dictionary-coded vectors through their dictionary, so the scan below
     * need not write their strings.
     */
    private static BitSet stringGroupKeysOnly(Plan.Aggregate a) {
        BitSet keys = new BitSet();
        BitSet otherUses = new BitSet();
        for (Expr g : a.groups()) {
            if (g instanceof Expr.Col c && c.type() == ColumnType.VARCHAR) {
                keys.set(c.index());
            } else {
                Refs.collect(g, otherUses);
            }
        }
        for (Expr.Agg agg : a.aggs()) {
            if (Accumulator.setOfDistinct(agg) && agg.args().size() == 1 && agg.args().get(0) instanceof Expr.Col c
                    && c.type() == ColumnType.VARCHAR) {
                keys.set(c.index()); // a DISTINCT set of strings reads them from the dictionary
            } else {
                agg.args().forEach(e -> Refs.collect(e, otherUses));
            }
            Refs.collect(agg.filter(), otherUses);
        }
        keys.andNot(otherUses);
        return keys;
    }

    /**
     * When a top-N's first key is a long-physical column read straight from a scan (through
     * projections that pass it as a column), the top-N feeds the scan a dynamic bound (TopNBound).
     */
    private static void linkTopNPruning(Plan.TopN t, PhysicalOp input, SortOp sort) {
        SortKey first = t.keys().get(0);
        int field = first.column();
        Plan p = t.input();
        PhysicalOp op = input;
        while (p instanceof Plan.Project pr && op instanceof StreamOps.ProjectOp) {
            if (!(pr.exprs().get(field) instanceof Expr.Col c)) {
                return;
            }
            field = c.index();
            p = pr.input();
            op = op.children.get(0);
        }
        if (!(p instanceof Plan.Scan) || !(op instanceof ScanOp scanOp) || !scanOp.fieldDef(field).type().isLongPhysical()) {
            return;
        }
        TopNBound bound = new TopNBound(scanOp.tableColumn(field), first.descending(), first.nullsFirst());
        scanOp.pruneForTopN(bound);
        sort.publishCutoffTo(bound);
    }

    /** Rough output cardinality, to pick the smaller join input as the build side. */
    static double estimate(Plan p) {
        return switch (p) {
            case Plan.Scan s -> {
                double rows = s.handle().schema() == null ? 1e6 : tableRows(s);
                yield s.filter() == null ? rows : rows * 0.25;
            }
            case Plan.Filter f -> estimate(f.input()) * 0.25;
            case Plan.Project pr -> estimate(pr.input());
            case Plan.Aggregate a -> a.groups().isEmpty() ? 1 : Math.max(1, estimate(a.input()) * 0.1);
            case Plan.Sort s -> estimate(s.input());
            case Plan.TopN t -> Math.min(t.limit(), estimate(t.input()));
            case Plan.Limit l -> l.limit() < 0 ? estimate(l.input()) : Math.min(l.limit(), estimate(l.input()));
            case Plan.Join j -> Math.max(estimate(j.left()), estimate(j.right()));
            case Plan.UnionAll u -> u.inputs().stream().mapToDouble(PhysicalPlanner::estimate).sum();
            case Plan.Window w -> estimate(w.input());
            case Plan.Values v -> v.rows().size();
        };
    }

    private static double tableRows(Plan.Scan s) {
        try (var scan = s.handle().openScan()) {
            return scan.rowCount();
        }
    }

    /** Conjuncts of the form {@code column op constant} become zone-map conditions (table column indexes). */
    /**
     * Lets a scan without a filter hand the global aggregate above it block summaries instead of
     * decoded rows, for the columns whose every aggregate can use one.
     */
    private static void summarizeForAggregate(List<Expr.Agg> aggs, ScanOp scan) {
        BitSet fields = new BitSet();
        BitSet refused = new BitSet();
        BitSet wantSum = new BitSet();
        for (Expr.Agg a : aggs) {
            BitSet refs = new BitSet();
            for (Expr arg : a.args()) {
                Refs.collect(arg, refs);
            }
            if (a.filter() != null) {
                Refs.collect(a.filter(), refs);
            }
            if (AggregateOp.summarizable(a) && a.fn() != AggFn.COUNT_STAR) {
                fields.or(refs);
                if (a.fn() == AggFn.SUM || a.fn() == AggFn.AVG) {
                    wantSum.or(refs);
                }
            } else {
                refused.or(refs);
            }
        }
        fields.andNot(refused);
        if (!fields.isEmpty()) {
            wantSum.and(fields);
            scan.summarizeFor(fields, wantSum);
        }
    }

    static ScanPredicate zoneMapPredicate(Plan.Scan s) {
        List<ScanPredicate.Condition> out = new ArrayList<>();
        for (Expr c : Binder.conjuncts(s.filter())) {
            if (!(c instanceof Expr.Call call)) {
                continue;
            }
            if (call.fn() == Fn.IS_NOT_NULL && call.arg(0) instanceof Expr.Col col) {
                out.add(new ScanPredicate.NotNull(s.columns()[col.index()]));
                continue;
            }
            ColumnComparison cmp = ColumnComparison.of(call);
            if (cmp == null || cmp.literal().value() == null) {
                continue;
            }
            Fn fn = cmp.fn();
            Expr.Col col = cmp.column();
            Expr.Lit lit = cmp.literal();
            int column = s.columns()[col.index()];
            ColumnType t = col.type();
            if (t.physical() == ColumnType.Physical.LONG && lit.value() instanceof Long v) {
                switch (fn) {
                    case EQ -> out.add(new ScanPredicate.LongRange(column, v, v));
                    case LT -> {
                        if (v != Long.MIN_VALUE) {
                            out.add(new ScanPredicate.LongRange(column, Long.MIN_VALUE, v - 1));
                        }
                    }
                    case LE -> out.add(new ScanPredicate.LongRange(column, Long.MIN_VALUE, v));
                    case GT -> {
                        if (v != Long.MAX_VALUE) {
                            out.add(new ScanPredicate.LongRange(column, v + 1, Long.MAX_VALUE));
                        }
                    }
                    case GE -> out.add(new ScanPredicate.LongRange(column, v, Long.MAX_VALUE));
                    case NE -> out.add(new ScanPredicate.NotNull(column));
                    default -> { }
                }
            } else if (t == ColumnType.DOUBLE && lit.value() instanceof Double v && !Double.isNaN(v)) {
                // NaN sorts above every number in SQL but zone maps ignore it: only bound from below.
                switch (fn) {
                    case EQ -> out.add(new ScanPredicate.DoubleRange(column, v, v));
                    case GT, GE -> out.add(new ScanPredicate.NotNull(column));
                    case LT, LE -> out.add(new ScanPredicate.DoubleRange(column, Double.NEGATIVE_INFINITY, v));
                    default -> { }
                }
            } else if (t == ColumnType.VARCHAR && fn == Fn.EQ && lit.value() instanceof String v) {
                out.add(new ScanPredicate.StringEquals(column, v.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return ScanPredicate.of(out);
    }

    static List<Field> fields(Plan p) {
        return p.fields();
    }
}
