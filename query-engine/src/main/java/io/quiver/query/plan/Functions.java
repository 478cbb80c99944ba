package io.quiver.query.plan;

import io.quiver.query.ErrorCode;
import io.quiver.storage.ColumnType;
import org.apache.calcite.sql.SqlNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Names, argument coercions and result types of scalar functions. */
final class Functions {
    private Functions() {
    }

    static Expr bind(String name, List<Expr> args, long nowMicros, SqlNode at, Binder.Errors errors) {
        Checker c = new Checker(name, args, at, errors);
        switch (name) {
            case "now", "current_timestamp", "transaction_timestamp", "get_current_timestamp":
                c.count(0);
                return new Expr.Lit(nowMicros, ColumnType.TIMESTAMP);
            case "date_trunc": {
                c.count(2);
                String unit = c.constString(0).toLowerCase(Locale.ROOT);
                if (!DateTimes.isTruncUnit(unit)) {
                    throw errors.error(ErrorCode.INVALID_VALUE, "unit not recognized by date_trunc [unit=" + unit + ']', at);
                }
                Expr ts = c.temporal(1);
                return new Expr.Call(Fn.DATE_TRUNC, List.of(new Expr.Lit(unit, ColumnType.VARCHAR), ts), ColumnType.TIMESTAMP);
            }
            case "date_part", "datepart": {
                c.count(2);
                String field = c.constString(0).toLowerCase(Locale.ROOT);
                if (!DateTimes.isExtractField(field)) {
                    throw errors.error(ErrorCode.INVALID_VALUE, "unit not recognized by date_part [field=" + field + ']', at);
                }
                if (Intervals.isInterval(args.get(1))) {
                    return Intervals.extract(field, args.get(1), at, errors);
                }
                ColumnType t = DateTimes.isIntegralField(field) ? ColumnType.BIGINT : ColumnType.DOUBLE;
                return new Expr.Call(Fn.EXTRACT, List.of(new Expr.Lit(field, ColumnType.VARCHAR), c.temporal(1)), t);
            }
            case "time_bucket": {
                c.range(2, 3);
                if (!(args.get(0) instanceof Expr.Interval iv) || iv.micros() <= 0 && iv.months() <= 0) {
                    throw errors.error(ErrorCode.INVALID_VALUE, "time_bucket width must be a positive interval constant", at);
                }
                if (iv.months() != 0 && iv.micros() != 0) {
                    throw errors.error(ErrorCode.UNSUPPORTED, "time_bucket width mixing months and days", at);
                }
                List<Expr> a = new ArrayList<>(List.of(iv, c.timestamp(1)));
                if (args.size() == 3) {
                    a.add(c.timestamp(2));
                }
                return new Expr.Call(Fn.TIME_BUCKET, a, ColumnType.TIMESTAMP);
            }
            case "length", "char_length", "character_length", "strlen", "len":
                c.count(1);
                return new Expr.Call(Fn.LENGTH, List.of(c.string(0)), ColumnType.BIGINT);
            case "octet_length":
                c.count(1);
                return new Expr.Call(Fn.OCTET_LENGTH, List.of(c.string(0)), ColumnType.BIGINT);
            case "lower", "lcase":
                c.count(1);
                return new Expr.Call(Fn.LOWER, List.of(c.string(0)), ColumnType.VARCHAR);
            case "upper", "ucase":
                c.count(1);
                return new Expr.Call(Fn.UPPER, List.of(c.string(0)), ColumnType.VARCHAR);
            case "reverse":
                c.count(1);
                return new Expr.Call(Fn.REVERSE, List.of(c.string(0)), ColumnType.VARCHAR);
            case "substring", "substr": {
                c.range(2, 3);
                List<Expr> a = new ArrayList<>(List.of(c.string(0), c.integer(1)));
                if (args.size() == 3) {
                    a.add(c.integer(2));
                }
                return new Expr.Call(Fn.SUBSTRING, a, ColumnType.VARCHAR);
            }
            case "lpad", "rpad": {
                c.range(2, 3);
                Expr fill = args.size() == 3 ? c.string(2) : new Expr.Lit(" ", ColumnType.VARCHAR);
                return new Expr.Call(name.equals("lpad") ? Fn.LPAD : Fn.RPAD, List.of(c.string(0), c.integer(1), fill), ColumnType.VARCHAR);
            }
            case "repeat":
                c.count(2);
                return new Expr.Call(Fn.REPEAT, List.of(c.string(0), c.integer(1)), ColumnType.VARCHAR);
            case "left", "right":
                c.count(2);
                return new Expr.Call(name.equals("left") ? Fn.LEFT : Fn.RIGHT, List.of(c.string(0), c.integer(1)), ColumnType.VARCHAR);
            case "concat": {
                List<Expr> a = new ArrayList<>();
                for (Expr e : args) {
                    // concat() skips NULLs, unlike ||.
                    a.add(new Expr.Call(Fn.COALESCE, List.of(Binder.cast(e, ColumnType.VARCHAR), new Expr.Lit("", ColumnType.VARCHAR)), ColumnType.VARCHAR));
                }
                return Binder.concat(a);
            }
            case "trim", "btrim", "ltrim", "rtrim": {
                c.range(1, 2);
                Fn fn = name.equals("ltrim") ? Fn.LTRIM : name.equals("rtrim") ? Fn.RTRIM : Fn.TRIM;
                Expr chars = args.size() == 2 ? c.string(1) : new Expr.Lit(" ", ColumnType.VARCHAR);
                return new Expr.Call(fn, List.of(c.string(0), chars), ColumnType.VARCHAR);
            }
            case "replace":
                c.count(3);
                return new Expr.Call(Fn.REPLACE, List.of(c.string(0), c.string(1), c.string(2)), ColumnType.VARCHAR);
            case "starts_with":
                c.count(2);
                return new Expr.Call(Fn.STARTS_WITH, List.of(c.string(0), c.string(1)), ColumnType.BOOLEAN);
            case "contains":
                c.count(2);
                return new Expr.Call(Fn.CONTAINS, List.of(c.string(0), c.string(1)), ColumnType.BOOLEAN);
            case "strpos", "instr":
                c.count(2);
                return new Expr.Call(Fn.POSITION, List.of(c.string(0), c.string(1)), ColumnType.BIGINT);
            case "split_part":
                c.count(3);
                return new Expr.Call(Fn.SPLIT_PART, List.of(c.string(0), c.string(1), c.integer(2)), ColumnType.VARCHAR);
            case "regexp_matches", "regexp_like", "regexp_full_match": {
                c.range(2, 3);
                Fn fn = Fn.REGEX_MATCH;
                if (args.size() == 3) {
                    String flags = c.constString(2);
                    if (flags.equals("i")) {
                        fn = Fn.REGEX_IMATCH;
                    } else if (!flags.isEmpty() && !flags.equals("c")) {
                        throw errors.error(ErrorCode.UNSUPPORTED, "regex flags [flags=" + flags + ']', at);
                    }
                }
                Expr pattern = c.string(1);
                if (name.equals("regexp_full_match")) {
                    pattern = Binder.concat(List.of(new Expr.Lit("^(?:", ColumnType.VARCHAR), pattern, new Expr.Lit(")$", ColumnType.VARCHAR)));
                }
                return new Expr.Call(fn, List.of(c.string(0), pattern), ColumnType.BOOLEAN);
            }
            case "regexp_replace": {
                c.range(3, 4);
                String flags = args.size() == 4 ? c.constString(3) : "";
                if (!flags.replace("g", "").replace("i", "").isEmpty()) {
                    throw errors.error(ErrorCode.UNSUPPORTED, "regex flags [flags=" + flags + ']', at);
                }
                return new Expr.Call(Fn.REGEXP_REPLACE, List.of(c.string(0), c.string(1), c.string(2),
                        new Expr.Lit(flags, ColumnType.VARCHAR)), ColumnType.VARCHAR);
            }
            case "abs":
                c.count(1);
                return new Expr.Call(Fn.ABS, List.of(c.numeric(0)), args.get(0).type());
            case "sign":
                c.count(1);
                return new Expr.Call(Fn.SIGN, List.of(c.numeric(0)), args.get(0).type());
            case "round": {
                c.range(1, 2);
                Expr x = c.numeric(0);
                if (args.size() == 2) {
                    return new Expr.Call(Fn.ROUND, List.of(Binder.coerce(x, ColumnType.DOUBLE), c.integer(1)), ColumnType.DOUBLE);
                }
                return new Expr.Call(Fn.ROUND, List.of(x), x.type());
            }
            case "floor", "ceil", "ceiling": {
                c.count(1);
                Expr x = c.numeric(0);
                if (Types.isInteger(x.type())) {
                    return x;
                }
                return new Expr.Call(name.equals("floor") ? Fn.FLOOR : Fn.CEIL, List.of(x), ColumnType.DOUBLE);
            }
            case "ln", "log10", "log", "exp", "sqrt": {
                c.count(1);
                Fn fn = switch (name) {
                    case "ln" -> Fn.LN;
                    case "exp" -> Fn.EXP;
                    case "sqrt" -> Fn.SQRT;
                    default -> Fn.LOG10;
                };
                return new Expr.Call(fn, List.of(c.dbl(0)), ColumnType.DOUBLE);
            }
            case "power", "pow":
                c.count(2);
                return new Expr.Call(Fn.POWER, List.of(c.dbl(0), c.dbl(1)), ColumnType.DOUBLE);
            case "mod": {
                c.count(2);
                ColumnType t = Types.numericCommon(c.numeric(0).type(), c.numeric(1).type());
                return new Expr.Call(Fn.MOD, List.of(Binder.coerce(args.get(0), t), Binder.coerce(args.get(1), t)), t);
            }
            case "greatest", "least": {
                if (args.isEmpty()) {
                    throw errors.error(ErrorCode.SYNTAX_ERROR, name + " needs arguments", at);
                }
                ColumnType t = null;
                Expr typed = null;
                for (Expr e : args) {
                    if (Types.isNullLiteral(e)) {
                        continue;
                    }
                    t = typed == null ? e.type() : Types.common(typed, e);
                    if (t == null) {
                        throw Types.mismatch(name, typed.type(), e.type());
                    }
                    typed = new Expr.Col(0, t);
                }
                t = t == null ? ColumnType.VARCHAR : t;
                List<Expr> a = new ArrayList<>();
                for (Expr e : args) {
                    a.add(Binder.coerce(e, t));
                }
                return new Expr.Call(name.equals("greatest") ? Fn.GREATEST : Fn.LEAST, a, t);
            }
            case "hash":
                if (args.isEmpty()) {
                    throw errors.error(ErrorCode.SYNTAX_ERROR, "hash needs arguments", at);
                }
                return new Expr.Call(Fn.HASH, args, ColumnType.BIGINT);
            case "coalesce": {
                if (args.isEmpty()) {
                    throw errors.error(ErrorCode.SYNTAX_ERROR, "coalesce needs arguments", at);
                }
                ColumnType t = null;
                Expr typed = null;
                for (Expr e : args) {
                    if (Types.isNullLiteral(e)) {
                        continue;
                    }
                    t = typed == null ? e.type() : Types.common(typed, e);
                    if (t == null) {
                        throw Types.mismatch(name, typed.type(), e.type());
                    }
                    typed = new Expr.Col(0, t);
                }
                t = t == null ? ColumnType.VARCHAR : t;
                List<Expr> a = new ArrayList<>();
                for (Expr e : args) {
                    a.add(Binder.coerce(e, t));
                }
                return new Expr.Call(Fn.COALESCE, a, t);
            }
            case "nullif": {
                c.count(2);
                ColumnType t = Types.common(args.get(0), args.get(1));
                if (t == null) {
                    throw Types.mismatch(name, args.get(0).type(), args.get(1).type());
                }
                return new Expr.Call(Fn.NULLIF, List.of(Binder.coerce(args.get(0), t), Binder.coerce(args.get(1), t)), t);
            }
            case "ifnull", "nvl": {
                c.count(2);
                Expr a = args.get(0);
                Expr b = args.get(1);
                ColumnType t = Types.common(a, b);
                if (t == null) {
                    throw Types.mismatch(name, a.type(), b.type());
                }
                return new Expr.Call(Fn.COALESCE, List.of(Binder.coerce(a, t), Binder.coerce(b, t)), t);
            }
            default: {
                throw errors.error(ErrorCode.UNKNOWN_FUNCTION, "function does not exist [function=" + name + ']'
                        + Names.suggestion(name, KNOWN), at);
            }
        }
    }

    private static final List<String> KNOWN = List.of("now", "date_trunc", "date_part", "time_bucket", "length", "strlen",
            "lower", "upper", "substring", "concat", "trim", "ltrim", "rtrim", "replace", "starts_with", "split_part",
            "regexp_matches", "regexp_replace", "abs", "round", "floor", "ceil", "ln", "log10", "exp", "power", "sqrt",
            "greatest", "least", "hash", "coalesce", "nullif", "count", "sum", "avg", "min", "max", "stddev", "variance",
            "approx_count_distinct", "quantile_cont", "approx_quantile", "any_value", "left", "right", "reverse", "strpos",
            "lpad", "rpad", "repeat");

    /** Argument checks and coercions for one call. */
    private record Checker(String name, List<Expr> args, SqlNode at, Binder.Errors errors) {
        void count(int n) {
            range(n, n);
        }

        void range(int min, int max) {
            if (args.size() < min || args.size() > max) {
                throw errors.error(ErrorCode.SYNTAX_ERROR, "wrong number of arguments [function=" + name + ", got=" + args.size() + ']', at);
            }
        }

        String constString(int i) {
            Expr e = Folder.fold(args.get(i));
            if (e instanceof Expr.Lit l && l.value() instanceof String s) {
                return s;
            }
            throw errors.error(ErrorCode.UNSUPPORTED, "argument " + (i + 1) + " of " + name + " must be a text constant", at);
        }

        Expr string(int i) {
            Expr e = args.get(i);
            if (e.type() != ColumnType.VARCHAR) {
                throw errors.error(ErrorCode.TYPE_MISMATCH, "function does not exist for this argument type [function=" + name
                        + ", argument=" + (i + 1) + ", type=" + e.type() + ']', at);
            }
            return e;
        }

        Expr numeric(int i) {
            Expr e = args.get(i);
            if (Types.isNullLiteral(e)) {
                return new Expr.Lit(null, ColumnType.DOUBLE);
            }
            if (Types.isStringLiteral(e)) {
                return Binder.coerce(e, ColumnType.DOUBLE);
            }
            if (!Types.isNumeric(e.type())) {
                throw errors.error(ErrorCode.TYPE_MISMATCH, "function does not exist for this argument type [function=" + name
                        + ", argument=" + (i + 1) + ", type=" + e.type() + ']', at);
            }
            return e;
        }

        Expr dbl(int i) {
            return Binder.coerce(numeric(i), ColumnType.DOUBLE);
        }

        Expr integer(int i) {
            Expr e = numeric(i);
            if (!Types.isInteger(e.type())) {
                throw errors.error(ErrorCode.TYPE_MISMATCH, "argument must be an integer [function=" + name + ", argument=" + (i + 1) + ']', at);
            }
            return Binder.coerce(e, ColumnType.BIGINT);
        }

        Expr temporal(int i) {
            Expr e = args.get(i);
            if (Types.isTemporal(e.type())) {
                return Binder.coerce(e, ColumnType.TIMESTAMP);
            }
            if (Types.isStringLiteral(e) || Types.isNullLiteral(e)) {
                return Binder.coerce(e, ColumnType.TIMESTAMP);
            }
            throw errors.error(ErrorCode.TYPE_MISMATCH, "argument must be a date or timestamp [function=" + name + ", type=" + e.type() + ']', at);
        }

        Expr timestamp(int i) {
            return temporal(i);
        }
    }
}
