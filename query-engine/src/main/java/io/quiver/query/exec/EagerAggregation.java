package io.quiver.query.exec;

import io.quiver.query.plan.AggFn;
import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Field;
import io.quiver.query.plan.JoinType;
import io.quiver.query.plan.Plan;
import io.quiver.query.plan.Refs;
import io.quiver.storage.ColumnType;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Aggregates a large join input by its join key before the join, when the GROUP BY above an inner
 * equi-join groups by columns of the other (small) input and the aggregates read only the large one:
 * {@code SELECT t.plan, count(*), sum(h.revenue) FROM hits h JOIN tenants t ON h.tenant_id = t.tenant_id
 * GROUP BY t.plan} becomes a GROUP BY tenant_id over hits (a primitive-keyed aggregation), a join of
 * its few rows with tenants, and a GROUP BY plan that adds up the partial results. The fact-table
 * rows then never pass through the join, nor does the dimension's string get copied into each of them.
 *
 * <p>Why it is exact, also with duplicate keys on the small side: every joined pair (large row r,
 * small row s) has r.key = s.key, so the pairs that fall in a group are, for each small row s of the
 * group, all large rows with key s.key; a partial COUNT/SUM/MIN/MAX over those rows per key, joined
 * back to every s, and folded (SUM of counts and sums, MIN of minima, MAX of maxima) gives the same
 * value as the aggregate over the pairs. NULL keys group together in the partial aggregation and
 * still never match. Aggregates that do not decompose (DISTINCT, AVG, quantiles, ...) or carry a
 * FILTER keep the plan as it is. Floating-point SUMs may differ in the last bits (a different
 * addition order), as they do between parallel runs.
 *
 * <p>When: the small side is estimated at most {@value #MAX_SMALL_ROWS} rows and the large side at
 * least {@value #MIN_RATIO} times more, the shape of a fact table joined to a dimension; a large
 * side with as many distinct keys as rows would make the partial aggregation cost more than it saves.
 */
final class EagerAggregation {
    static final double MAX_SMALL_ROWS = 1_000_000;
    static final double MIN_RATIO = 10;

    private EagerAggregation() {
    }

    /** The rewritten plan, or {@code a} itself when the rewrite does not apply. */
    static Plan apply(Plan.Aggregate a) {
        Plan in = a.input();
        List<Expr> groups = a.groups();
        List<Expr.Agg> aggs = a.aggs();
        if (in instanceof Plan.Project p && p.input() instanceof Plan.Join) {
            groups = groups.stream().map(g -> Refs.substitute(g, p.exprs())).toList();
            List<Expr.Agg> inlined = new ArrayList<>(aggs.size());
            for (Expr.Agg g : aggs) {
                inlined.add(new Expr.Agg(g.fn(), g.args().stream().map(x -> Refs.substitute(x, p.exprs())).toList(), g.distinct(),
                        Refs.substitute(g.filter(), p.exprs()), g.param(), g.type()));
            }
            aggs = inlined;
            in = p.input();
        }
        if (!(in instanceof Plan.Join j) || j.type() != JoinType.INNER || j.residual() != null || j.leftKeys().isEmpty()) {
            return a;
        }
        int leftWidth = j.left().fields().size();
        BitSet aggRefs = new BitSet();
        for (Expr.Agg g : aggs) {
            if (g.distinct() || g.filter() != null || !decomposes(g.fn())) {
                return a;
            }
            g.args().forEach(x -> Refs.collect(x, aggRefs));
        }
        BitSet groupRefs = new BitSet();
        groups.forEach(g -> Refs.collect(g, groupRefs));
        boolean preAggregateLeft;
        if (below(aggRefs, leftWidth) && atOrAbove(groupRefs, leftWidth)) {
            preAggregateLeft = true;
        } else if (!aggRefs.isEmpty() && atOrAbove(aggRefs, leftWidth) && below(groupRefs, leftWidth)) {
            preAggregateLeft = false;
        } else {
            return a;
        }
        Plan large = preAggregateLeft ? j.left() : j.right();
        Plan small = preAggregateLeft ? j.right() : j.left();
        double smallRows = PhysicalPlanner.estimate(small);
        if (smallRows > MAX_SMALL_ROWS || PhysicalPlanner.estimate(large) < MIN_RATIO * Math.max(1, smallRows)) {
            return a;
        }

        // The partial aggregation: the large side's join keys, then one partial per aggregate.
        List<Expr> largeKeys = preAggregateLeft ? j.leftKeys() : j.rightKeys();
        int toLarge = preAggregateLeft ? 0 : -leftWidth;
        List<Field> partialFields = new ArrayList<>();
        List<Expr> partialKeys = new ArrayList<>();
        for (int k = 0; k < largeKeys.size(); k++) {
            ColumnType type = largeKeys.get(k).type();
            partialFields.add(new Field(null, "$join_key" + k, type));
            partialKeys.add(new Expr.Col(k, type));
        }
        List<Expr.Agg> partials = new ArrayList<>(aggs.size());
        for (int i = 0; i < aggs.size(); i++) {
            Expr.Agg g = aggs.get(i);
            partials.add(new Expr.Agg(g.fn(), g.args().stream().map(x -> Refs.shift(x, toLarge)).toList(), false, null, g.param(), g.type()));
            partialFields.add(new Field(null, "$partial" + i, g.type()));
        }
        Plan.Aggregate partial = new Plan.Aggregate(large, largeKeys, partials, partialFields);

        Plan.Join joined;
        List<Field> joinedFields = new ArrayList<>();
        int partialWidth = partialFields.size();
        int firstPartial;
        List<Expr> finalGroups;
        if (preAggregateLeft) {
            joinedFields.addAll(partialFields);
            joinedFields.addAll(small.fields());
            joined = new Plan.Join(partial, small, JoinType.INNER, partialKeys, j.rightKeys(), null, joinedFields);
            firstPartial = largeKeys.size();
            finalGroups = groups.stream().map(g -> Refs.shift(g, partialWidth - leftWidth)).toList();
        } else {
            joinedFields.addAll(small.fields());
            joinedFields.addAll(partialFields);
            joined = new Plan.Join(small, partial, JoinType.INNER, j.leftKeys(), partialKeys, null, joinedFields);
            firstPartial = leftWidth + largeKeys.size();
            finalGroups = groups;
        }
        List<Expr.Agg> finals = new ArrayList<>(aggs.size());
        for (int i = 0; i < aggs.size(); i++) {
            Expr.Agg g = aggs.get(i);
            Expr partialValue = new Expr.Col(firstPartial + i, g.type());
            AggFn fold = switch (g.fn()) {
                case COUNT_STAR, COUNT, SUM -> AggFn.SUM;
                default -> g.fn(); // MIN, MAX
            };
            finals.add(new Expr.Agg(fold, List.of(partialValue), false, null, 0, g.type()));
        }
        return new Plan.Aggregate(joined, finalGroups, finals, a.fields());
    }

    private static boolean decomposes(AggFn fn) {
        return fn == AggFn.COUNT_STAR || fn == AggFn.COUNT || fn == AggFn.SUM || fn == AggFn.MIN || fn == AggFn.MAX;
    }

    private static boolean below(BitSet refs, int n) {
        return refs.isEmpty() || refs.length() <= n;
    }

    private static boolean atOrAbove(BitSet refs, int n) {
        return refs.isEmpty() || refs.nextSetBit(0) >= n;
    }
}
