package io.quiver.query.plan;

import io.quiver.query.exec.ExprEvaluator;

import java.util.ArrayList;
import java.util.List;

/** Constant folding: a call whose arguments are all constants is evaluated once, at bind time. */
public final class Folder {
    private Folder() {
    }

    public static Expr fold(Expr e) {
        if (!(e instanceof Expr.Call c)) {
            return e;
        }
        List<Expr> args = new ArrayList<>(c.args().size());
        boolean allConst = true;
        for (Expr a : c.args()) {
            Expr f = fold(a);
            args.add(f);
            allConst &= f instanceof Expr.Lit || f instanceof Expr.Interval;
        }
        Expr.Call folded = new Expr.Call(c.fn(), args, c.type());
        if (!allConst) {
            return folded;
        }
        return ExprEvaluator.evaluateConstant(folded);
    }
}
