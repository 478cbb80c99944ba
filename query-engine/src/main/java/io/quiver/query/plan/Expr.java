package io.quiver.query.plan;

import io.quiver.storage.ColumnType;

import java.util.List;

/**
 * A bound, typed expression. Column references are positions in the input of the plan node that
 * evaluates the expression. Records, so equal expressions compare equal (GROUP BY matching).
 */
public sealed interface Expr {
    ColumnType type();

    /** Input column {@code index}. */
    record Col(int index, ColumnType type) implements Expr {}

    /**
     * A constant: Long for LONG-physical types (BOOLEAN is 0/1, DATE days, TIMESTAMP micros), Double,
     * String for VARCHAR, or null.
     */
    record Lit(Object value, ColumnType type) implements Expr {
        public static Lit ofBool(boolean b) {
            return new Lit(b ? 1L : 0L, ColumnType.BOOLEAN);
        }
    }

    record Call(Fn fn, List<Expr> args, ColumnType type) implements Expr {
        public Expr arg(int i) {
            return args.get(i);
        }
    }

    /** An aggregate call; exists only between binding and the Aggregate node that computes it. */
    record Agg(AggFn fn, List<Expr> args, boolean distinct, Expr filter, double param, ColumnType type) implements Expr {}

    /**
     * A window function call; exists only between binding and the Window node that computes it.
     * {@code args}: the value (and for LAG/LEAD the offset and default, as constants).
     */
    record Win(WinFn fn, List<Expr> args, List<Expr> partition, List<WinOrder> order, Frame frame, ColumnType type) implements Expr {}

    /** One ORDER BY key of a window. */
    record WinOrder(Expr expr, boolean descending, boolean nullsFirst) {}

    /** An interval constant; only an argument of timestamp arithmetic and time_bucket. */
    record Interval(long months, long micros) implements Expr {
        @Override
        public ColumnType type() {
            return ColumnType.BIGINT;
        }
    }
}
