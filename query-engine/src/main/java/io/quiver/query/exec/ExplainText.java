package io.quiver.query.exec;

import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Field;

import java.util.List;
import java.util.Locale;

/** Renders bound expressions for EXPLAIN, naming columns by their input field names. */
public final class ExplainText {
    private ExplainText() {
    }

    public static String expr(Expr e, List<Field> fields) {
        return switch (e) {
            case null -> "";
            case Expr.Col c -> c.index() < fields.size() ? fields.get(c.index()).name() : "#" + c.index();
            case Expr.Lit l -> l.value() == null ? "NULL" : l.value() instanceof String s ? "'" + s + "'" : String.valueOf(l.value());
            case Expr.Interval i -> "interval(" + i.months() + "mo," + i.micros() + "us)";
            case Expr.Agg a -> a.fn().name().toLowerCase(Locale.ROOT) + "(" + (a.distinct() ? "DISTINCT " : "") + args(a.args(), fields) + ")"
                    + (a.filter() == null ? "" : " FILTER(" + expr(a.filter(), fields) + ")");
            case Expr.Win w -> w.fn().name().toLowerCase(Locale.ROOT) + "(" + args(w.args(), fields) + ") OVER (...)";
            case Expr.Call c -> c.fn().name().toLowerCase(Locale.ROOT) + "(" + args(c.args(), fields) + ")";
        };
    }

    private static String args(List<Expr> args, List<Field> fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(expr(args.get(i), fields));
        }
        return b.toString();
    }
}
