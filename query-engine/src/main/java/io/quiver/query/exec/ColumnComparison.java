package io.quiver.query.exec;

import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Fn;

/**
 * A two-argument call between a column and a literal, written column first: {@code 5 < x} reads as
 * {@code x > 5}. The shape zone-map pruning and the storage-side filters both look for.
 */
record ColumnComparison(Expr.Col column, Fn fn, Expr.Lit literal) {

    /** The call as column-then-literal, or null when it is not a two-argument call of a column and a literal. */
    static ColumnComparison of(Expr.Call call) {
        if (call.args().size() != 2) {
            return null;
        }
        Fn fn = call.fn();
        Expr a = call.arg(0);
        Expr b = call.arg(1);
        if (b instanceof Expr.Col && a instanceof Expr.Lit) {
            Expr t = a;
            a = b;
            b = t;
            fn = switch (fn) {
                case LT -> Fn.GT;
                case LE -> Fn.GE;
                case GT -> Fn.LT;
                case GE -> Fn.LE;
                default -> fn;
            };
        }
        return a instanceof Expr.Col col && b instanceof Expr.Lit lit ? new ColumnComparison(col, fn, lit) : null;
    }
}
