package io.quiver.query.plan;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;
import io.quiver.storage.ColumnType;
import org.apache.calcite.sql.SqlNode;

import java.util.List;

/**
 * INTERVAL values: what {@code ts - ts} returns, held as microseconds. PostgreSQL's result of a
 * timestamp difference is days and time of day, never months, so one signed count of microseconds
 * loses nothing of it. An interval constant with months ({@code INTERVAL '1 month'}) keeps its
 * calendar meaning when added to a timestamp ({@link Fn#TS_ADD_INTERVAL}); used as a value (compared
 * with, or added to, a difference) a month counts 30 days, as PostgreSQL compares intervals.
 */
public final class Intervals {
    private static final long MICROS_PER_MONTH = 30 * DateTimes.MICROS_PER_DAY;

    private Intervals() {
    }

    /** Whether the operand is an interval: an interval-typed expression or an interval constant. */
    static boolean isInterval(Expr e) {
        return e instanceof Expr.Interval || e.type() == ColumnType.INTERVAL;
    }

    /** An interval operand as an INTERVAL-typed expression. */
    static Expr value(Expr e) {
        if (e instanceof Expr.Interval iv) {
            try {
                return new Expr.Lit(Math.addExact(Math.multiplyExact(iv.months(), MICROS_PER_MONTH), iv.micros()), ColumnType.INTERVAL);
            } catch (ArithmeticException overflow) {
                throw QueryException.overflow(ColumnType.INTERVAL.name());
            }
        }
        return e;
    }

    /**
     * Arithmetic where an interval value takes part, or null when none does: {@code ts - ts},
     * {@code ts ± interval}, {@code interval ± interval}, {@code interval * number},
     * {@code number * interval}, {@code interval / number}. DATE - DATE stays a number of days.
     */
    static Expr arithmetic(String op, Expr a, Expr b, SqlNode at, Binder.Errors errors) {
        boolean ia = isInterval(a);
        boolean ib = isInterval(b);
        // an untyped NULL next to an interval takes the type the operator needs of it
        ColumnType nullType = op.equals("+") || op.equals("-") ? ColumnType.INTERVAL : ColumnType.BIGINT;
        if (ia && Types.isNullLiteral(b)) {
            b = new Expr.Lit(null, nullType);
            ib = nullType == ColumnType.INTERVAL;
        } else if (ib && Types.isNullLiteral(a)) {
            a = new Expr.Lit(null, nullType);
            ia = nullType == ColumnType.INTERVAL;
        }
        switch (op) {
            case "+", "-" -> {
                if (!ia && !ib) {
                    if (op.equals("-") && isTimestampDifference(a, b)) {
                        return new Expr.Call(Fn.SUB, List.of(timestamp(a), timestamp(b)), ColumnType.INTERVAL);
                    }
                    return null;
                }
                Fn fn = op.equals("+") ? Fn.ADD : Fn.SUB;
                if (ia && ib) {
                    return new Expr.Call(fn, List.of(value(a), value(b)), ColumnType.INTERVAL);
                }
                if (ib && isTemporalOperand(a)) {
                    return new Expr.Call(fn, List.of(timestamp(a), value(b)), ColumnType.TIMESTAMP);
                }
                if (ia && op.equals("+") && isTemporalOperand(b)) {
                    return new Expr.Call(Fn.ADD, List.of(timestamp(b), value(a)), ColumnType.TIMESTAMP);
                }
            }
            case "*" -> {
                if (ia && !ib && Types.isNumeric(b.type())) {
                    return scaled(value(a), b, Fn.MUL);
                }
                if (ib && !ia && Types.isNumeric(a.type())) {
                    return scaled(value(b), a, Fn.MUL);
                }
            }
            case "/" -> {
                if (ia && !ib && Types.isNumeric(b.type())) {
                    return scaled(value(a), b, Fn.DIV);
                }
            }
            default -> {
            }
        }
        if (!ia && !ib) {
            return null;
        }
        throw errors.error(ErrorCode.TYPE_MISMATCH, "operator does not exist [operator=" + op + ", left=" + typeName(a)
                + ", right=" + typeName(b) + ']', at);
    }

    /** {@code interval * n} or {@code interval / n}, computed in double and rounded to the microsecond as PostgreSQL does. */
    private static Expr scaled(Expr interval, Expr factor, Fn fn) {
        Expr product = new Expr.Call(fn, List.of(Binder.cast(interval, ColumnType.DOUBLE), Binder.coerce(factor, ColumnType.DOUBLE)),
                ColumnType.DOUBLE);
        return new Expr.Call(Fn.CAST, List.of(product), ColumnType.INTERVAL);
    }

    private static boolean isTimestampDifference(Expr a, Expr b) {
        ColumnType ta = a.type();
        ColumnType tb = b.type();
        if (ta == ColumnType.TIMESTAMP && (Types.isTemporal(tb) || Types.isStringLiteral(b))) {
            return true;
        }
        return tb == ColumnType.TIMESTAMP && (ta == ColumnType.DATE || Types.isStringLiteral(a));
    }

    private static boolean isTemporalOperand(Expr e) {
        return Types.isTemporal(e.type()) || Types.isStringLiteral(e);
    }

    private static Expr timestamp(Expr e) {
        return Binder.coerce(e, ColumnType.TIMESTAMP);
    }

    private static String typeName(Expr e) {
        return e instanceof Expr.Interval ? "INTERVAL" : e.type().name();
    }

    /**
     * {@code extract(field FROM interval)}: epoch is the length in seconds; day, hour, minute,
     * second, millisecond and microsecond are the fields of its days-and-time form, each signed
     * like the interval (PostgreSQL: {@code -1 days -02:00:00} has day -1 and hour -2).
     */
    static Expr extract(String field, Expr interval, SqlNode at, Binder.Errors errors) {
        Expr micros = Binder.cast(value(interval), ColumnType.BIGINT);
        return switch (field) {
            case "epoch" -> divide(Binder.cast(micros, ColumnType.DOUBLE), 1e6);
            case "day", "days" -> div(micros, DateTimes.MICROS_PER_DAY);
            case "hour", "hours" -> div(mod(micros, DateTimes.MICROS_PER_DAY), DateTimes.MICROS_PER_HOUR);
            case "minute", "minutes" -> div(mod(micros, DateTimes.MICROS_PER_HOUR), DateTimes.MICROS_PER_MINUTE);
            case "second", "seconds" -> divide(Binder.cast(mod(micros, DateTimes.MICROS_PER_MINUTE), ColumnType.DOUBLE), 1e6);
            case "millisecond", "milliseconds" -> divide(Binder.cast(mod(micros, DateTimes.MICROS_PER_MINUTE), ColumnType.DOUBLE), 1e3);
            case "microsecond", "microseconds" -> mod(micros, DateTimes.MICROS_PER_MINUTE);
            default -> throw errors.error(ErrorCode.INVALID_VALUE, "unit not supported for INTERVAL [field=" + field
                    + ", supported=epoch, day, hour, minute, second, millisecond, microsecond]", at);
        };
    }

    private static Expr div(Expr e, long by) {
        return new Expr.Call(Fn.DIV, List.of(e, new Expr.Lit(by, ColumnType.BIGINT)), ColumnType.BIGINT);
    }

    private static Expr mod(Expr e, long by) {
        return new Expr.Call(Fn.MOD, List.of(e, new Expr.Lit(by, ColumnType.BIGINT)), ColumnType.BIGINT);
    }

    private static Expr divide(Expr e, double by) {
        return new Expr.Call(Fn.DIV, List.of(e, new Expr.Lit(by, ColumnType.DOUBLE)), ColumnType.DOUBLE);
    }

    /**
     * PostgreSQL's text form of a timestamp difference: whole days first, then the time of day,
     * both carrying the sign ({@code 1 day 02:03:04.5}, {@code -1 days -02:00:00}, {@code 00:00:00}).
     */
    public static String format(long micros) {
        StringBuilder b = new StringBuilder(32);
        long days = micros / DateTimes.MICROS_PER_DAY;
        long rest = micros % DateTimes.MICROS_PER_DAY;
        if (days != 0) {
            b.append(days).append(days == 1 ? " day" : " days");
        }
        if (rest != 0 || days == 0) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            if (rest < 0) {
                b.append('-');
                rest = -rest;
            }
            long hours = rest / DateTimes.MICROS_PER_HOUR;
            long minutes = rest / DateTimes.MICROS_PER_MINUTE % 60;
            long seconds = rest / DateTimes.MICROS_PER_SECOND % 60;
            long frac = rest % DateTimes.MICROS_PER_SECOND;
            DateTimes.pad2(b, hours).append(':');
            DateTimes.pad2(b, minutes).append(':');
            DateTimes.pad2(b, seconds);
            DateTimes.appendFraction(b, frac);
        }
        return b.toString();
    }

    /** Interval text ({@code '1 day 02:00:00'}, {@code '90 minutes'}) as microseconds, months as 30 days; null when it does not parse. */
    public static Long parse(String text) {
        long[] iv = DateTimes.parseInterval(text);
        if (iv == null) {
            return null;
        }
        try {
            return Math.addExact(Math.multiplyExact(iv[0], MICROS_PER_MONTH), iv[1]);
        } catch (ArithmeticException overflow) {
            return null;
        }
    }
}
