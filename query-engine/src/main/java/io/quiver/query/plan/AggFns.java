package io.quiver.query.plan;

import io.quiver.query.ErrorCode;
import io.quiver.storage.ColumnType;
import org.apache.calcite.sql.SqlNode;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Names, argument rules and result types of aggregate functions. */
public final class AggFns {
    private static final Set<String> NAMES = Set.of("count", "sum", "avg", "min", "max", "any_value", "arbitrary",
            "first", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "approx_count_distinct",
            "quantile", "quantile_cont", "quantile_disc", "median", "approx_quantile", "percentile_cont", "percentile_disc",
            "bool_and", "bool_or", "every");

    private AggFns() {
    }

    public static boolean isAggregate(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    static Expr.Agg bind(String name, List<Expr> args, boolean distinct, SqlNode at, Binder.Errors errors) {
        String n = name.toLowerCase(Locale.ROOT);
        AggFn fn;
        double param = 0;
        switch (n) {
            case "count" -> fn = AggFn.COUNT;
            case "sum" -> fn = AggFn.SUM;
            case "avg" -> fn = AggFn.AVG;
            case "min" -> fn = AggFn.MIN;
            case "max" -> fn = AggFn.MAX;
            case "any_value", "arbitrary", "first" -> fn = AggFn.ANY_VALUE;
            case "stddev", "stddev_samp" -> fn = AggFn.STDDEV_SAMP;
            case "stddev_pop" -> fn = AggFn.STDDEV_POP;
            case "variance", "var_samp" -> fn = AggFn.VAR_SAMP;
            case "var_pop" -> fn = AggFn.VAR_POP;
            case "approx_count_distinct" -> fn = AggFn.APPROX_COUNT_DISTINCT;
            case "bool_and", "every" -> fn = AggFn.BOOL_AND;
            case "bool_or" -> fn = AggFn.BOOL_OR;
            case "median" -> {
                fn = AggFn.QUANTILE_CONT;
                param = 0.5;
            }
            case "quantile_cont", "quantile_disc", "quantile", "approx_quantile" -> {
                fn = n.equals("quantile_cont") ? AggFn.QUANTILE_CONT
                        : n.equals("approx_quantile") ? AggFn.APPROX_QUANTILE : AggFn.QUANTILE_DISC;
                if (args.size() != 2) {
                    throw errors.error(ErrorCode.SYNTAX_ERROR, n + " takes (value, fraction)", at);
                }
                Expr f = Folder.fold(args.get(1));
                if (!(f instanceof Expr.Lit l && l.value() instanceof Number num && num.doubleValue() >= 0 && num.doubleValue() <= 1)) {
                    throw errors.error(ErrorCode.INVALID_VALUE, "quantile fraction must be a constant between 0 and 1", at);
                }
                param = num.doubleValue();
                args = List.of(args.get(0));
            }
            default -> throw errors.error(ErrorCode.UNSUPPORTED, n + " must be used with WITHIN GROUP (ORDER BY ...)", at);
        }
        return make(fn, args, distinct, param, at, errors);
    }

    static Expr.Agg make(AggFn fn, List<Expr> args, boolean distinct, double param, SqlNode at, Binder.Errors errors) {
        int expected = fn == AggFn.COUNT_STAR ? 0 : 1;
        if (args.size() != expected) {
            throw errors.error(ErrorCode.SYNTAX_ERROR, "wrong number of arguments [function=" + fn.name().toLowerCase(Locale.ROOT)
                    + ", expected=" + expected + ", got=" + args.size() + ']', at);
        }
        ColumnType in = expected == 0 ? null : args.get(0).type();
        if (in != null && Types.isNullLiteral(args.get(0))) {
            in = ColumnType.BIGINT;
            args = List.of(new Expr.Lit(null, in));
        }
        if (in != null && args.get(0) instanceof Expr.Interval) {
            throw errors.error(ErrorCode.UNSUPPORTED, "aggregates over intervals", at);
        }
        ColumnType out = switch (fn) {
            case COUNT_STAR, COUNT, APPROX_COUNT_DISTINCT -> ColumnType.BIGINT;
            case SUM -> {
                requireNumeric(in, fn, at, errors);
                yield in == ColumnType.DOUBLE ? ColumnType.DOUBLE : ColumnType.BIGINT;
            }
            case AVG, STDDEV_SAMP, STDDEV_POP, VAR_SAMP, VAR_POP, QUANTILE_CONT -> {
                requireNumeric(in, fn, at, errors);
                yield ColumnType.DOUBLE;
            }
            case APPROX_QUANTILE, QUANTILE_DISC -> {
                requireNumeric(in, fn, at, errors);
                yield in;
            }
            case BOOL_AND, BOOL_OR -> {
                if (in != ColumnType.BOOLEAN) {
                    throw errors.error(ErrorCode.TYPE_MISMATCH, "argument must be boolean [function=" + fn + ']', at);
                }
                yield ColumnType.BOOLEAN;
            }
            case MIN, MAX, ANY_VALUE -> in;
        };
        return new Expr.Agg(fn, List.copyOf(args), distinct, null, param, out);
    }

    private static void requireNumeric(ColumnType t, AggFn fn, SqlNode at, Binder.Errors errors) {
        if (!Types.isNumeric(t)) {
            throw errors.error(ErrorCode.TYPE_MISMATCH, "function does not exist for this type [function="
                    + fn.name().toLowerCase(Locale.ROOT) + ", type=" + t + ']', at);
        }
    }
}
