package io.quiver.flight.sql;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.TableHandle;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Infers the type of each {@code ?} from where it stands, so the parameter schema a client binds
 * against is the one the statement needs: the column it is compared with ({@code price > ?},
 * {@code id IN (?, ?)}, {@code ts BETWEEN ? AND ?}), the column it is inserted into, the type it is
 * cast to, BIGINT for LIMIT/OFFSET, BOOLEAN under AND/OR/NOT, a literal it is compared with.
 * Anything else is VARCHAR (the engine casts text where a value of another type is needed).
 */
final class ParameterTypes {
    private static final Set<SqlKind> SAME_TYPE = EnumSet.of(SqlKind.EQUALS, SqlKind.NOT_EQUALS, SqlKind.LESS_THAN,
            SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL, SqlKind.IS_DISTINCT_FROM,
            SqlKind.IS_NOT_DISTINCT_FROM, SqlKind.BETWEEN, SqlKind.IN, SqlKind.NOT_IN, SqlKind.PLUS,
            SqlKind.MINUS, SqlKind.TIMES, SqlKind.DIVIDE, SqlKind.MOD, SqlKind.COALESCE, SqlKind.NULLIF, SqlKind.GREATEST,
            SqlKind.LEAST, SqlKind.CASE);
    private static final Set<SqlKind> ARITHMETIC = EnumSet.of(SqlKind.PLUS, SqlKind.MINUS, SqlKind.TIMES, SqlKind.DIVIDE,
            SqlKind.MOD, SqlKind.MINUS_PREFIX, SqlKind.PLUS_PREFIX);
    private static final Set<SqlKind> BOOLEAN_OPERANDS = EnumSet.of(SqlKind.AND, SqlKind.OR, SqlKind.NOT, SqlKind.IS_TRUE,
            SqlKind.IS_FALSE, SqlKind.IS_NOT_TRUE, SqlKind.IS_NOT_FALSE);

    private final QueryCatalog catalog;
    private final ColumnType[] types;
    private final Deque<List<TableSchema>> scopes = new ArrayDeque<>();

    private ParameterTypes(QueryCatalog catalog, int count) {
        this.catalog = catalog;
        this.types = new ColumnType[count];
    }

    static List<ColumnType> infer(SqlNode node, int count, QueryCatalog catalog) {
        ParameterTypes p = new ParameterTypes(catalog, count);
        p.walk(node);
        for (int i = 0; i < count; i++) {
            if (p.types[i] == null) {
                p.types[i] = ColumnType.VARCHAR;
            }
        }
        return Arrays.asList(p.types);
    }

    private void assign(SqlNode n, ColumnType t) {
        if (t != null && n instanceof SqlDynamicParam d && d.getIndex() < types.length && types[d.getIndex()] == null) {
            types[d.getIndex()] = t;
        }
    }

    private void walk(SqlNode n) {
        if (n == null) {
            return;
        }
        if (n instanceof SqlNodeList list) {
            for (SqlNode x : list) {
                walk(x);
            }
            return;
        }
        if (!(n instanceof SqlCall call)) {
            return;
        }
        switch (call) {
            case SqlSelect s -> {
                scopes.push(tablesOf(s.getFrom()));
                try {
                    assign(s.getFetch(), ColumnType.BIGINT);
                    assign(s.getOffset(), ColumnType.BIGINT);
                    for (SqlNode x : s.getOperandList()) {
                        walk(x);
                    }
                } finally {
                    scopes.pop();
                }
                return;
            }
            case SqlOrderBy o -> {
                assign(o.fetch, ColumnType.BIGINT);
                assign(o.offset, ColumnType.BIGINT);
                walk(o.query);
                if (o.query instanceof SqlSelect s) {
                    scopes.push(tablesOf(s.getFrom())); // ORDER BY may name the query's columns
                    try {
                        walk(o.orderList);
                    } finally {
                        scopes.pop();
                    }
                } else {
                    walk(o.orderList);
                }
                return;
            }
            case SqlInsert ins -> {
                insert(ins);
                return;
            }
            case SqlDelete del -> {
                scopes.push(tablesOf(del.getTargetTable())); // WHERE names the target's columns
                try {
                    walk(del.getCondition());
                } finally {
                    scopes.pop();
                }
                return;
            }
            default -> {
            }
        }
        SqlKind kind = call.getKind();
        List<SqlNode> ops = call.getOperandList();
        if (kind == SqlKind.CAST && ops.size() == 2 && ops.get(1) instanceof SqlDataTypeSpec spec) {
            assign(ops.get(0), typeName(spec.getTypeName().getSimple()));
        } else if (SAME_TYPE.contains(kind)) {
            ColumnType t = null;
            for (SqlNode x : flatten(ops)) {
                t = t != null ? t : typeOf(x);
            }
            for (SqlNode x : flatten(ops)) {
                assign(x, t);
            }
        } else if (BOOLEAN_OPERANDS.contains(kind)) {
            for (SqlNode x : ops) {
                assign(x, ColumnType.BOOLEAN);
            }
        }
        for (SqlNode x : ops) {
            walk(x);
        }
    }

    private static List<SqlNode> flatten(List<SqlNode> ops) {
        List<SqlNode> out = new ArrayList<>();
        for (SqlNode x : ops) {
            if (x instanceof SqlNodeList l) {
                for (SqlNode y : l) {
                    out.add(y);
                }
            } else if (x != null) {
                out.add(x);
            }
        }
        return out;
    }

    private void insert(SqlInsert ins) {
        Optional<TableSchema> table = ins.getTargetTable() instanceof SqlIdentifier id ? schema(id) : Optional.empty();
        SqlNode source = ins.getSource();
        if (table.isPresent() && source.getKind() == SqlKind.VALUES && source instanceof SqlCall values) {
            TableSchema s = table.get();
            List<ColumnType> target = new ArrayList<>();
            if (ins.getTargetColumnList() == null) {
                s.columns().forEach(c -> target.add(c.type()));
            } else {
                for (SqlNode c : ins.getTargetColumnList()) {
                    int idx = s.indexOf(((SqlIdentifier) c).getSimple());
                    target.add(idx < 0 ? null : s.column(idx).type());
                }
            }
            for (SqlNode row : values.getOperandList()) {
                if (row instanceof SqlCall r) {
                    List<SqlNode> vals = r.getOperandList();
                    for (int i = 0; i < vals.size() && i < target.size(); i++) {
                        assign(vals.get(i), target.get(i));
                    }
                }
            }
        }
        walk(source);
    }

    private ColumnType typeOf(SqlNode x) {
        if (x instanceof SqlIdentifier id && !id.isStar()) {
            String name = id.names.get(id.names.size() - 1);
            for (List<TableSchema> scope : scopes) {
                for (TableSchema s : scope) {
                    int idx = s.indexOf(name);
                    if (idx >= 0) {
                        return s.column(idx).type();
                    }
                }
            }
            return null;
        }
        if (x instanceof SqlNumericLiteral num) {
            return num.isExact() && num.getScale() != null && num.getScale() == 0 ? ColumnType.BIGINT : ColumnType.DOUBLE;
        }
        if (x instanceof SqlLiteral lit) {
            return switch (lit.getTypeName()) {
                case BOOLEAN -> ColumnType.BOOLEAN;
                case CHAR, VARCHAR -> ColumnType.VARCHAR;
                case DATE -> ColumnType.DATE;
                case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> ColumnType.TIMESTAMP;
                default -> {
                    String s = lit.toString().toUpperCase(Locale.ROOT);
                    yield s.startsWith("DATE ") ? ColumnType.DATE : s.startsWith("TIMESTAMP") ? ColumnType.TIMESTAMP : null;
                }
            };
        }
        if (x instanceof SqlCall c && ARITHMETIC.contains(c.getKind())) {
            for (SqlNode op : c.getOperandList()) {
                ColumnType t = typeOf(op);
                if (t != null) {
                    return t;
                }
            }
            return null;
        }
        if (x instanceof SqlCall c && c.getKind() == SqlKind.CAST && c.operandCount() == 2 && c.operand(1) instanceof SqlDataTypeSpec spec) {
            return typeName(spec.getTypeName().getSimple());
        }
        return null;
    }

    private static ColumnType typeName(String name) {
        try {
            return ColumnType.parse(name);
        } catch (StorageException e) {
            return null;
        }
    }

    private List<TableSchema> tablesOf(SqlNode from) {
        List<TableSchema> out = new ArrayList<>();
        collectTables(from, out);
        return out;
    }

    private void collectTables(SqlNode from, List<TableSchema> out) {
        switch (from) {
            case null -> {
            }
            case SqlIdentifier id -> schema(id).ifPresent(out::add);
            case SqlJoin j -> {
                collectTables(j.getLeft(), out);
                collectTables(j.getRight(), out);
            }
            case SqlBasicCall c when c.getKind() == SqlKind.AS -> collectTables(c.operand(0), out);
            case SqlWith w -> {
                for (SqlNode item : w.withList) {
                    if (item instanceof SqlWithItem wi && wi.query instanceof SqlSelect s) {
                        collectTables(s.getFrom(), out);
                    }
                }
            }
            default -> {
            }
        }
    }

    private Optional<TableSchema> schema(SqlIdentifier id) {
        Optional<TableHandle> h = catalog.table(id.names.get(id.names.size() - 1));
        return h.map(TableHandle::schema);
    }
}
