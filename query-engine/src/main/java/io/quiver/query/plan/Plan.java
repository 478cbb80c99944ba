package io.quiver.query.plan;

import io.quiver.query.catalog.TableHandle;
import io.quiver.storage.TableSchema;

import java.util.List;

/** A logical plan node. Column references in expressions index the node's input fields. */
public sealed interface Plan {
    List<Field> fields();

    /**
     * Reads {@code columns} (schema indexes) of a table. {@code filter} is applied to the rows read
     * (over the projected columns), and its simple conjuncts are also handed to the scan as a zone-map
     * predicate.
     */
    record Scan(String table, TableHandle handle, TableSchema schema, int[] columns, Expr filter, List<Field> fields) implements Plan {}

    record Filter(Plan input, Expr condition) implements Plan {
        @Override
        public List<Field> fields() {
            return input.fields();
        }
    }

    record Project(Plan input, List<Expr> exprs, List<Field> fields) implements Plan {}

    /** Output: group columns then aggregate columns. */
    record Aggregate(Plan input, List<Expr> groups, List<Expr.Agg> aggs, List<Field> fields) implements Plan {}

    record Sort(Plan input, List<SortKey> keys) implements Plan {
        @Override
        public List<Field> fields() {
            return input.fields();
        }
    }

    /** limit < 0 means no limit. */
    record Limit(Plan input, long limit, long offset) implements Plan {
        @Override
        public List<Field> fields() {
            return input.fields();
        }
    }

    record TopN(Plan input, List<SortKey> keys, long limit, long offset) implements Plan {
        @Override
        public List<Field> fields() {
            return input.fields();
        }
    }

    /**
     * Equi-join on key pairs; {@code residual} is evaluated over left fields followed by right fields.
     * SEMI/ANTI output the left fields only.
     */
    record Join(Plan left, Plan right, JoinType type, List<Expr> leftKeys, List<Expr> rightKeys, Expr residual,
                List<Field> fields) implements Plan {}

    /**
     * Window functions over the input rows: output is every input field followed by one field per
     * function. Function arguments, partition and order keys are input columns ({@link WindowFn}).
     */
    record Window(Plan input, List<WindowFn> fns, List<Field> fields) implements Plan {}

    /** One window function over columns of a Window node's input. */
    record WindowFn(WinFn fn, int arg, long offset, Expr.Lit defaultValue, int[] partition, List<SortKey> order, Frame frame,
                    io.quiver.storage.ColumnType type) {}

    record UnionAll(List<Plan> inputs, List<Field> fields) implements Plan {}

    /** Constant rows (literals only). */
    record Values(List<List<Expr>> rows, List<Field> fields) implements Plan {}
}
