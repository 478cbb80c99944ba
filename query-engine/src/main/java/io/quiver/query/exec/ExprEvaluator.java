package io.quiver.query.exec;

import io.quiver.query.plan.Expr;
import io.quiver.storage.vector.ColumnVector;

/** Evaluates constant expressions once (constant folding) with the same kernels queries use. */
public final class ExprEvaluator {
    private ExprEvaluator() {
    }

    public static Expr.Lit evaluateConstant(Expr e) {
        VecExpr v = ExprCompiler.compile(e);
        Batch b = new Batch(new ColumnVector[0], 1);
        ColumnVector out = v.eval(b, Batch.identity(1), 1);
        return new Expr.Lit(valueAt(out, 0), e.type());
    }

    /** The value at a row as a literal value (Long, Double, String or null). */
    public static Object valueAt(ColumnVector v, int row) {
        if (v.nulls[row]) {
            return null;
        }
        return switch (v.type().physical()) {
            case LONG -> v.longs[row];
            case DOUBLE -> v.doubles[row];
            case BYTES -> Values.string(v, row);
        };
    }
}
