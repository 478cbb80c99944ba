package io.quiver.query.plan;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntUnaryOperator;

/** Column-reference arithmetic over expressions: which inputs they read, and renumbering. */
public final class Refs {
    private Refs() {
    }

    public static void collect(Expr e, BitSet out) {
        switch (e) {
            case null -> { }
            case Expr.Col c -> out.set(c.index());
            case Expr.Call c -> c.args().forEach(a -> collect(a, out));
            case Expr.Agg a -> {
                a.args().forEach(x -> collect(x, out));
                collect(a.filter(), out);
            }
            case Expr.Win w -> {
                w.args().forEach(x -> collect(x, out));
                w.partition().forEach(x -> collect(x, out));
                w.order().forEach(o -> collect(o.expr(), out));
            }
            default -> { }
        }
    }

    public static BitSet of(Expr e) {
        BitSet b = new BitSet();
        collect(e, b);
        return b;
    }

    public static boolean none(Expr e) {
        return of(e).isEmpty();
    }

    public static boolean allBelow(Expr e, int n) {
        BitSet b = of(e);
        return b.isEmpty() || b.length() <= n;
    }

    public static boolean allAtOrAbove(Expr e, int n) {
        BitSet b = of(e);
        return b.isEmpty() || b.nextSetBit(0) >= n;
    }

    public static Expr shift(Expr e, int delta) {
        return map(e, i -> i + delta);
    }

    public static Expr map(Expr e, IntUnaryOperator f) {
        return switch (e) {
            case null -> null;
            case Expr.Col c -> new Expr.Col(f.applyAsInt(c.index()), c.type());
            case Expr.Call c -> {
                List<Expr> args = new ArrayList<>(c.args().size());
                for (Expr a : c.args()) {
                    args.add(map(a, f));
                }
                yield new Expr.Call(c.fn(), args, c.type());
            }
            case Expr.Agg a -> {
                List<Expr> args = new ArrayList<>(a.args().size());
                for (Expr x : a.args()) {
                    args.add(map(x, f));
                }
                yield new Expr.Agg(a.fn(), args, a.distinct(), map(a.filter(), f), a.param(), a.type());
            }
            default -> e;
        };
    }

    /** Replaces column i by {@code exprs.get(i)} (inlining a projection). */
    public static Expr substitute(Expr e, List<Expr> exprs) {
        return switch (e) {
            case null -> null;
            case Expr.Col c -> exprs.get(c.index());
            case Expr.Call c -> {
                List<Expr> args = new ArrayList<>(c.args().size());
                for (Expr a : c.args()) {
                    args.add(substitute(a, exprs));
                }
                yield new Expr.Call(c.fn(), args, c.type());
            }
            default -> e;
        };
    }
}
