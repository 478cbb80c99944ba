package io.quiver.query.plan;

import io.quiver.query.ErrorCode;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.Litmus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * GROUP BY ROLLUP, CUBE and GROUPING SETS, rewritten before binding into one ordinary SELECT per
 * grouping set (the binder unions them). In the branch of a set, a grouping key the set leaves
 * out reads as NULL wherever it is not an aggregate's argument ({@code CASE WHEN FALSE THEN
 * any_value(key) END}: NULL with the key's type, legal outside GROUP BY), and GROUPING(k, ...) is
 * the constant bit mask of the keys left out, the last argument the lowest bit, as in PostgreSQL.
 */
final class GroupingSets {
    /** More sets than this is a CUBE too wide to mean anything (2^12). */
    static final int MAX_SETS = 4096;

    private final SqlSelect select;
    private final List<SqlNode> items;
    private final List<List<SqlNode>> sets;
    private final List<SqlNode> keys;
    private final Binder.Errors errors;

    private GroupingSets(SqlSelect select, List<List<SqlNode>> sets, Binder.Errors errors) {
        this.select = select;
        this.items = select.getSelectList().getList();
        this.sets = sets;
        this.errors = errors;
        this.keys = new ArrayList<>();
        for (List<SqlNode> set : sets) {
            for (SqlNode k : set) {
                if (indexOf(keys, k) < 0) {
                    keys.add(k);
                }
            }
        }
    }

    static boolean present(SqlNodeList group) {
        if (group == null) {
            return false;
        }
        for (SqlNode g : group) {
            if (g.getKind() == SqlKind.ROLLUP || g.getKind() == SqlKind.CUBE || g.getKind() == SqlKind.GROUPING_SETS) {
                return true;
            }
        }
        return false;
    }

    static GroupingSets of(SqlSelect select, Binder.Errors errors) {
        for (SqlNode item : select.getSelectList()) {
            if (containsKind(item, SqlKind.OVER)) {
                throw errors.error(ErrorCode.UNSUPPORTED, "window functions together with ROLLUP, CUBE or GROUPING SETS", item);
            }
        }
        List<List<SqlNode>> sets = List.of(List.of());
        for (SqlNode g : select.getGroup()) {
            sets = cross(sets, setsOf(g, errors), g, errors);
        }
        return new GroupingSets(select, sets, errors);
    }

    int count() {
        return sets.size();
    }

    /** The SELECT of grouping set {@code s}: its keys as GROUP BY, the left-out keys NULL. */
    SqlSelect branch(int s) {
        List<SqlNode> set = sets.get(s);
        List<SqlNode> left = new ArrayList<>();
        for (SqlNode k : keys) {
            if (indexOf(set, k) < 0) {
                left.add(k);
            }
        }
        Rewriter rw = new Rewriter(set, left);
        List<SqlNode> list = new ArrayList<>();
        for (SqlNode item : items) {
            SqlNode expr = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
            SqlNode out = expr.accept(rw);
            if (item.getKind() == SqlKind.AS) {
                list.add(SqlStdOperatorTable.AS.createCall(item.getParserPosition(), out, ((SqlCall) item).operand(1)));
            } else if (out != expr) {
                // keep the column's name: the union takes its names from the first branch
                list.add(SqlStdOperatorTable.AS.createCall(item.getParserPosition(), out,
                        new SqlIdentifier(Binder.defaultName(expr), item.getParserPosition())));
            } else {
                list.add(item);
            }
        }
        SqlNode having = select.getHaving() == null ? null : select.getHaving().accept(rw);
        return new SqlSelect(select.getParserPosition(), (SqlNodeList) select.getOperandList().get(0), new SqlNodeList(list, SqlParserPos.ZERO),
                select.getFrom(), select.getWhere(), new SqlNodeList(set, select.getGroup().getParserPosition()), having, null, null,
                null, null, null);
    }

    /** ORDER BY items that repeat a select item become its position, so they apply to the union's columns. */
    SqlNodeList orderByOutput(SqlNodeList orderList) {
        if (orderList == null) {
            return null;
        }
        List<SqlNode> out = new ArrayList<>();
        for (SqlNode o : orderList) {
            out.add(toPosition(o));
        }
        return new SqlNodeList(out, orderList.getParserPosition());
    }

    private SqlNode toPosition(SqlNode o) {
        if (o.getKind() == SqlKind.DESCENDING || o.getKind() == SqlKind.NULLS_FIRST || o.getKind() == SqlKind.NULLS_LAST) {
            SqlCall c = (SqlCall) o;
            return c.getOperator().createCall(c.getParserPosition(), toPosition(c.operand(0)));
        }
        for (int i = 0; i < items.size(); i++) {
            SqlNode item = items.get(i);
            SqlNode expr = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
            if (!(o instanceof SqlIdentifier) && sameKey(expr, o)) {
                return SqlLiteral.createExactNumeric(Integer.toString(i + 1), o.getParserPosition());
            }
        }
        return o;
    }

    // ------------------------------------------------------------------ sets

    private static List<List<SqlNode>> setsOf(SqlNode g, Binder.Errors errors) {
        List<List<SqlNode>> out = new ArrayList<>();
        switch (g.getKind()) {
            case ROLLUP -> {
                List<SqlNode> ops = ((SqlCall) g).getOperandList();
                for (int n = ops.size(); n >= 0; n--) {
                    List<SqlNode> set = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        set.addAll(elements(ops.get(i)));
                    }
                    out.add(set);
                }
            }
            case CUBE -> {
                List<SqlNode> ops = ((SqlCall) g).getOperandList();
                if (ops.size() > 12) {
                    throw errors.error(ErrorCode.UNSUPPORTED, "CUBE of more than 12 elements", g);
                }
                for (int mask = (1 << ops.size()) - 1; mask >= 0; mask--) {
                    List<SqlNode> set = new ArrayList<>();
                    for (int i = 0; i < ops.size(); i++) {
                        if ((mask & (1 << (ops.size() - 1 - i))) != 0) {
                            set.addAll(elements(ops.get(i)));
                        }
                    }
                    out.add(set);
                }
            }
            case GROUPING_SETS -> {
                for (SqlNode s : ((SqlCall) g).getOperandList()) {
                    if (s.getKind() == SqlKind.ROLLUP || s.getKind() == SqlKind.CUBE || s.getKind() == SqlKind.GROUPING_SETS) {
                        out.addAll(setsOf(s, errors));
                    } else {
                        out.add(elements(s));
                    }
                }
            }
            default -> out.add(List.of(g));
        }
        return out;
    }

    /** The keys of one element: {@code (a, b)} is two, {@code ()} none. */
    private static List<SqlNode> elements(SqlNode e) {
        if (e.getKind() == SqlKind.ROW) {
            return ((SqlCall) e).getOperandList();
        }
        if (e instanceof SqlNodeList l) {
            return l.getList();
        }
        return List.of(e);
    }

    private static List<List<SqlNode>> cross(List<List<SqlNode>> a, List<List<SqlNode>> b, SqlNode at, Binder.Errors errors) {
        if ((long) a.size() * b.size() > MAX_SETS) {
            throw errors.error(ErrorCode.UNSUPPORTED, "more than " + MAX_SETS + " grouping sets", at);
        }
        List<List<SqlNode>> out = new ArrayList<>();
        for (List<SqlNode> x : a) {
            for (List<SqlNode> y : b) {
                List<SqlNode> set = new ArrayList<>(x);
                for (SqlNode k : y) {
                    if (indexOf(set, k) < 0) {
                        set.add(k);
                    }
                }
                out.add(set);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ keys

    private static int indexOf(List<SqlNode> list, SqlNode k) {
        for (int i = 0; i < list.size(); i++) {
            if (sameKey(list.get(i), k)) {
                return i;
            }
        }
        return -1;
    }

    /** Keys compare as written; a column compares by name, qualified or not. */
    private static boolean sameKey(SqlNode a, SqlNode b) {
        if (a instanceof SqlIdentifier x && b instanceof SqlIdentifier y) {
            String xl = x.names.get(x.names.size() - 1);
            String yl = y.names.get(y.names.size() - 1);
            if (!xl.equalsIgnoreCase(yl)) {
                return false;
            }
            return x.names.size() == 1 || y.names.size() == 1 || x.names.get(0).equalsIgnoreCase(y.names.get(0));
        }
        return a.equalsDeep(b, Litmus.IGNORE);
    }

    /** The forms a key may take in the select list: itself, and the select item a position or alias names. */
    private List<SqlNode> forms(SqlNode key) {
        List<SqlNode> out = new ArrayList<>(List.of(key));
        if (key instanceof SqlNumericLiteral n && n.isInteger()) {
            int pos = n.intValue(true);
            if (pos >= 1 && pos <= items.size()) {
                SqlNode item = items.get(pos - 1);
                out.add(item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item);
            }
        } else if (key instanceof SqlIdentifier id && id.names.size() == 1) {
            for (SqlNode item : items) {
                if (item.getKind() == SqlKind.AS && ((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple().equalsIgnoreCase(id.getSimple())) {
                    out.add(((SqlCall) item).operand(0));
                }
            }
        }
        return out;
    }

    private static boolean containsKind(SqlNode n, SqlKind kind) {
        if (n == null) {
            return false;
        }
        if (n.getKind() == kind) {
            return true;
        }
        if (n instanceof SqlCall c && !(n instanceof SqlSelect)) {
            for (SqlNode o : c.getOperandList()) {
                if (containsKind(o, kind)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Nulls the left-out keys outside aggregates and folds GROUPING(...) into its constant. */
    private final class Rewriter extends SqlShuttle {
        private final List<SqlNode> set;
        private final List<SqlNode> leftForms = new ArrayList<>();

        Rewriter(List<SqlNode> set, List<SqlNode> left) {
            this.set = set;
            for (SqlNode k : left) {
                leftForms.addAll(forms(k));
            }
        }

        @Override
        public SqlNode visit(SqlIdentifier id) {
            return indexOf(leftForms, id) >= 0 ? nullOf(id) : id;
        }

        @Override
        public SqlNode visit(SqlCall call) {
            if (call instanceof SqlSelect) {
                return call;
            }
            String name = call.getOperator().getName().toLowerCase(Locale.ROOT);
            if (call.getKind() == SqlKind.GROUPING || call.getKind() == SqlKind.GROUPING_ID || name.equals("grouping")) {
                return groupingMask(call);
            }
            if (call.getKind() == SqlKind.FILTER || call.getKind() == SqlKind.WITHIN_GROUP || AggFns.isAggregate(name)) {
                return call; // an aggregate reads every row of its group, keys included
            }
            if (indexOf(leftForms, call) >= 0) {
                return nullOf(call);
            }
            return super.visit(call);
        }

        private SqlNode groupingMask(SqlCall call) {
            long mask = 0;
            for (SqlNode arg : call.getOperandList()) {
                boolean isKey = false;
                for (SqlNode k : keys) {
                    if (indexOf(forms(k), arg) >= 0) {
                        isKey = true;
                        break;
                    }
                }
                if (!isKey) {
                    throw errors.error(ErrorCode.GROUPING_ERROR, "arguments to GROUPING must be grouping expressions of the query", arg);
                }
                boolean inSet = false;
                for (SqlNode k : set) {
                    if (indexOf(forms(k), arg) >= 0) {
                        inSet = true;
                        break;
                    }
                }
                mask = (mask << 1) | (inSet ? 0 : 1);
            }
            return SqlLiteral.createExactNumeric(Long.toString(mask), call.getParserPosition());
        }

        private SqlNode nullOf(SqlNode key) {
            SqlParserPos pos = key.getParserPosition();
            SqlBasicCall any = new SqlBasicCall(SqlStdOperatorTable.ANY_VALUE, List.of(key), pos);
            return new SqlCase(pos, null, SqlNodeList.of(SqlLiteral.createBoolean(false, pos)), SqlNodeList.of(any),
                    SqlLiteral.createNull(pos));
        }
    }
}
