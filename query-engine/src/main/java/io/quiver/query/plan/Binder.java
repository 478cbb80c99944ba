package io.quiver.query.plan;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;
import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.TableHandle;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.TableSchema;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSetOperator;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.fun.SqlBetweenOperator;
import org.apache.calcite.sql.fun.SqlTrimFunction;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resolves names and types of a Calcite parse tree against the catalog and builds a logical
 * {@link Plan}. Follows PostgreSQL's rules: unquoted and quoted names match case-insensitively
 * (storage names are case-insensitive), GROUP BY / ORDER BY accept positions and output aliases,
 * string literals adopt the type they are compared with.
 */
public final class Binder {
    private final QueryCatalog catalog;
    private final long nowMicros;
    private final Deque<Map<String, SqlWithItem>> ctes = new ArrayDeque<>();
    /** True only while binding a SELECT list or ORDER BY, the places PostgreSQL allows window functions. */
    private boolean windowsAllowed;
    /** Set while binding a DELETE's condition: its subqueries run first and become constants. */
    private SubqueryRunner subqueries;

    /** Runs an uncorrelated subquery's plan and returns its first column, one value per row (Lit representation). */
    @FunctionalInterface
    public interface SubqueryRunner {
        List<Object> firstColumn(Plan plan);
    }

    public Binder(QueryCatalog catalog, long nowMicros) {
        this.catalog = catalog;
        this.nowMicros = nowMicros;
    }

    /** A relation being built: a plan plus which fields hide from unqualified lookup (USING duplicates). */
    private static final class Rel {
        Plan plan;
        final Set<Integer> hidden = new HashSet<>();

        Rel(Plan plan) {
            this.plan = plan;
        }

        List<Field> fields() {
            return plan.fields();
        }
    }

    /** Expression binding context. */
    private record Ctx(Rel rel, boolean aggAllowed, boolean inAgg) {
        Ctx inAggregate() {
            return new Ctx(rel, false, true);
        }
    }

    // ------------------------------------------------------------------ queries

    public Plan bindQuery(SqlNode node) {
        return switch (node.getKind()) {
            case ORDER_BY -> {
                SqlOrderBy ob = (SqlOrderBy) node;
                if (ob.query instanceof SqlSelect s) {
                    yield bindSelect(s, ob.orderList, ob.offset, ob.fetch);
                }
                if (ob.query instanceof SqlWith w) {
                    // The parser puts WITH's ORDER BY outside it; bind it with the body, so it may
                    // name any column of the body's FROM, as it could without the WITH.
                    yield withCtes(w, () -> bindQuery(new SqlOrderBy(ob.getParserPosition(), w.body, ob.orderList, ob.offset, ob.fetch)));
                }
                Plan p = bindQuery(ob.query);
                yield orderAndLimit(p, ob.orderList, ob.offset, ob.fetch);
            }
            case WITH -> {
                SqlWith w = (SqlWith) node;
                yield withCtes(w, () -> bindQuery(w.body));
            }
            case SELECT -> {
                SqlSelect s = (SqlSelect) node;
                yield bindSelect(s, s.getOrderList(), s.getOffset(), s.getFetch());
            }
            case UNION -> bindUnion((SqlCall) node);
            case VALUES -> bindValues((SqlCall) node);
            case INTERSECT, EXCEPT -> throw QueryException.unsupported(node.getKind().toString());
            default -> throw error(ErrorCode.SYNTAX_ERROR, "expected a query", node);
        };
    }

    private Plan withCtes(SqlWith w, java.util.function.Supplier<Plan> body) {
        Map<String, SqlWithItem> m = new HashMap<>();
        for (SqlNode n : w.withList) {
            SqlWithItem item = (SqlWithItem) n;
            m.put(item.name.getSimple().toLowerCase(Locale.ROOT), item);
        }
        ctes.push(m);
        try {
            return body.get();
        } finally {
            ctes.pop();
        }
    }

    private Plan bindUnion(SqlCall call) {
        boolean all = ((SqlSetOperator) call.getOperator()).isAll();
        List<Plan> inputs = new ArrayList<>();
        collectUnion(call, all, inputs);
        Plan u = unionAll(inputs, call);
        return all ? u : distinct(u);
    }

    /** UNION ALL of the branches, each column in the type all branches unify to (a bare string literal adopts it). */
    private Plan unionAll(List<Plan> inputs, SqlNode call) {
        List<Field> first = inputs.get(0).fields();
        List<ColumnType> types = new ArrayList<>();
        for (int c = 0; c < first.size(); c++) {
            // As in PostgreSQL, a branch whose column is a bare string literal takes the other branches' type.
            ColumnType t = null;
            for (Plan p : inputs) {
                if (p.fields().size() != first.size()) {
                    throw error(ErrorCode.SYNTAX_ERROR, "each UNION query must have the same number of columns", call);
                }
                if (!untypedString(p, c)) {
                    ColumnType pt = p.fields().get(c).type();
                    t = t == null ? pt : unify(t, pt, call);
                }
            }
            types.add(t == null ? ColumnType.VARCHAR : t);
        }
        List<Plan> cast = new ArrayList<>();
        for (Plan p : inputs) {
            cast.add(castTo(p, types));
        }
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < first.size(); c++) {
            fields.add(new Field(null, first.get(c).name(), types.get(c)));
        }
        return new Plan.UnionAll(cast, fields);
    }

    /** Whether column {@code c} of a UNION branch is a string literal (or NULL) in every row, so it has no type of its own. */
    private static boolean untypedString(Plan p, int c) {
        return switch (p) {
            case Plan.Project pr -> Types.isStringLiteral(pr.exprs().get(c)) || Types.isNullLiteral(pr.exprs().get(c));
            case Plan.Values v -> v.rows().stream().allMatch(r -> Types.isStringLiteral(r.get(c)) || Types.isNullLiteral(r.get(c)));
            default -> false;
        };
    }

    private void collectUnion(SqlCall call, boolean all, List<Plan> out) {
        for (SqlNode op : call.getOperandList()) {
            if (op.getKind() == SqlKind.UNION && ((SqlSetOperator) ((SqlCall) op).getOperator()).isAll() == all) {
                collectUnion((SqlCall) op, all, out);
            } else {
                out.add(bindQuery(op));
            }
        }
    }

    private ColumnType unify(ColumnType a, ColumnType b, SqlNode at) {
        if (a == b) {
            return a;
        }
        if (Types.isNumeric(a) && Types.isNumeric(b)) {
            return Types.numericCommon(a, b);
        }
        if (Types.isTemporal(a) && Types.isTemporal(b)) {
            return ColumnType.TIMESTAMP;
        }
        throw error(ErrorCode.TYPE_MISMATCH, "types cannot be matched [left=" + a + ", right=" + b + ']', at);
    }

    private static Plan castTo(Plan p, List<ColumnType> types) {
        boolean same = true;
        for (int i = 0; i < types.size(); i++) {
            same &= p.fields().get(i).type() == types.get(i);
        }
        if (same) {
            return p;
        }
        List<Expr> exprs = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            Field f = p.fields().get(i);
            exprs.add(coerce(new Expr.Col(i, f.type()), types.get(i)));
            fields.add(new Field(f.table(), f.name(), types.get(i)));
        }
        return new Plan.Project(p, exprs, fields);
    }

    private Plan bindValues(SqlCall values) {
        List<List<Expr>> rows = new ArrayList<>();
        Rel empty = new Rel(new Plan.Values(List.of(List.of()), List.of()));
        for (SqlNode row : values.getOperandList()) {
            List<Expr> r = new ArrayList<>();
            for (SqlNode v : ((SqlCall) row).getOperandList()) {
                Expr e = bind(v, new Ctx(empty, false, false));
                if (!(e instanceof Expr.Lit)) {
                    e = Folder.fold(e);
                }
                if (!(e instanceof Expr.Lit)) {
                    throw error(ErrorCode.UNSUPPORTED, "VALUES holds constants only", v);
                }
                r.add(e);
            }
            if (!rows.isEmpty() && rows.get(0).size() != r.size()) {
                throw error(ErrorCode.SYNTAX_ERROR, "VALUES lists must all be the same length", row);
            }
            rows.add(r);
        }
        int width = rows.get(0).size();
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < width; c++) {
            // As PostgreSQL resolves VALUES: string literals are untyped and adopt the type of the
            // column's typed values (VALUES (1.5), ('NaN') is DOUBLE); a column of strings only is VARCHAR.
            ColumnType t = null;
            for (List<Expr> r : rows) {
                if (!Types.isNullLiteral(r.get(c)) && !Types.isStringLiteral(r.get(c))) {
                    t = t == null ? r.get(c).type() : unify(t, r.get(c).type(), values);
                }
            }
            t = t == null ? ColumnType.VARCHAR : t;
            for (List<Expr> r : rows) {
                r.set(c, coerce(r.get(c), t));
            }
            fields.add(new Field(null, "column" + (c + 1), t));
        }
        return new Plan.Values(rows, fields);
    }

    private Plan bindSelect(SqlSelect select, SqlNodeList orderList, SqlNode offset, SqlNode fetch) {
        if (GroupingSets.present(select.getGroup())) {
            return bindGroupingSets(select, orderList, offset, fetch);
        }
        boolean saved = windowsAllowed;
        windowsAllowed = false;
        try {
            return bindSelectBody(select, orderList, offset, fetch);
        } finally {
            windowsAllowed = saved;
        }
    }

    private Plan bindSelectBody(SqlSelect select, SqlNodeList orderList, SqlNode offset, SqlNode fetch) {
        Rel rel = select.getFrom() == null
                ? new Rel(new Plan.Values(List.of(List.of()), List.of()))
                : bindFrom(select.getFrom());
        int fromWidth = rel.fields().size();
        if (select.getWhere() != null) {
            bindWhere(rel, select.getWhere());
        }
        // Select items, with * expanded.
        List<SqlNode> items = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        for (SqlNode item : select.getSelectList()) {
            SqlNode expr = item;
            String alias = null;
            if (item.getKind() == SqlKind.AS) {
                SqlCall as = (SqlCall) item;
                expr = as.operand(0);
                alias = ((SqlIdentifier) as.operand(1)).getSimple();
            }
            if (expr instanceof SqlIdentifier id && id.isStar()) {
                String qualifier = id.names.size() > 1 ? id.names.get(0) : null;
                boolean any = false;
                for (int i = 0; i < fromWidth; i++) {
                    Field f = rel.fields().get(i);
                    if (qualifier == null ? !rel.hidden.contains(i) : qualifier.equalsIgnoreCase(f.table())) {
                        items.add(new SqlIdentifier(List.of("\u0000" + i), id.getParserPosition()));
                        aliases.add(f.name());
                        any = true;
                    }
                }
                if (!any && qualifier != null) {
                    throw error(ErrorCode.UNKNOWN_TABLE, "missing FROM-clause entry for table [table=" + qualifier + ']', id);
                }
                continue;
            }
            items.add(expr);
            aliases.add(alias == null ? defaultName(expr) : alias);
        }
        boolean aggregate = (select.getGroup() != null && !select.getGroup().isEmpty()) || select.getHaving() != null
                || containsAgg(items) || (orderList != null && containsAgg(orderList.getList()));

        List<Expr> outExprs = new ArrayList<>();
        Plan input;
        Rel postRel;
        AggBinding agg = null;
        if (aggregate) {
            agg = new AggBinding();
            Ctx ctx = new Ctx(rel, true, false);
            if (select.getGroup() != null) {
                for (SqlNode g : select.getGroup()) {
                    Expr ge = bindGroupItem(g, items, aliases, ctx);
                    if (!agg.groups.contains(ge)) {
                        agg.groups.add(ge);
                        agg.groupNames.add(g instanceof SqlIdentifier gi && !gi.isStar() ? gi.names.get(gi.names.size() - 1) : defaultName(g));
                    }
                }
            }
            List<Expr> bound = new ArrayList<>();
            windowsAllowed = true;
            for (SqlNode item : items) {
                bound.add(selectValue(bind(item, ctx), item));
            }
            windowsAllowed = false;
            Expr having = select.getHaving() == null ? null : bind(select.getHaving(), ctx);
            for (int i = 0; i < bound.size(); i++) {
                outExprs.add(agg.rewrite(bound.get(i), rel.fields(), items.get(i)));
            }
            Expr havingOut = having == null ? null : agg.rewrite(having, rel.fields(), select.getHaving());
            agg.ctx = ctx;
            agg.items = items;
            input = agg.plan(rel.plan);
            if (havingOut != null) {
                havingOut = asBoolean(havingOut, select.getHaving());
                input = new Plan.Filter(input, havingOut);
            }
            postRel = null;
        } else {
            Ctx ctx = new Ctx(rel, false, false);
            windowsAllowed = true;
            for (SqlNode item : items) {
                outExprs.add(selectValue(bind(item, ctx), item));
            }
            windowsAllowed = false;
            input = rel.plan;
            postRel = rel;
        }
        // ORDER BY keys: output positions/aliases, or extra hidden expressions.
        List<Field> outFields = new ArrayList<>();
        for (int i = 0; i < outExprs.size(); i++) {
            outFields.add(new Field(null, aliases.get(i), outExprs.get(i).type()));
        }
        List<SortKey> keys = new ArrayList<>();
        List<Expr> projected = new ArrayList<>(outExprs);
        windowsAllowed = true;
        if (orderList != null) {
            for (SqlNode o : orderList) {
                OrderItem oi = OrderItem.of(o);
                int pos = outputPosition(oi.expr, aliases, outExprs.size());
                if (pos < 0) {
                    Expr e;
                    if (aggregate) {
                        // agg.plan() was built already: ORDER BY aggregates not in the select list are added here.
                        e = agg.rewriteLate(bind(oi.expr, agg.ctx), rel.fields(), oi.expr);
                        input = agg.replan(input, rel.plan, select.getHaving() != null);
                    } else {
                        e = bind(oi.expr, new Ctx(postRel, false, false));
                        input = postRel.plan; // a scalar subquery may have extended the relation
                    }
                    pos = projected.indexOf(e);
                    if (pos < 0) {
                        if (select.isDistinct()) {
                            throw error(ErrorCode.SYNTAX_ERROR, "for SELECT DISTINCT, ORDER BY expressions must appear in select list", oi.expr);
                        }
                        projected.add(e);
                        pos = projected.size() - 1;
                    }
                }
                keys.add(new SortKey(pos, oi.desc, oi.nullsFirst));
            }
        }
        windowsAllowed = false;
        if (!aggregate) {
            input = postRel.plan;
        }
        if (projected.stream().anyMatch(Binder::containsWindow)) {
            WindowPlanning windows = new WindowPlanning(input);
            projected.forEach(windows::collect);
            projected.replaceAll(windows::replace);
            input = windows.plan();
        }
        List<Field> projFields = new ArrayList<>(outFields);
        for (int i = outFields.size(); i < projected.size(); i++) {
            projFields.add(new Field(null, "$order" + i, projected.get(i).type()));
        }
        Plan p = new Plan.Project(input, projected, projFields);
        if (select.isDistinct()) {
            p = distinct(p);
        }
        if (!keys.isEmpty()) {
            p = new Plan.Sort(p, keys);
        }
        p = limit(p, offset, fetch);
        if (projected.size() > outExprs.size()) {
            List<Expr> visible = new ArrayList<>();
            for (int i = 0; i < outExprs.size(); i++) {
                visible.add(new Expr.Col(i, outFields.get(i).type()));
            }
            p = new Plan.Project(p, visible, outFields);
        }
        return p;
    }

    /**
     * GROUP BY ROLLUP / CUBE / GROUPING SETS: one aggregation per grouping set, UNION ALL of them.
     * In a set's branch the keys it leaves out read as NULL outside aggregates (their type kept)
     * and GROUPING(...) is that set's bit mask, as PostgreSQL defines both; ORDER BY and LIMIT
     * apply to the union.
     */
    private Plan bindGroupingSets(SqlSelect select, SqlNodeList orderList, SqlNode offset, SqlNode fetch) {
        GroupingSets sets = GroupingSets.of(select, this::error);
        List<Plan> branches = new ArrayList<>();
        for (int s = 0; s < sets.count(); s++) {
            branches.add(bindSelect(sets.branch(s), null, null, null));
        }
        Plan union = unionAll(branches, select.getGroup());
        return orderAndLimit(union, sets.orderByOutput(orderList), offset, fetch);
    }

    private Plan orderAndLimit(Plan p, SqlNodeList orderList, SqlNode offset, SqlNode fetch) {
        if (orderList != null && !orderList.isEmpty()) {
            List<String> names = p.fields().stream().map(Field::name).toList();
            List<SortKey> keys = new ArrayList<>();
            for (SqlNode o : orderList) {
                OrderItem oi = OrderItem.of(o);
                int pos = outputPosition(oi.expr, names, names.size());
                if (pos < 0) {
                    throw error(ErrorCode.UNSUPPORTED, "ORDER BY of a set operation must name an output column", oi.expr);
                }
                keys.add(new SortKey(pos, oi.desc, oi.nullsFirst));
            }
            p = new Plan.Sort(p, keys);
        }
        return limit(p, offset, fetch);
    }

    private Plan limit(Plan p, SqlNode offset, SqlNode fetch) {
        if (offset == null && fetch == null) {
            return p;
        }
        long lim = fetch == null ? -1 : constantLong(fetch, "LIMIT");
        long off = offset == null ? 0 : constantLong(offset, "OFFSET");
        return new Plan.Limit(p, lim, off);
    }

    private long constantLong(SqlNode n, String what) {
        if (n instanceof SqlLiteral l && l.getTypeName() == SqlTypeName.NULL) {
            return -1;
        }
        Expr e = Folder.fold(bind(n, new Ctx(new Rel(new Plan.Values(List.of(List.of()), List.of())), false, false)));
        if (e instanceof Expr.Lit l && l.value() instanceof Long v && Types.isInteger(l.type())) {
            if (v < 0) {
                throw error(ErrorCode.INVALID_VALUE, what + " must not be negative", n);
            }
            return v;
        }
        throw error(ErrorCode.TYPE_MISMATCH, what + " must be an integer constant", n);
    }

    private static Plan distinct(Plan p) {
        List<Expr> groups = new ArrayList<>();
        for (int i = 0; i < p.fields().size(); i++) {
            groups.add(new Expr.Col(i, p.fields().get(i).type()));
        }
        return new Plan.Aggregate(p, groups, List.of(), p.fields());
    }

    private record OrderItem(SqlNode expr, boolean desc, boolean nullsFirst) {
        static OrderItem of(SqlNode o) {
            Boolean nulls = null;
            boolean desc = false;
            SqlNode e = o;
            while (true) {
                if (e.getKind() == SqlKind.NULLS_FIRST || e.getKind() == SqlKind.NULLS_LAST) {
                    nulls = e.getKind() == SqlKind.NULLS_FIRST;
                    e = ((SqlCall) e).operand(0);
                } else if (e.getKind() == SqlKind.DESCENDING) {
                    desc = true;
                    e = ((SqlCall) e).operand(0);
                } else {
                    break;
                }
            }
            // PostgreSQL: NULLs sort as larger than every value unless told otherwise.
            return new OrderItem(e, desc, nulls == null ? desc : nulls);
        }
    }

    /** Position of an ORDER BY / GROUP BY item naming an output column by number or alias, or -1. */
    private int outputPosition(SqlNode e, List<String> aliases, int visible) {
        if (e instanceof SqlNumericLiteral n && n.isExact()) {
            int pos = n.intValue(true);
            if (pos < 1 || pos > visible) {
                throw error(ErrorCode.SYNTAX_ERROR, "position is not in select list [position=" + pos + ']', e);
            }
            return pos - 1;
        }
        if (e instanceof SqlIdentifier id && id.names.size() == 1 && !id.isStar()) {
            int found = -1;
            for (int i = 0; i < visible; i++) {
                if (aliases.get(i).equalsIgnoreCase(id.getSimple())) {
                    if (found >= 0) {
                        throw error(ErrorCode.AMBIGUOUS_COLUMN, "ORDER BY is ambiguous [name=" + id.getSimple() + ']', e);
                    }
                    found = i;
                }
            }
            return found;
        }
        return -1;
    }

    private Expr bindGroupItem(SqlNode g, List<SqlNode> items, List<String> aliases, Ctx ctx) {
        if (g instanceof SqlNumericLiteral n && n.isExact()) {
            int pos = n.intValue(true);
            if (pos < 1 || pos > items.size()) {
                throw error(ErrorCode.SYNTAX_ERROR, "GROUP BY position is not in select list [position=" + pos + ']', g);
            }
            return bind(items.get(pos - 1), new Ctx(ctx.rel, false, false));
        }
        if (g instanceof SqlIdentifier id && id.names.size() == 1 && resolve(ctx.rel, id, false) < 0) {
            for (int i = 0; i < aliases.size(); i++) {
                if (aliases.get(i).equalsIgnoreCase(id.getSimple())) {
                    return bind(items.get(i), new Ctx(ctx.rel, false, false));
                }
            }
        }
        return bind(g, new Ctx(ctx.rel, false, false));
    }

    /** Group keys and aggregate calls of one SELECT, and the rewrite of expressions over the Aggregate's output. */
    private final class AggBinding {
        final List<Expr> groups = new ArrayList<>();
        final List<String> groupNames = new ArrayList<>();
        final List<Expr.Agg> aggs = new ArrayList<>();
        Ctx ctx;
        List<SqlNode> items;
        int plannedAggs;

        Expr rewrite(Expr e, List<Field> inputFields, SqlNode at) {
            int g = groups.indexOf(e);
            if (g >= 0) {
                return new Expr.Col(g, e.type());
            }
            return switch (e) {
                case Expr.Agg a -> {
                    int i = aggs.indexOf(a);
                    if (i < 0) {
                        aggs.add(a);
                        i = aggs.size() - 1;
                    }
                    yield new Expr.Col(groups.size() + i, a.type());
                }
                case Expr.Col c -> throw error(ErrorCode.GROUPING_ERROR, "column must appear in the GROUP BY clause or be used in an aggregate function [column="
                        + inputFields.get(c.index()).name() + ']', at);
                case Expr.Call c -> {
                    List<Expr> args = new ArrayList<>();
                    for (Expr a : c.args()) {
                        args.add(rewrite(a, inputFields, at));
                    }
                    yield new Expr.Call(c.fn(), args, c.type());
                }
                case Expr.Win w -> {
                    List<Expr> args = new ArrayList<>();
                    for (Expr a : w.args()) {
                        args.add(rewrite(a, inputFields, at));
                    }
                    List<Expr> partition = new ArrayList<>();
                    for (Expr p : w.partition()) {
                        partition.add(rewrite(p, inputFields, at));
                    }
                    List<Expr.WinOrder> order = new ArrayList<>();
                    for (Expr.WinOrder o : w.order()) {
                        order.add(new Expr.WinOrder(rewrite(o.expr(), inputFields, at), o.descending(), o.nullsFirst()));
                    }
                    yield new Expr.Win(w.fn(), args, partition, order, w.frame(), w.type());
                }
                default -> e;
            };
        }

        Expr rewriteLate(Expr e, List<Field> inputFields, SqlNode at) {
            return rewrite(e, inputFields, at);
        }

        Plan plan(Plan input) {
            List<Field> fields = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                fields.add(new Field(null, groupNames.get(i), groups.get(i).type()));
            }
            for (Expr.Agg a : aggs) {
                fields.add(new Field(null, a.fn().name().toLowerCase(Locale.ROOT), a.type()));
            }
            plannedAggs = aggs.size();
            return new Plan.Aggregate(input, List.copyOf(groups), List.copyOf(aggs), fields);
        }

        /** Rebuilds the aggregate when ORDER BY added aggregate calls; keeps HAVING above it. */
        Plan replan(Plan current, Plan input, boolean hasHaving) {
            if (aggs.size() == plannedAggs) {
                return current;
            }
            Plan a = plan(input);
            return hasHaving ? new Plan.Filter(a, ((Plan.Filter) current).condition()) : a;
        }
    }

    // ------------------------------------------------------------------ FROM

    private Rel bindFrom(SqlNode from) {
        switch (from.getKind()) {
            case IDENTIFIER -> {
                SqlIdentifier id = (SqlIdentifier) from;
                return new Rel(namedRelation(id, id.names.get(id.names.size() - 1)));
            }
            case AS -> {
                SqlCall as = (SqlCall) from;
                String alias = ((SqlIdentifier) as.operand(1)).getSimple();
                SqlNode src = as.operand(0);
                Plan p = src instanceof SqlIdentifier id ? namedRelation(id, alias) : bindQuery(src);
                List<Field> fields = new ArrayList<>();
                for (int i = 0; i < p.fields().size(); i++) {
                    Field f = p.fields().get(i);
                    String name = as.operandCount() > 2 + i ? ((SqlIdentifier) as.operand(2 + i)).getSimple() : f.name();
                    fields.add(new Field(alias, name, f.type()));
                }
                if (as.operandCount() > 2 + p.fields().size()) {
                    throw error(ErrorCode.SYNTAX_ERROR, "too many column aliases [table=" + alias + ']', as);
                }
                return new Rel(rename(p, fields));
            }
            case JOIN -> {
                return bindJoin((SqlJoin) from);
            }
            case SELECT, ORDER_BY, WITH, UNION, VALUES -> {
                return new Rel(bindQuery(from));
            }
            default -> throw error(ErrorCode.UNSUPPORTED, "FROM item not supported [kind=" + from.getKind() + ']', from);
        }
    }

    private static Plan rename(Plan p, List<Field> fields) {
        List<Expr> exprs = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            exprs.add(new Expr.Col(i, fields.get(i).type()));
        }
        return new Plan.Project(p, exprs, fields);
    }

    private Plan namedRelation(SqlIdentifier id, String alias) {
        String name = id.names.get(id.names.size() - 1);
        for (Map<String, SqlWithItem> scope : ctes) {
            SqlWithItem item = scope.get(name.toLowerCase(Locale.ROOT));
            if (item != null) {
                // Bind the CTE body without the CTE scopes at or inside this one (no recursion).
                Deque<Map<String, SqlWithItem>> saved = new ArrayDeque<>(ctes);
                while (!ctes.isEmpty() && ctes.peek() != scope) {
                    ctes.pop();
                }
                Map<String, SqlWithItem> visible = new HashMap<>(scope);
                visible.remove(name.toLowerCase(Locale.ROOT));
                ctes.pop();
                ctes.push(visible);
                Plan body;
                try {
                    body = bindQuery(item.query);
                } finally {
                    ctes.clear();
                    ctes.addAll(saved);
                }
                List<Field> fields = new ArrayList<>();
                for (int i = 0; i < body.fields().size(); i++) {
                    Field f = body.fields().get(i);
                    String n = item.columnList != null && i < item.columnList.size()
                            ? ((SqlIdentifier) item.columnList.get(i)).getSimple() : f.name();
                    fields.add(new Field(alias, n, f.type()));
                }
                return rename(body, fields);
            }
        }
        TableHandle h = catalog.table(name).orElseThrow(() -> {
            List<String> candidates = new ArrayList<>(catalog.tableNames());
            for (Map<String, SqlWithItem> s : ctes) {
                candidates.addAll(s.keySet());
            }
            return error(ErrorCode.UNKNOWN_TABLE, "table does not exist [table=" + name + ']' + Names.suggestion(name, candidates), id);
        });
        TableSchema schema = h.schema();
        int[] cols = new int[schema.columnCount()];
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < cols.length; i++) {
            cols[i] = i;
            ColumnDef c = schema.column(i);
            fields.add(new Field(alias, c.name(), c.type()));
        }
        return new Plan.Scan(schema.name(), h, schema, cols, null, fields);
    }

    private Rel bindJoin(SqlJoin join) {
        Rel left = bindFrom(join.getLeft());
        Rel right = bindFrom(join.getRight());
        org.apache.calcite.sql.JoinType jt = join.getJoinType();
        boolean swap = jt == org.apache.calcite.sql.JoinType.RIGHT;
        if (jt == org.apache.calcite.sql.JoinType.FULL) {
            throw error(ErrorCode.UNSUPPORTED, "FULL JOIN is not supported", join);
        }
        JoinType type = switch (jt) {
            case LEFT, RIGHT -> JoinType.LEFT;
            case LEFT_SEMI_JOIN -> JoinType.SEMI;
            case LEFT_ANTI_JOIN -> JoinType.ANTI;
            default -> JoinType.INNER;
        };
        Rel l = swap ? right : left;
        Rel r = swap ? left : right;
        int lw = l.fields().size();
        List<Field> fields = new ArrayList<>(l.fields());
        if (type != JoinType.SEMI && type != JoinType.ANTI) {
            fields.addAll(r.fields());
        }
        List<Field> combinedFields = new ArrayList<>(l.fields());
        combinedFields.addAll(r.fields());
        Rel combined = new Rel(new Plan.Values(List.of(), combinedFields));
        combined.hidden.addAll(l.hidden);
        for (int h : r.hidden) {
            combined.hidden.add(h + lw);
        }
        Expr cond = null;
        if (join.getConditionType() == JoinConditionType.USING || join.isNatural()) {
            List<String> names = new ArrayList<>();
            if (join.isNatural()) {
                for (Field f : l.fields()) {
                    if (r.fields().stream().anyMatch(x -> x.name().equalsIgnoreCase(f.name()))) {
                        names.add(f.name());
                    }
                }
            } else {
                for (SqlNode n : (SqlNodeList) join.getCondition()) {
                    names.add(((SqlIdentifier) n).getSimple());
                }
            }
            for (String n : names) {
                int li = uniqueIndex(l, n, join);
                int ri = uniqueIndex(r, n, join);
                Expr eq = comparison(Fn.EQ, new Expr.Col(li, l.fields().get(li).type()),
                        new Expr.Col(lw + ri, r.fields().get(ri).type()), join);
                cond = cond == null ? eq : and(cond, eq);
                combined.hidden.add(swap ? li : lw + ri);
            }
        } else if (join.getConditionType() == JoinConditionType.ON) {
            cond = bind(join.getCondition(), new Ctx(combined, false, false));
            if (!(combined.plan instanceof Plan.Values)) {
                throw error(ErrorCode.UNSUPPORTED, "subqueries in JOIN ... ON", join.getCondition());
            }
            cond = asBoolean(cond, join.getCondition());
        }
        Plan p = joinOn(l.plan, r.plan, type, cond, fields);
        Rel out = new Rel(p);
        if (swap) {
            // RIGHT JOIN was planned as LEFT JOIN with the sides swapped: restore the written column order.
            int rw = r.fields().size();
            List<Expr> exprs = new ArrayList<>();
            List<Field> f2 = new ArrayList<>();
            for (int i = 0; i < rw; i++) {
                exprs.add(new Expr.Col(lw + i, fields.get(lw + i).type()));
                f2.add(fields.get(lw + i));
            }
            for (int i = 0; i < lw; i++) {
                exprs.add(new Expr.Col(i, fields.get(i).type()));
                f2.add(fields.get(i));
            }
            out = new Rel(new Plan.Project(p, exprs, f2));
            for (int h : combined.hidden) {
                out.hidden.add(h < lw ? h + rw : h - lw);
            }
        } else {
            out.hidden.addAll(combined.hidden);
        }
        return out;
    }

    private int uniqueIndex(Rel r, String name, SqlNode at) {
        int found = -1;
        for (int i = 0; i < r.fields().size(); i++) {
            if (!r.hidden.contains(i) && r.fields().get(i).name().equalsIgnoreCase(name)) {
                if (found >= 0) {
                    throw error(ErrorCode.AMBIGUOUS_COLUMN, "column reference is ambiguous [column=" + name + ']', at);
                }
                found = i;
            }
        }
        if (found < 0) {
            throw error(ErrorCode.UNKNOWN_COLUMN, "column in USING does not exist on both sides [column=" + name + ']', at);
        }
        return found;
    }

    /** Splits a join condition into equi-key pairs and a residual over the concatenated fields. */
    static Plan joinOn(Plan left, Plan right, JoinType type, Expr cond, List<Field> fields) {
        int lw = left.fields().size();
        List<Expr> lk = new ArrayList<>();
        List<Expr> rk = new ArrayList<>();
        Expr residual = null;
        for (Expr c : conjuncts(cond)) {
            if (c instanceof Expr.Call call && call.fn() == Fn.EQ) {
                Expr a = call.arg(0);
                Expr b = call.arg(1);
                if (Refs.allBelow(a, lw) && Refs.allAtOrAbove(b, lw) && !Refs.none(a) && !Refs.none(b)) {
                    lk.add(a);
                    rk.add(Refs.shift(b, -lw));
                    continue;
                }
                if (Refs.allBelow(b, lw) && Refs.allAtOrAbove(a, lw) && !Refs.none(a) && !Refs.none(b)) {
                    lk.add(b);
                    rk.add(Refs.shift(a, -lw));
                    continue;
                }
            }
            residual = residual == null ? c : and(residual, c);
        }
        return new Plan.Join(left, right, type, lk, rk, residual, fields);
    }

    // ------------------------------------------------------------------ DELETE

    /**
     * Binds {@code DELETE FROM t [alias] [WHERE c]}: names in the condition resolve against the
     * table (qualified by its name or alias) exactly as in a SELECT over it. Aggregates and window
     * functions are refused; uncorrelated subqueries (scalar, IN / NOT IN, EXISTS) are run by {@code
     * runner} while binding, so the condition that reaches storage is a row predicate over constants.
     */
    public BoundDelete bindDelete(org.apache.calcite.sql.SqlDelete delete, SubqueryRunner runner) {
        if (!(delete.getTargetTable() instanceof SqlIdentifier id)) {
            throw error(ErrorCode.SYNTAX_ERROR, "DELETE needs a table name", delete.getTargetTable());
        }
        String alias = delete.getAlias() == null ? id.names.get(id.names.size() - 1) : delete.getAlias().getSimple();
        Plan.Scan scan = (Plan.Scan) namedRelation(id, alias);
        SqlNode where = delete.getCondition();
        if (where == null) {
            return new BoundDelete(scan.handle(), scan.schema(), new int[0], null);
        }
        Rel rel = new Rel(scan);
        Expr cond;
        subqueries = runner;
        try {
            cond = asBoolean(bind(where, new Ctx(rel, false, false)), where);
        } finally {
            subqueries = null;
        }
        if (cond instanceof Expr.Lit lit) {
            // A constant condition: TRUE deletes everything (no column is read), FALSE or NULL nothing.
            boolean all = lit.value() instanceof Long v && v != 0;
            return new BoundDelete(scan.handle(), scan.schema(), new int[0], all ? null : lit);
        }
        int[] columns = Refs.of(cond).stream().toArray();
        int[] positionOf = new int[scan.schema().columnCount()];
        for (int i = 0; i < columns.length; i++) {
            positionOf[columns[i]] = i;
        }
        return new BoundDelete(scan.handle(), scan.schema(), columns, Refs.map(cond, c -> positionOf[c]));
    }

    // ------------------------------------------------------------------ WHERE

    private void bindWhere(Rel rel, SqlNode where) {
        List<SqlNode> conj = new ArrayList<>();
        splitAnd(where, conj);
        Expr filter = null;
        for (SqlNode c : conj) {
            SqlNode n = c;
            boolean negated = false;
            if (n.getKind() == SqlKind.NOT && isSubqueryPredicate(((SqlCall) n).operand(0))) {
                negated = true;
                n = ((SqlCall) n).operand(0);
            }
            if ((n.getKind() == SqlKind.IN || n.getKind() == SqlKind.NOT_IN) && isQuery(((SqlCall) n).operand(1))) {
                SqlCall in = (SqlCall) n;
                boolean not = negated ^ (n.getKind() == SqlKind.NOT_IN);
                Plan sub = bindQuery(in.operand(1));
                if (sub.fields().size() != 1) {
                    throw error(ErrorCode.SYNTAX_ERROR, "subquery has too many columns", in.operand(1));
                }
                Expr left = bind(in.operand(0), new Ctx(rel, false, false));
                ColumnType t = Types.common(left, new Expr.Col(0, sub.fields().get(0).type()));
                if (t == null) {
                    throw Types.mismatch("IN", left.type(), sub.fields().get(0).type());
                }
                rel.plan = new Plan.Join(rel.plan, sub, not ? JoinType.ANTI_NULL_AWARE : JoinType.SEMI,
                        List.of(coerce(left, t)), List.of(coerce(new Expr.Col(0, sub.fields().get(0).type()), t)), null, rel.fields());
                continue;
            }
            if (n.getKind() == SqlKind.EXISTS) {
                SqlNode query = ((SqlCall) n).operand(0);
                JoinType type = negated ? JoinType.ANTI : JoinType.SEMI;
                if (query instanceof SqlSelect inner && isCorrelated(inner, rel)) {
                    rel.plan = correlatedExists(inner, rel, type);
                } else {
                    rel.plan = new Plan.Join(rel.plan, bindQuery(query), type, List.of(), List.of(), null, rel.fields());
                }
                continue;
            }
            Expr e = asBoolean(bind(c, new Ctx(rel, false, false)), c);
            filter = filter == null ? e : and(filter, e);
        }
        if (filter != null) {
            rel.plan = new Plan.Filter(rel.plan, filter);
        }
    }

    /** Whether a condition of {@code inner}'s WHERE names a column only the outer relation has. */
    private boolean isCorrelated(SqlSelect inner, Rel outer) {
        if (inner.getFrom() == null || inner.getWhere() == null) {
            return false;
        }
        Rel scope = bindFrom(inner.getFrom());
        List<SqlNode> conj = new ArrayList<>();
        splitAnd(inner.getWhere(), conj);
        for (SqlNode c : conj) {
            for (SqlIdentifier id : identifiers(c)) {
                if (resolve(scope, id, false) < 0 && resolve(outer, id, false) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The column references of an expression, not looking into subqueries. */
    private static List<SqlIdentifier> identifiers(SqlNode n) {
        List<SqlIdentifier> out = new ArrayList<>();
        collectIdentifiers(n, out);
        return out;
    }

    private static void collectIdentifiers(SqlNode n, List<SqlIdentifier> out) {
        if (n instanceof SqlIdentifier id) {
            if (!id.isStar()) {
                out.add(id);
            }
        } else if (n instanceof SqlNodeList list) {
            for (SqlNode o : list) {
                collectIdentifiers(o, out);
            }
        } else if (n instanceof SqlCall c && !isQuery(c)) {
            for (SqlNode o : c.getOperandList()) {
                if (o != null) {
                    collectIdentifiers(o, out);
                }
            }
        }
    }

    /** {@code e} bound against {@code scope}, or null when it names something {@code scope} lacks. */
    private Expr bindsIn(SqlNode e, Rel scope) {
        try {
            return bind(e, new Ctx(scope, false, false));
        } catch (QueryException ex) {
            if (ex.code() == ErrorCode.UNKNOWN_COLUMN || ex.code() == ErrorCode.UNKNOWN_TABLE) {
                return null;
            }
            throw ex;
        }
    }

    /** For {@code a = b} with one side over the subquery's FROM and the other over the outer query: [inner, outer]. */
    private Expr[] correlationPair(SqlNode c, Rel inner, Rel outer) {
        if (c.getKind() != SqlKind.EQUALS) {
            return null;
        }
        SqlNode a = ((SqlCall) c).operand(0);
        SqlNode b = ((SqlCall) c).operand(1);
        Expr ai = bindsIn(a, inner);
        Expr bi = bindsIn(b, inner);
        if (ai != null && bi == null) {
            Expr bo = bindsIn(b, outer);
            return bo == null ? null : new Expr[] {ai, bo};
        }
        if (bi != null && ai == null) {
            Expr ao = bindsIn(a, outer);
            return ao == null ? null : new Expr[] {bi, ao};
        }
        return null;
    }

    /**
     * {@code [NOT] EXISTS (SELECT ... FROM f WHERE f.k = outer.k AND <conditions on f>)} as a semi
     * (anti) hash join of the outer relation with f on the equated columns. Decorrelating this way
     * is exact for EXISTS: the select list does not matter, a NULL on either side of an equality
     * never matches, and a row of the outer relation qualifies once however many rows match.
     */
    private Plan correlatedExists(SqlSelect inner, Rel outer, JoinType type) {
        if (inner.getGroup() != null || inner.getHaving() != null || inner.getFetch() != null || inner.getOffset() != null
                || inner.getSelectList().stream().anyMatch(Binder::containsAgg)) {
            throw error(ErrorCode.UNSUPPORTED, "a correlated EXISTS subquery may not aggregate, group or limit", inner);
        }
        Rel scope = bindFrom(inner.getFrom());
        List<SqlNode> conj = new ArrayList<>();
        splitAnd(inner.getWhere(), conj);
        List<SqlNode> local = new ArrayList<>();
        List<Expr> innerKeys = new ArrayList<>();
        List<Expr> outerKeys = new ArrayList<>();
        for (SqlNode c : conj) {
            boolean outerRefs = false;
            for (SqlIdentifier id : identifiers(c)) {
                // A name neither side has is left to the inner binding, which reports it as usual.
                outerRefs |= resolve(scope, id, false) < 0 && resolve(outer, id, false) >= 0;
            }
            if (!outerRefs) {
                local.add(c);
                continue;
            }
            Expr[] pair = correlationPair(c, scope, outer);
            if (pair == null) {
                for (SqlIdentifier id : identifiers(c)) {
                    if (resolve(scope, id, false) < 0 && resolve(outer, id, false) < 0) {
                        bind(id, new Ctx(scope, false, false)); // a name neither side has: the usual error, with suggestions
                    }
                }
                throw error(ErrorCode.UNSUPPORTED, "a correlated subquery may refer to the outer query only in equalities "
                        + "between an outer and an inner expression, joined by AND", c);
            }
            ColumnType t = Types.common(pair[0], pair[1]);
            if (t == null) {
                throw Types.mismatch("=", pair[1].type(), pair[0].type());
            }
            innerKeys.add(coerce(pair[0], t));
            outerKeys.add(coerce(pair[1], t));
        }
        if (!local.isEmpty()) {
            bindWhere(scope, local.size() == 1 ? local.get(0)
                    : org.apache.calcite.sql.fun.SqlStdOperatorTable.AND.createCall(inner.getWhere().getParserPosition(), local));
        }
        List<Field> keyFields = new ArrayList<>();
        List<Expr> keyCols = new ArrayList<>();
        for (int i = 0; i < innerKeys.size(); i++) {
            keyFields.add(new Field(null, "$k" + i, innerKeys.get(i).type()));
            keyCols.add(new Expr.Col(i, innerKeys.get(i).type()));
        }
        Plan keys = new Plan.Project(scope.plan, innerKeys, keyFields);
        return new Plan.Join(outer.plan, keys, type, outerKeys, keyCols, null, outer.fields());
    }

    private static boolean isSubqueryPredicate(SqlNode n) {
        return n.getKind() == SqlKind.EXISTS
                || ((n.getKind() == SqlKind.IN || n.getKind() == SqlKind.NOT_IN) && isQuery(((SqlCall) n).operand(1)));
    }

    private static boolean isQuery(SqlNode n) {
        return switch (n.getKind()) {
            case SELECT, ORDER_BY, WITH, UNION, VALUES, INTERSECT, EXCEPT -> true;
            default -> false;
        };
    }

    private static void splitAnd(SqlNode n, List<SqlNode> out) {
        if (n.getKind() == SqlKind.AND) {
            for (SqlNode o : ((SqlCall) n).getOperandList()) {
                splitAnd(o, out);
            }
        } else {
            out.add(n);
        }
    }

    public static List<Expr> conjuncts(Expr e) {
        List<Expr> out = new ArrayList<>();
        addConjuncts(e, out);
        return out;
    }

    private static void addConjuncts(Expr e, List<Expr> out) {
        if (e == null) {
            return;
        }
        if (e instanceof Expr.Call c && c.fn() == Fn.AND) {
            for (Expr a : c.args()) {
                addConjuncts(a, out);
            }
        } else {
            out.add(e);
        }
    }

    public static Expr and(Expr a, Expr b) {
        return new Expr.Call(Fn.AND, List.of(a, b), ColumnType.BOOLEAN);
    }

    // ------------------------------------------------------------------ expressions

    private static boolean containsAgg(List<SqlNode> nodes) {
        for (SqlNode n : nodes) {
            if (containsAgg(n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAgg(SqlNode n) {
        if (n == null) {
            return false;
        }
        if (n.getKind() == SqlKind.FILTER || n.getKind() == SqlKind.WITHIN_GROUP) {
            return true;
        }
        if (n.getKind() == SqlKind.OVER) {
            return false;
        }
        if (isQuery(n)) {
            return false;
        }
        if (n instanceof SqlCall c) {
            if (AggFns.isAggregate(c.getOperator().getName())) {
                return true;
            }
            for (SqlNode o : c.getOperandList()) {
                if (containsAgg(o)) {
                    return true;
                }
            }
        }
        if (n instanceof SqlNodeList l) {
            return containsAgg(l.getList());
        }
        return false;
    }

    static String defaultName(SqlNode e) {
        if (e instanceof SqlIdentifier id) {
            String last = id.names.get(id.names.size() - 1);
            return last.startsWith("\u0000") ? "?column?" : last;
        }
        if (e.getKind() == SqlKind.CAST) {
            return defaultName(((SqlCall) e).operand(0));
        }
        if (e.getKind() == SqlKind.FILTER || e.getKind() == SqlKind.WITHIN_GROUP || e.getKind() == SqlKind.OVER) {
            return defaultName(((SqlCall) e).operand(0));
        }
        if (e instanceof SqlCall c && (c.getKind() == SqlKind.OTHER_FUNCTION || AggFns.isAggregate(c.getOperator().getName())
                || c.getOperator() instanceof org.apache.calcite.sql.SqlFunction)) {
            return c.getOperator().getName().toLowerCase(Locale.ROOT);
        }
        return "?column?";
    }

    /** Index of the column an identifier names, -1 when absent (and {@code required} is false). */
    private int resolve(Rel rel, SqlIdentifier id, boolean required) {
        String name = id.names.get(id.names.size() - 1);
        if (name.startsWith("\u0000")) {
            return Integer.parseInt(name.substring(1)); // an expanded '*' item
        }
        String qualifier = id.names.size() > 1 ? id.names.get(id.names.size() - 2) : null;
        List<Field> fields = rel.fields();
        int found = -1;
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (!f.name().equalsIgnoreCase(name)) {
                continue;
            }
            if (qualifier == null ? rel.hidden.contains(i) : !qualifier.equalsIgnoreCase(f.table())) {
                continue;
            }
            if (found >= 0) {
                throw error(ErrorCode.AMBIGUOUS_COLUMN, "column reference is ambiguous [column=" + name + ']', id);
            }
            found = i;
        }
        if (found < 0 && required) {
            if (qualifier != null && fields.stream().noneMatch(f -> qualifier.equalsIgnoreCase(f.table()))) {
                throw error(ErrorCode.UNKNOWN_TABLE, "missing FROM-clause entry for table [table=" + qualifier + ']', id);
            }
            List<String> names = fields.stream().filter(f -> qualifier == null || qualifier.equalsIgnoreCase(f.table()))
                    .map(Field::name).distinct().toList();
            throw error(ErrorCode.UNKNOWN_COLUMN, "column does not exist [column=" + String.join(".", id.names) + ']'
                    + Names.suggestion(name, names), id);
        }
        return found;
    }

    private Expr bind(SqlNode n, Ctx ctx) {
        return switch (n) {
            case SqlIdentifier id -> bindIdentifier(id, ctx);
            case SqlLiteral lit -> bindLiteral(lit);
            case SqlCase c -> bindCase(c, ctx);
            case SqlSelect s -> scalarSubquery(s, ctx);
            case SqlOrderBy s -> scalarSubquery(s, ctx);
            case SqlWith s -> scalarSubquery(s, ctx);
            case SqlCall c -> bindCall(c, ctx);
            default -> throw error(ErrorCode.UNSUPPORTED, "expression not supported [kind=" + n.getKind() + ']', n);
        };
    }

    private Expr bindIdentifier(SqlIdentifier id, Ctx ctx) {
        int idx = resolve(ctx.rel, id, false);
        if (idx < 0 && id.names.size() == 1 && !id.isComponentQuoted(0)) {
            switch (id.getSimple().toLowerCase(Locale.ROOT)) {
                case "current_timestamp", "localtimestamp":
                    return new Expr.Lit(nowMicros, ColumnType.TIMESTAMP);
                case "current_date":
                    return new Expr.Lit(Math.floorDiv(nowMicros, DateTimes.MICROS_PER_DAY), ColumnType.DATE);
                default:
                    break;
            }
        }
        if (idx < 0) {
            idx = resolve(ctx.rel, id, true);
        }
        return new Expr.Col(idx, ctx.rel.fields().get(idx).type());
    }

    private Expr scalarSubquery(SqlNode q, Ctx ctx) {
        if (ctx.aggAllowed || ctx.inAgg) {
            throw error(ErrorCode.UNSUPPORTED, "scalar subquery in an aggregating SELECT", q);
        }
        Plan sub = bindQuery(q);
        if (sub.fields().size() != 1) {
            throw error(ErrorCode.SYNTAX_ERROR, "subquery must return only one column", q);
        }
        if (subqueries != null) {
            List<Object> values = subqueries.firstColumn(sub);
            if (values.size() > 1) {
                throw error(ErrorCode.CARDINALITY_VIOLATION, "more than one row returned by a subquery used as an expression", q);
            }
            return new Expr.Lit(values.isEmpty() ? null : values.get(0), sub.fields().get(0).type());
        }
        Rel rel = ctx.rel;
        int lw = rel.fields().size();
        if (rel.plan instanceof Plan.Values v && v.rows().isEmpty() && !v.fields().isEmpty()) {
            throw error(ErrorCode.UNSUPPORTED, "subqueries in JOIN ... ON", q);
        }
        List<Field> fields = new ArrayList<>(rel.fields());
        fields.add(sub.fields().get(0).withTable(null));
        rel.plan = new Plan.Join(rel.plan, sub, JoinType.SINGLE, List.of(), List.of(), null, fields);
        rel.hidden.add(lw);
        return new Expr.Col(lw, sub.fields().get(0).type());
    }

    private Expr bindLiteral(SqlLiteral lit) {
        SqlTypeName t = lit.getTypeName();
        if (lit instanceof SqlIntervalLiteral il) {
            long v = il.getValueAs(Long.class);
            if (t.getFamily() == SqlTypeFamily.INTERVAL_YEAR_MONTH) {
                return new Expr.Interval(v, 0);
            }
            return new Expr.Interval(0, Math.multiplyExact(v, 1000L));
        }
        if (lit instanceof org.apache.calcite.sql.SqlUnknownLiteral u) {
            // Babel leaves typed literals (DATE '...', TIMESTAMP '...') unresolved.
            String v = (String) u.getValue();
            return switch (u.tag.toUpperCase(Locale.ROOT)) {
                case "DATE" -> new Expr.Lit(DateTimes.parseDate(v), ColumnType.DATE);
                case "TIMESTAMP", "TIMESTAMPTZ" -> new Expr.Lit(DateTimes.parseTimestamp(v), ColumnType.TIMESTAMP);
                default -> throw error(ErrorCode.UNSUPPORTED, "typed literal not supported [type=" + u.tag + ']', lit);
            };
        }
        switch (t) {
            case NULL:
                return new Expr.Lit(null, ColumnType.VARCHAR);
            case BOOLEAN:
                return Expr.Lit.ofBool(lit.booleanValue());
            case CHAR, VARCHAR:
                return new Expr.Lit(lit.getValueAs(String.class), ColumnType.VARCHAR);
            case DECIMAL, INTEGER, BIGINT, SMALLINT, TINYINT: {
                BigDecimal bd = lit.getValueAs(BigDecimal.class);
                if (bd.scale() <= 0 || bd.stripTrailingZeros().scale() <= 0 && ((SqlNumericLiteral) lit).isExact() && lit.toValue().indexOf('.') < 0) {
                    try {
                        long v = bd.longValueExact();
                        return new Expr.Lit(v, v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? ColumnType.INT : ColumnType.BIGINT);
                    } catch (ArithmeticException e) {
                        throw error(ErrorCode.NUMERIC_OVERFLOW, "integer literal out of range [value=" + bd + ']', lit);
                    }
                }
                return new Expr.Lit(bd.doubleValue(), ColumnType.DOUBLE);
            }
            case DOUBLE, FLOAT, REAL:
                return new Expr.Lit(lit.getValueAs(BigDecimal.class).doubleValue(), ColumnType.DOUBLE);
            case DATE:
                return new Expr.Lit(DateTimes.parseDate(lit.toValue()), ColumnType.DATE);
            case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ:
                return new Expr.Lit(DateTimes.parseTimestamp(lit.toValue()), ColumnType.TIMESTAMP);
            default:
                throw error(ErrorCode.UNSUPPORTED, "literal type not supported [type=" + t + ']', lit);
        }
    }

    private Expr bindCase(SqlCase c, Ctx ctx) {
        List<Expr> whens = new ArrayList<>();
        List<Expr> thens = new ArrayList<>();
        Expr value = c.getValueOperand() == null ? null : bind(c.getValueOperand(), ctx);
        for (int i = 0; i < c.getWhenOperands().size(); i++) {
            SqlNode w = c.getWhenOperands().get(i);
            Expr we;
            if (value != null) {
                we = comparison(Fn.EQ, value, bind(w, ctx), w);
            } else {
                we = asBoolean(bind(w, ctx), w);
            }
            whens.add(we);
            thens.add(bind(c.getThenOperands().get(i), ctx));
        }
        Expr otherwise = c.getElseOperand() == null ? new Expr.Lit(null, ColumnType.VARCHAR) : bind(c.getElseOperand(), ctx);
        List<Expr> results = new ArrayList<>(thens);
        results.add(otherwise);
        ColumnType t = commonOf(results, c);
        List<Expr> args = new ArrayList<>();
        for (int i = 0; i < whens.size(); i++) {
            args.add(whens.get(i));
            args.add(coerce(thens.get(i), t));
        }
        args.add(coerce(otherwise, t));
        return new Expr.Call(Fn.CASE, args, t);
    }

    private ColumnType commonOf(List<Expr> es, SqlNode at) {
        ColumnType t = null;
        Expr typed = null;
        for (Expr e : es) {
            if (Types.isNullLiteral(e)) {
                continue;
            }
            if (typed == null) {
                typed = e;
                t = e.type();
                continue;
            }
            ColumnType c = Types.common(typed, e);
            if (c == null) {
                throw error(ErrorCode.TYPE_MISMATCH, "types cannot be matched [left=" + t + ", right=" + e.type() + ']', at);
            }
            t = c;
            if (!Types.isStringLiteral(e) || typed.type() == ColumnType.VARCHAR) {
                typed = new Expr.Col(0, t);
            }
        }
        return t == null ? ColumnType.VARCHAR : t;
    }

    private Expr bindCall(SqlCall call, Ctx ctx) {
        SqlKind kind = call.getKind();
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        List<SqlNode> ops = call.getOperandList();
        switch (kind) {
            case AS:
                return bind(call.operand(0), ctx);
            case PLUS, MINUS, TIMES, DIVIDE, MOD:
                return arithmetic(kind, bind(ops.get(0), ctx), bind(ops.get(1), ctx), call);
            case MINUS_PREFIX: {
                Expr e = bind(ops.get(0), ctx);
                if (e instanceof Expr.Interval iv) {
                    return new Expr.Interval(-iv.months(), -iv.micros());
                }
                if (e.type() == ColumnType.INTERVAL) {
                    return new Expr.Call(Fn.NEG, List.of(e), ColumnType.INTERVAL);
                }
                if (e instanceof Expr.Lit l && l.value() instanceof Long v && Types.isInteger(l.type())) {
                    return new Expr.Lit(-v, l.type());
                }
                requireNumeric(e, call);
                return new Expr.Call(Fn.NEG, List.of(e), e.type());
            }
            case PLUS_PREFIX:
                return bind(ops.get(0), ctx);
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL,
                 IS_DISTINCT_FROM, IS_NOT_DISTINCT_FROM: {
                Fn fn = switch (kind) {
                    case EQUALS -> Fn.EQ;
                    case NOT_EQUALS -> Fn.NE;
                    case LESS_THAN -> Fn.LT;
                    case LESS_THAN_OR_EQUAL -> Fn.LE;
                    case GREATER_THAN -> Fn.GT;
                    case GREATER_THAN_OR_EQUAL -> Fn.GE;
                    case IS_DISTINCT_FROM -> Fn.IS_DISTINCT;
                    default -> Fn.IS_NOT_DISTINCT;
                };
                return comparison(fn, bind(ops.get(0), ctx), bind(ops.get(1), ctx), call);
            }
            case AND, OR: {
                List<Expr> args = new ArrayList<>();
                for (SqlNode o : ops) {
                    args.add(asBoolean(bind(o, ctx), o));
                }
                Expr r = args.get(0);
                for (int i = 1; i < args.size(); i++) {
                    r = new Expr.Call(kind == SqlKind.AND ? Fn.AND : Fn.OR, List.of(r, args.get(i)), ColumnType.BOOLEAN);
                }
                return r;
            }
            case NOT: {
                Expr e = asBoolean(bind(ops.get(0), ctx), ops.get(0));
                return new Expr.Call(Fn.NOT, List.of(e), ColumnType.BOOLEAN);
            }
            case IS_NULL, IS_NOT_NULL, IS_TRUE, IS_FALSE, IS_NOT_TRUE, IS_NOT_FALSE: {
                Expr e = bind(ops.get(0), ctx);
                if (kind != SqlKind.IS_NULL && kind != SqlKind.IS_NOT_NULL) {
                    e = asBoolean(e, ops.get(0));
                }
                Fn fn = Fn.valueOf(kind.name());
                return new Expr.Call(fn, List.of(e), ColumnType.BOOLEAN);
            }
            case IN, NOT_IN: {
                if (isQuery(ops.get(1)) && subqueries == null) {
                    throw error(ErrorCode.UNSUPPORTED, "IN (subquery) outside a WHERE conjunct", call);
                }
                Expr v = bind(ops.get(0), ctx);
                List<Expr> list = new ArrayList<>();
                if (isQuery(ops.get(1))) {
                    Plan sub = bindQuery(ops.get(1));
                    if (sub.fields().size() != 1) {
                        throw error(ErrorCode.SYNTAX_ERROR, "subquery has too many columns", ops.get(1));
                    }
                    for (Object value : subqueries.firstColumn(sub)) {
                        list.add(new Expr.Lit(value, sub.fields().get(0).type()));
                    }
                    if (list.isEmpty()) {
                        return Expr.Lit.ofBool(kind == SqlKind.NOT_IN); // x IN (no rows) is FALSE even for a NULL x
                    }
                } else {
                    for (SqlNode o : (SqlNodeList) ops.get(1)) {
                        list.add(bind(o, ctx));
                    }
                }
                List<Expr> all = new ArrayList<>(list);
                all.add(0, v);
                ColumnType t = v.type();
                for (Expr e : list) {
                    ColumnType c = Types.common(new Expr.Col(0, t), e);
                    if (c == null) {
                        throw Types.mismatch("IN", t, e.type());
                    }
                    t = c;
                }
                List<Expr> args = new ArrayList<>();
                for (Expr e : all) {
                    args.add(coerce(e, t));
                }
                Expr in = new Expr.Call(Fn.IN, args, ColumnType.BOOLEAN);
                return kind == SqlKind.NOT_IN ? new Expr.Call(Fn.NOT, List.of(in), ColumnType.BOOLEAN) : in;
            }
            case BETWEEN: {
                SqlBetweenOperator op = (SqlBetweenOperator) call.getOperator();
                Expr v = bind(ops.get(0), ctx);
                Expr low = bind(ops.get(1), ctx);
                Expr high = bind(ops.get(2), ctx);
                Expr b = and(comparison(Fn.GE, v, low, call), comparison(Fn.LE, v, high, call));
                if (op.flag == SqlBetweenOperator.Flag.SYMMETRIC) {
                    // SYMMETRIC: either order of the bounds (PostgreSQL: x BETWEEN a AND b OR x BETWEEN b AND a).
                    Expr swapped = and(comparison(Fn.GE, v, high, call), comparison(Fn.LE, v, low, call));
                    b = new Expr.Call(Fn.OR, List.of(b, swapped), ColumnType.BOOLEAN);
                }
                return op.isNegated() ? new Expr.Call(Fn.NOT, List.of(b), ColumnType.BOOLEAN) : b;
            }
            case LIKE: {
                boolean ilike = name.contains("ILIKE");
                boolean not = name.startsWith("NOT");
                List<Expr> args = new ArrayList<>();
                for (SqlNode o : ops) {
                    args.add(requireString(bind(o, ctx), o));
                }
                Expr like = new Expr.Call(ilike ? Fn.ILIKE : Fn.LIKE, args, ColumnType.BOOLEAN);
                return not ? new Expr.Call(Fn.NOT, List.of(like), ColumnType.BOOLEAN) : like;
            }
            case POSIX_REGEX_CASE_SENSITIVE, POSIX_REGEX_CASE_INSENSITIVE: {
                Expr s = requireString(bind(ops.get(0), ctx), ops.get(0));
                Expr p = requireString(bind(ops.get(1), ctx), ops.get(1));
                Expr m = new Expr.Call(kind == SqlKind.POSIX_REGEX_CASE_SENSITIVE ? Fn.REGEX_MATCH : Fn.REGEX_IMATCH, List.of(s, p), ColumnType.BOOLEAN);
                return name.startsWith("NEGATED") ? new Expr.Call(Fn.NOT, List.of(m), ColumnType.BOOLEAN) : m;
            }
            case CAST: {
                Expr e = selectValue(bind(ops.get(0), ctx), ops.get(0));
                ColumnType to = typeOf((SqlDataTypeSpec) ops.get(1));
                if (!Types.castable(e.type(), to) && !Types.isNullLiteral(e)) {
                    throw error(ErrorCode.TYPE_MISMATCH, "cannot cast [from=" + e.type() + ", to=" + to + ']', call);
                }
                return cast(e, to);
            }
            case COALESCE:
                return variadicSameType(Fn.COALESCE, ops, ctx, call);
            case NULLIF: {
                Expr a = bind(ops.get(0), ctx);
                Expr b = bind(ops.get(1), ctx);
                ColumnType t = Types.common(a, b);
                if (t == null) {
                    throw Types.mismatch("NULLIF", a.type(), b.type());
                }
                return new Expr.Call(Fn.NULLIF, List.of(coerce(a, t), coerce(b, t)), t);
            }
            case CASE:
                return bindCase((SqlCase) call, ctx);
            case EXTRACT: {
                // EXTRACT(field FROM x) carries an interval qualifier; Calcite parses date_part('field', x) into the same kind with a string.
                // An unknown unit name arrives as a qualifier naming a custom time frame.
                String field = ops.get(0) instanceof SqlIntervalQualifier q
                        ? (q.timeFrameName != null ? q.timeFrameName : q.timeUnitRange.name()).toLowerCase(Locale.ROOT)
                        : ops.get(0) instanceof SqlLiteral l && l.getValue() instanceof org.apache.calcite.util.NlsString ns
                        ? ns.getValue().toLowerCase(Locale.ROOT) : null;
                if (field == null) {
                    throw error(ErrorCode.TYPE_MISMATCH, "the field of date_part must be a string constant", ops.get(0));
                }
                return extract(field, bind(ops.get(1), ctx), call);
            }
            case TRIM: {
                String flag = ((SqlLiteral) ops.get(0)).getValueAs(SqlTrimFunction.Flag.class).name();
                Expr chars = requireString(bind(ops.get(1), ctx), ops.get(1));
                Expr s = requireString(bind(ops.get(2), ctx), ops.get(2));
                Fn fn = flag.equals("LEADING") ? Fn.LTRIM : flag.equals("TRAILING") ? Fn.RTRIM : Fn.TRIM;
                return new Expr.Call(fn, List.of(s, chars), ColumnType.VARCHAR);
            }
            case FILTER: {
                if (!ctx.aggAllowed) {
                    throw error(ErrorCode.GROUPING_ERROR, "aggregate functions are not allowed here", call);
                }
                Expr bound = bind(ops.get(0), ctx);
                Expr f = asBoolean(bind(ops.get(1), ctx.inAggregate()), ops.get(1));
                return withFilter(bound, f);
            }
            case WITHIN_GROUP: {
                if (!ctx.aggAllowed) {
                    throw error(ErrorCode.GROUPING_ERROR, "aggregate functions are not allowed here", call);
                }
                SqlCall fnCall = (SqlCall) ops.get(0);
                String fname = fnCall.getOperator().getName().toLowerCase(Locale.ROOT);
                SqlNodeList order = (SqlNodeList) ops.get(1);
                if (order.size() != 1 || !(fname.equals("percentile_cont") || fname.equals("percentile_disc"))) {
                    throw error(ErrorCode.UNSUPPORTED, "WITHIN GROUP other than percentile_cont/percentile_disc with one key", call);
                }
                OrderItem oi = OrderItem.of(order.get(0));
                double q = fraction(bind(fnCall.operand(0), ctx), fnCall.operand(0));
                if (oi.desc) {
                    q = 1 - q;
                }
                Expr x = bind(oi.expr, ctx.inAggregate());
                AggFn fn = fname.equals("percentile_cont") ? AggFn.QUANTILE_CONT : AggFn.QUANTILE_DISC;
                return AggFns.make(fn, List.of(x), false, q, call, this::error);
            }
            case OVER:
                return bindWindow(call, ctx);
            case EXISTS:
                if (subqueries != null) {
                    return Expr.Lit.ofBool(!subqueries.firstColumn(bindQuery(ops.get(0))).isEmpty());
                }
                throw error(ErrorCode.UNSUPPORTED, "EXISTS outside a WHERE conjunct", call);
            default:
                break;
        }
        if (name.equals("||")) {
            return concat(List.of(bind(ops.get(0), ctx), bind(ops.get(1), ctx)));
        }
        if (kind == SqlKind.FLOOR || kind == SqlKind.CEIL) {
            if (ops.size() != 1) {
                throw error(ErrorCode.UNSUPPORTED, name + " with a time unit", call);
            }
            return function(kind == SqlKind.FLOOR ? "floor" : "ceil", call, ctx);
        }
        if (kind == SqlKind.POSITION) {
            Expr sub = requireString(bind(ops.get(0), ctx), ops.get(0));
            Expr s = requireString(bind(ops.get(1), ctx), ops.get(1));
            return new Expr.Call(Fn.POSITION, List.of(s, sub), ColumnType.BIGINT);
        }
        return function(name.toLowerCase(Locale.ROOT), call, ctx);
    }

    /**
     * A select item as a value: an interval constant of days and time becomes an INTERVAL; one with
     * months has no exact length (PostgreSQL prints {@code 1 mon}), so it stays refused.
     */
    private Expr selectValue(Expr e, SqlNode item) {
        if (e instanceof Expr.Interval iv) {
            if (iv.months() != 0) {
                throw error(ErrorCode.UNSUPPORTED, "an interval of months or years as a value (it has no fixed length;"
                        + " add it to a timestamp, or write it in days)", item);
            }
            return Intervals.value(e);
        }
        return e;
    }

    /** The aggregate with {@code FILTER (WHERE f)}; an interval SUM or AVG is the aggregate under its conversion back. */
    private Expr withFilter(Expr bound, Expr f) {
        if (bound instanceof Expr.Call c && c.fn() == Fn.CAST && c.args().size() == 1) {
            return new Expr.Call(Fn.CAST, List.of(withFilter(c.args().get(0), f)), c.type());
        }
        Expr.Agg a = (Expr.Agg) bound;
        return new Expr.Agg(a.fn(), a.args(), a.distinct(), a.filter() == null ? f : and(a.filter(), f), a.param(), a.type());
    }

    /**
     * SUM and AVG of intervals: the aggregate of their microseconds, converted back (an average
     * rounds to the microsecond), so every aggregation path stays the numeric one.
     */
    private Expr intervalAggregate(String fname, List<Expr> args, boolean distinct, SqlCall call) {
        Expr micros = cast(Intervals.value(args.get(0)), ColumnType.BIGINT);
        Expr.Agg agg = AggFns.bind(fname, List.of(micros), distinct, call, this::error);
        return new Expr.Call(Fn.CAST, List.of(agg), ColumnType.INTERVAL);
    }

    private Expr function(String fname, SqlCall call, Ctx ctx) {
        List<SqlNode> ops = call.getOperandList();
        if (fname.equals(io.quiver.query.parse.PgIntervals.FUNCTION)) {
            String text = ((SqlLiteral) ops.get(0)).getValueAs(String.class);
            long[] iv = DateTimes.parseInterval(text);
            if (iv == null) {
                throw error(ErrorCode.INVALID_VALUE, "invalid input syntax for type interval [value=" + text + ']', call);
            }
            return new Expr.Interval(iv[0], iv[1]);
        }
        if (AggFns.isAggregate(fname)) {
            if (!ctx.aggAllowed) {
                throw error(ErrorCode.GROUPING_ERROR, ctx.inAgg ? "aggregate function calls cannot be nested"
                        : "aggregate functions are not allowed here [function=" + fname + ']', call);
            }
            boolean distinct = call.getFunctionQuantifier() != null
                    && call.getFunctionQuantifier().getValue().toString().equals("DISTINCT");
            if ((fname.equals("count")) && ops.size() == 1 && ops.get(0) instanceof SqlIdentifier id && id.isStar()) {
                return AggFns.make(AggFn.COUNT_STAR, List.of(), false, 0, call, this::error);
            }
            Ctx inner = ctx.inAggregate();
            List<Expr> args = new ArrayList<>();
            for (SqlNode o : ops) {
                args.add(bind(o, inner));
            }
            if ((fname.equals("sum") || fname.equals("avg")) && args.size() == 1 && Intervals.isInterval(args.get(0))) {
                return intervalAggregate(fname, args, distinct, call);
            }
            return AggFns.bind(fname, args, distinct, call, this::error);
        }
        List<Expr> args = new ArrayList<>();
        for (SqlNode o : ops) {
            args.add(bind(o, ctx));
        }
        return Functions.bind(fname, args, nowMicros, call, this::error);
    }

    // ------------------------------------------------------------------ window functions

    private Expr bindWindow(SqlCall over, Ctx ctx) {
        if (!windowsAllowed) {
            throw error(ErrorCode.GROUPING_ERROR, "window functions are not allowed here", over);
        }
        SqlCall fc = (SqlCall) over.operand(0);
        if (!(over.operand(1) instanceof SqlWindow win) || win.getRefName() != null) {
            throw error(ErrorCode.UNSUPPORTED, "named windows", over);
        }
        String fname = fc.getOperator().getName().toLowerCase(Locale.ROOT);
        windowsAllowed = false; // no nesting: PostgreSQL's "window function calls cannot be nested"
        try {
            List<Expr> partition = new ArrayList<>();
            for (SqlNode p : win.getPartitionList()) {
                partition.add(bind(p, ctx));
            }
            List<Expr.WinOrder> order = new ArrayList<>();
            for (SqlNode o : win.getOrderList()) {
                OrderItem oi = OrderItem.of(o);
                order.add(new Expr.WinOrder(bind(oi.expr, ctx), oi.desc, oi.nullsFirst));
            }
            Frame frame = frame(win, !order.isEmpty());
            List<SqlNode> ops = fc.getOperandList();
            switch (fname) {
                case "row_number", "rank", "dense_rank" -> {
                    if (!ops.isEmpty()) {
                        throw error(ErrorCode.SYNTAX_ERROR, fname + " takes no arguments", fc);
                    }
                    WinFn fn = fname.equals("row_number") ? WinFn.ROW_NUMBER : fname.equals("rank") ? WinFn.RANK : WinFn.DENSE_RANK;
                    return new Expr.Win(fn, List.of(), partition, order, frame, ColumnType.BIGINT);
                }
                case "percent_rank", "cume_dist" -> {
                    if (!ops.isEmpty()) {
                        throw error(ErrorCode.SYNTAX_ERROR, fname + " takes no arguments", fc);
                    }
                    return new Expr.Win(fname.equals("cume_dist") ? WinFn.CUME_DIST : WinFn.PERCENT_RANK, List.of(), partition, order, frame,
                            ColumnType.DOUBLE);
                }
                case "ntile" -> {
                    if (ops.size() != 1) {
                        throw error(ErrorCode.SYNTAX_ERROR, "ntile takes one argument", fc);
                    }
                    return new Expr.Win(WinFn.NTILE, List.of(positiveConstant(fname, ops.get(0), ctx)), partition, order, frame, ColumnType.BIGINT);
                }
                case "first_value", "last_value", "nth_value" -> {
                    int expected = fname.equals("nth_value") ? 2 : 1;
                    if (ops.size() != expected) {
                        throw error(ErrorCode.SYNTAX_ERROR, fname + " takes " + expected + " argument" + (expected == 1 ? "" : "s"), fc);
                    }
                    Expr value = bind(ops.get(0), ctx);
                    if (expected == 1) {
                        return new Expr.Win(fname.equals("first_value") ? WinFn.FIRST_VALUE : WinFn.LAST_VALUE, List.of(value), partition, order,
                                frame, value.type());
                    }
                    return new Expr.Win(WinFn.NTH_VALUE, List.of(value, positiveConstant(fname, ops.get(1), ctx)), partition, order, frame,
                            value.type());
                }
                case "lag", "lead" -> {
                    if (ops.isEmpty() || ops.size() > 3) {
                        throw error(ErrorCode.SYNTAX_ERROR, fname + " takes 1 to 3 arguments", fc);
                    }
                    Expr value = bind(ops.get(0), ctx);
                    List<Expr> args = new ArrayList<>();
                    args.add(value);
                    if (ops.size() > 1) {
                        Expr off = Folder.fold(bind(ops.get(1), ctx));
                        if (!(off instanceof Expr.Lit l && l.value() instanceof Long && Types.isInteger(l.type()))) {
                            throw error(ErrorCode.UNSUPPORTED, fname + " offset must be an integer constant", ops.get(1));
                        }
                        args.add(off);
                    }
                    if (ops.size() > 2) {
                        Expr def = Folder.fold(bind(ops.get(2), ctx));
                        if (!(def instanceof Expr.Lit)) {
                            throw error(ErrorCode.UNSUPPORTED, fname + " default must be a constant", ops.get(2));
                        }
                        if (!Types.castable(def.type(), value.type())) {
                            throw error(ErrorCode.TYPE_MISMATCH, fname + " default is of type " + def.type() + ", value of type " + value.type(), ops.get(2));
                        }
                        args.add(Folder.fold(coerce(def, value.type())));
                    }
                    return new Expr.Win(fname.equals("lag") ? WinFn.LAG : WinFn.LEAD, args, partition, order, frame, value.type());
                }
                case "count", "sum", "avg", "min", "max" -> {
                    if (fc.getFunctionQuantifier() != null) {
                        throw error(ErrorCode.UNSUPPORTED, "DISTINCT in a window aggregate", fc);
                    }
                    if (fname.equals("count") && (ops.isEmpty() || (ops.size() == 1 && ops.get(0) instanceof SqlIdentifier id && id.isStar()))) {
                        return new Expr.Win(WinFn.COUNT_STAR, List.of(), partition, order, frame, ColumnType.BIGINT);
                    }
                    if (ops.size() != 1) {
                        throw error(ErrorCode.SYNTAX_ERROR, fname + " takes one argument", fc);
                    }
                    Expr arg = bind(ops.get(0), ctx);
                    Expr.Agg typed = AggFns.bind(fname, List.of(arg), false, fc, this::error);
                    WinFn fn = WinFn.valueOf(typed.fn().name());
                    return new Expr.Win(fn, List.of(arg), partition, order, frame, typed.type());
                }
                default -> throw error(ErrorCode.UNSUPPORTED, "window function [function=" + fname + ']', fc);
            }
        } finally {
            windowsAllowed = true;
        }
    }

    /** ntile's bucket count or nth_value's position: an integer constant above zero (PostgreSQL's rule). */
    private Expr.Lit positiveConstant(String fname, SqlNode node, Ctx ctx) {
        Expr e = Folder.fold(bind(node, ctx));
        if (!(e instanceof Expr.Lit l && l.value() instanceof Long && Types.isInteger(l.type()))) {
            throw error(ErrorCode.UNSUPPORTED, "the argument of " + fname + " must be an integer constant", node);
        }
        if ((Long) l.value() <= 0) {
            throw error(ErrorCode.INVALID_VALUE, "the argument of " + fname + " must be greater than zero [value=" + l.value() + ']', node);
        }
        return l;
    }

    private Frame frame(SqlWindow win, boolean ordered) {
        SqlNode lo = win.getLowerBound();
        SqlNode hi = win.getUpperBound();
        if (lo == null && hi == null) {
            return ordered ? Frame.RUNNING : Frame.WHOLE;
        }
        long start = frameBound(lo);
        long end = hi == null ? 0 : frameBound(hi);
        boolean rows = win.isRows();
        if (!rows && (!(start == Frame.UNBOUNDED_PRECEDING || start == 0) || !(end == 0 || end == Frame.UNBOUNDED_FOLLOWING))) {
            throw error(ErrorCode.UNSUPPORTED, "RANGE frames with an offset (use ROWS)", lo);
        }
        if (start == Frame.UNBOUNDED_FOLLOWING || end == Frame.UNBOUNDED_PRECEDING) {
            throw error(ErrorCode.SYNTAX_ERROR, "frame start cannot be UNBOUNDED FOLLOWING, frame end cannot be UNBOUNDED PRECEDING", lo);
        }
        return new Frame(rows, start, end);
    }

    private long frameBound(SqlNode b) {
        if (SqlWindow.isUnboundedPreceding(b)) {
            return Frame.UNBOUNDED_PRECEDING;
        }
        if (SqlWindow.isUnboundedFollowing(b)) {
            return Frame.UNBOUNDED_FOLLOWING;
        }
        if (SqlWindow.isCurrentRow(b)) {
            return 0;
        }
        if (b instanceof SqlCall c && (c.getKind() == SqlKind.PRECEDING || c.getKind() == SqlKind.FOLLOWING)) {
            long k = constantLong(c.operand(0), "frame offset");
            return c.getKind() == SqlKind.PRECEDING ? -k : k;
        }
        throw error(ErrorCode.UNSUPPORTED, "window frame bound", b);
    }

    static boolean containsWindow(Expr e) {
        return switch (e) {
            case Expr.Win w -> true;
            case Expr.Call c -> c.args().stream().anyMatch(Binder::containsWindow);
            default -> false;
        };
    }

    /**
     * Turns the window calls of one SELECT into a Window node: a projection below it computes every
     * argument, partition and order expression as a column (input columns keep their positions),
     * and each call is replaced by the Window output column holding its value.
     */
    private static final class WindowPlanning {
        private final Plan input;
        private final int width;
        private final List<Expr> pre = new ArrayList<>();
        private final List<Expr.Win> calls = new ArrayList<>();

        WindowPlanning(Plan input) {
            this.input = input;
            this.width = input.fields().size();
            for (int i = 0; i < width; i++) {
                pre.add(new Expr.Col(i, input.fields().get(i).type()));
            }
        }

        void collect(Expr e) {
            switch (e) {
                case Expr.Win w -> {
                    if (!calls.contains(w)) {
                        calls.add(w);
                        w.args().stream().limit(1).forEach(this::column);
                        w.partition().forEach(this::column);
                        w.order().forEach(o -> column(o.expr()));
                    }
                }
                case Expr.Call c -> c.args().forEach(this::collect);
                default -> { }
            }
        }

        private int column(Expr e) {
            int i = pre.indexOf(e);
            if (i < 0) {
                pre.add(e);
                i = pre.size() - 1;
            }
            return i;
        }

        Expr replace(Expr e) {
            return switch (e) {
                case Expr.Win w -> new Expr.Col(pre.size() + calls.indexOf(w), w.type());
                case Expr.Call c -> new Expr.Call(c.fn(), c.args().stream().map(this::replace).toList(), c.type());
                default -> e;
            };
        }

        Plan plan() {
            List<Field> preFields = new ArrayList<>(input.fields());
            for (int i = width; i < pre.size(); i++) {
                preFields.add(new Field(null, "$w" + i, pre.get(i).type()));
            }
            Plan below = pre.size() == width ? input : new Plan.Project(input, List.copyOf(pre), preFields);
            List<Plan.WindowFn> fns = new ArrayList<>();
            List<Field> fields = new ArrayList<>(preFields);
            for (Expr.Win w : calls) {
                boolean ntile = w.fn() == WinFn.NTILE;
                int arg = w.args().isEmpty() || ntile ? -1 : column(w.args().get(0));
                long offset = ntile ? (Long) ((Expr.Lit) w.args().get(0)).value()
                        : w.args().size() > 1 ? (Long) ((Expr.Lit) w.args().get(1)).value() : 1;
                Expr.Lit def = w.args().size() > 2 ? (Expr.Lit) w.args().get(2) : null;
                int[] partition = w.partition().stream().mapToInt(this::column).toArray();
                List<SortKey> order = w.order().stream().map(o -> new SortKey(column(o.expr()), o.descending(), o.nullsFirst())).toList();
                fns.add(new Plan.WindowFn(w.fn(), arg, offset, def, partition, order, w.frame(), w.type()));
                fields.add(new Field(null, w.fn().name().toLowerCase(Locale.ROOT), w.type()));
            }
            return new Plan.Window(below, fns, fields);
        }
    }

    private Expr variadicSameType(Fn fn, List<SqlNode> ops, Ctx ctx, SqlNode at) {
        List<Expr> args = new ArrayList<>();
        for (SqlNode o : ops) {
            args.add(bind(o, ctx));
        }
        ColumnType t = commonOf(args, at);
        List<Expr> cast = new ArrayList<>();
        for (Expr e : args) {
            cast.add(coerce(e, t));
        }
        return new Expr.Call(fn, cast, t);
    }

    static Expr concat(List<Expr> parts) {
        List<Expr> args = new ArrayList<>();
        for (Expr p : parts) {
            args.add(p.type() == ColumnType.VARCHAR ? p : cast(p, ColumnType.VARCHAR));
        }
        return new Expr.Call(Fn.CONCAT, args, ColumnType.VARCHAR);
    }

    private double fraction(Expr e, SqlNode at) {
        Expr f = Folder.fold(e);
        if (f instanceof Expr.Lit l && l.value() instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1) {
            return n.doubleValue();
        }
        throw error(ErrorCode.INVALID_VALUE, "percentile must be a constant between 0 and 1", at);
    }

    private Expr extract(String field, Expr e, SqlNode at) {
        if (Intervals.isInterval(e)) {
            return Intervals.extract(field, e, at, this::error);
        }
        if (!DateTimes.isExtractField(field)) {
            throw error(ErrorCode.INVALID_VALUE, "unit not recognized by extract [field=" + field + ']', at);
        }
        // The kernel reads microseconds: a DATE (days) is widened to its midnight like any other non-timestamp.
        e = coerce(e, ColumnType.TIMESTAMP);
        ColumnType t = DateTimes.isIntegralField(field) ? ColumnType.BIGINT : ColumnType.DOUBLE;
        return new Expr.Call(Fn.EXTRACT, List.of(new Expr.Lit(field, ColumnType.VARCHAR), e), t);
    }

    private Expr arithmetic(SqlKind kind, Expr a, Expr b, SqlNode at) {
        // Temporal arithmetic first.
        if (b instanceof Expr.Interval && (kind == SqlKind.PLUS || kind == SqlKind.MINUS) && !Intervals.isInterval(a)) {
            Expr ts = Types.isStringLiteral(a) ? coerce(a, ColumnType.TIMESTAMP) : a;
            if (!Types.isTemporal(ts.type())) {
                throw Types.mismatch(kind.sql, a.type(), ColumnType.BIGINT);
            }
            ts = coerce(ts, ColumnType.TIMESTAMP);
            return new Expr.Call(kind == SqlKind.PLUS ? Fn.TS_ADD_INTERVAL : Fn.TS_SUB_INTERVAL, List.of(ts, b), ColumnType.TIMESTAMP);
        }
        if (a instanceof Expr.Interval && kind == SqlKind.PLUS && !Intervals.isInterval(b)) {
            return arithmetic(kind, b, a, at);
        }
        String op = switch (kind) {
            case PLUS -> "+";
            case MINUS -> "-";
            case TIMES -> "*";
            case DIVIDE -> "/";
            default -> "%";
        };
        Expr interval = Intervals.arithmetic(op, a, b, at, this::error);
        if (interval != null) {
            return interval;
        }
        if (a.type() == ColumnType.DATE && (kind == SqlKind.PLUS || kind == SqlKind.MINUS)) {
            if (Types.isInteger(b.type())) {
                return new Expr.Call(kind == SqlKind.PLUS ? Fn.DATE_ADD_DAYS : Fn.DATE_SUB_DAYS, List.of(a, coerce(b, ColumnType.BIGINT)), ColumnType.DATE);
            }
            if (kind == SqlKind.MINUS && (b.type() == ColumnType.DATE || Types.isStringLiteral(b))) {
                return new Expr.Call(Fn.DATE_DIFF_DAYS, List.of(a, coerce(b, ColumnType.DATE)), ColumnType.INT);
            }
        }
        if (b.type() == ColumnType.DATE && kind == SqlKind.PLUS && Types.isInteger(a.type())) {
            return arithmetic(kind, b, a, at);
        }
        if (Types.isNullLiteral(a)) {
            a = new Expr.Lit(null, Types.isNumeric(b.type()) ? b.type() : ColumnType.BIGINT);
        }
        if (Types.isNullLiteral(b)) {
            b = new Expr.Lit(null, Types.isNumeric(a.type()) ? a.type() : ColumnType.BIGINT);
        }
        if (Types.isStringLiteral(a) && Types.isNumeric(b.type())) {
            a = coerce(a, b.type());
        }
        if (Types.isStringLiteral(b) && Types.isNumeric(a.type())) {
            b = coerce(b, a.type());
        }
        if (!Types.isNumeric(a.type()) || !Types.isNumeric(b.type())) {
            throw error(ErrorCode.TYPE_MISMATCH, "operator does not exist [operator=" + op + ", left=" + a.type()
                    + ", right=" + b.type() + ']', at);
        }
        ColumnType t = Types.numericCommon(a.type(), b.type());
        Fn fn = switch (kind) {
            case PLUS -> Fn.ADD;
            case MINUS -> Fn.SUB;
            case TIMES -> Fn.MUL;
            case DIVIDE -> Fn.DIV;
            default -> Fn.MOD;
        };
        return new Expr.Call(fn, List.of(coerce(a, t), coerce(b, t)), t);
    }

    private Expr comparison(Fn fn, Expr a, Expr b, SqlNode at) {
        if (Intervals.isInterval(a) && (Intervals.isInterval(b) || Types.isStringLiteral(b) || Types.isNullLiteral(b))
                || Intervals.isInterval(b) && (Types.isStringLiteral(a) || Types.isNullLiteral(a))) {
            a = Intervals.value(a);
            b = Intervals.value(b);
        } else if (a instanceof Expr.Interval || b instanceof Expr.Interval) {
            throw error(ErrorCode.UNSUPPORTED, "comparison of intervals", at);
        }
        ColumnType t = Types.common(a, b);
        if (t == null) {
            throw error(ErrorCode.TYPE_MISMATCH, "operator does not exist [operator=" + fn.name().toLowerCase(Locale.ROOT)
                    + ", left=" + a.type() + ", right=" + b.type() + ']', at);
        }
        // An integer literal that fits the other side's narrower integer type takes that type, so the
        // column is compared as stored (no per-row cast) and the zone-map predicate sees the column.
        if (Types.isInteger(a.type()) && b instanceof Expr.Lit l && l.value() instanceof Long v && Types.isInteger(l.type())
                && v >= a.type().minValue() && v <= a.type().maxValue()) {
            return new Expr.Call(fn, List.of(a, new Expr.Lit(v, a.type())), ColumnType.BOOLEAN);
        }
        if (Types.isInteger(b.type()) && a instanceof Expr.Lit l && l.value() instanceof Long v && Types.isInteger(l.type())
                && v >= b.type().minValue() && v <= b.type().maxValue()) {
            return new Expr.Call(fn, List.of(new Expr.Lit(v, b.type()), b), ColumnType.BOOLEAN);
        }
        return new Expr.Call(fn, List.of(coerce(a, t), coerce(b, t)), ColumnType.BOOLEAN);
    }

    /** An implicit conversion; string literals are converted now (so a bad date fails at bind time). */
    public static Expr coerce(Expr e, ColumnType t) {
        if (e.type() == t) {
            return e;
        }
        if (e instanceof Expr.Lit l && l.value() == null) {
            return new Expr.Lit(null, t);
        }
        return cast(e, t);
    }

    static Expr cast(Expr e, ColumnType t) {
        if (e.type() == t) {
            return e;
        }
        if (e instanceof Expr.Lit l) {
            if (l.value() == null) {
                return new Expr.Lit(null, t);
            }
            return Folder.fold(new Expr.Call(Fn.CAST, List.of(e), t));
        }
        return new Expr.Call(Fn.CAST, List.of(e), t);
    }

    private ColumnType typeOf(SqlDataTypeSpec spec) {
        String n = spec.getTypeName().getSimple().toUpperCase(Locale.ROOT);
        return switch (n) {
            case "TINYINT", "SMALLINT" -> ColumnType.SMALLINT;
            case "INTEGER", "INT" -> ColumnType.INT;
            case "BIGINT" -> ColumnType.BIGINT;
            case "DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC" -> ColumnType.DOUBLE;
            case "VARCHAR", "CHAR", "TEXT", "STRING" -> ColumnType.VARCHAR;
            case "BOOLEAN", "BOOL" -> ColumnType.BOOLEAN;
            case "DATE" -> ColumnType.DATE;
            case "TIMESTAMP", "TIMESTAMPTZ" -> ColumnType.TIMESTAMP;
            default -> {
                try {
                    yield ColumnType.parse(n);
                } catch (RuntimeException e) {
                    throw error(ErrorCode.TYPE_MISMATCH, "type does not exist [type=" + n + ']', spec);
                }
            }
        };
    }

    /** {@code e} where a BOOLEAN is required: an untyped NULL literal becomes a BOOLEAN NULL (kernels read it as one). */
    private Expr asBoolean(Expr e, SqlNode at) {
        if (Types.isNullLiteral(e)) {
            return new Expr.Lit(null, ColumnType.BOOLEAN);
        }
        if (e.type() != ColumnType.BOOLEAN) {
            throw error(ErrorCode.TYPE_MISMATCH, "argument must be type boolean [type=" + e.type() + ']', at);
        }
        return e;
    }

    private void requireNumeric(Expr e, SqlNode at) {
        if (!Types.isNumeric(e.type())) {
            throw error(ErrorCode.TYPE_MISMATCH, "argument must be numeric [type=" + e.type() + ']', at);
        }
    }

    private Expr requireString(Expr e, SqlNode at) {
        if (e.type() != ColumnType.VARCHAR) {
            throw error(ErrorCode.TYPE_MISMATCH, "argument must be text [type=" + e.type() + ']', at);
        }
        return e;
    }

    QueryException error(ErrorCode code, String message, SqlNode at) {
        int line = at == null ? 0 : at.getParserPosition().getLineNum();
        int col = at == null ? 0 : at.getParserPosition().getColumnNum();
        return QueryException.at(code, message, line, col);
    }

    /** Error factory handed to the function binders. */
    @FunctionalInterface
    public interface Errors {
        QueryException error(ErrorCode code, String message, SqlNode at);
    }

    /** The names in scope of a plan, for error messages. */
    static Map<String, ColumnType> describe(List<Field> fields) {
        Map<String, ColumnType> m = new LinkedHashMap<>();
        for (Field f : fields) {
            m.put(f.name(), f.type());
        }
        return m;
    }
}
