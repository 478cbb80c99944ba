package io.quiver.flight.sql;

import io.quiver.storage.ColumnType;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.flight.CallStatus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Renders one bound parameter value (a row of an Arrow vector) as a SQL literal of the engine's
 * dialect. Strings are quoted with doubled quotes, negative numbers are parenthesised (so
 * {@code a - ?} never becomes a {@code --} comment), dates and timestamps are typed literals.
 */
public final class SqlLiterals {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private SqlLiterals() {
    }

    /** A NULL of the given type, so the engine still knows the parameter's type. */
    public static String typedNull(ColumnType t) {
        return "CAST(NULL AS " + t.name() + ")";
    }

    /** A harmless non-null value of the type, used to bind the statement once to learn its result schema. */
    public static String placeholder(ColumnType t) {
        return switch (t) {
            case BOOLEAN -> "TRUE";
            case SMALLINT, INT, BIGINT -> "1";
            case DOUBLE -> "1.0";
            case DATE -> "DATE '1970-01-01'";
            case TIMESTAMP -> "TIMESTAMP '1970-01-01 00:00:00'";
            case VARCHAR -> "'a'";
            case INTERVAL -> "INTERVAL '1 second'";
        };
    }

    public static String render(FieldVector v, int row, ColumnType declared) {
        if (v.isNull(row) || v instanceof NullVector) {
            return typedNull(declared);
        }
        return switch (v) {
            case BitVector b -> b.get(row) != 0 ? "TRUE" : "FALSE";
            case BaseIntVector ints -> integer(ints.getValueAsLong(row));
            case FloatingPointVector fp -> real(fp.getValueAsDouble(row));
            case DecimalVector d -> {
                String s = d.getObject(row).toPlainString();
                yield s.startsWith("-") ? '(' + s + ')' : s;
            }
            case DateDayVector d -> "DATE '" + LocalDate.ofEpochDay(d.get(row)) + '\'';
            case DateMilliVector d -> "DATE '" + LocalDate.ofEpochDay(Math.floorDiv(d.get(row), 86_400_000L)) + '\'';
            case TimeStampVector ts -> timestamp(micros(ts, row));
            case VarCharVector s -> string(new String(s.get(row), StandardCharsets.UTF_8));
            case LargeVarCharVector s -> string(new String(s.get(row), StandardCharsets.UTF_8));
            default -> throw CallStatus.INVALID_ARGUMENT.withDescription("unsupported parameter type [parameter="
                    + v.getField().getName() + ", type=" + v.getField().getType() + ']').toRuntimeException();
        };
    }

    static String integer(long x) {
        if (x == Long.MIN_VALUE) {
            return "(-9223372036854775807 - 1)";
        }
        return x < 0 ? "(" + x + ')' : Long.toString(x);
    }

    static String real(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw CallStatus.INVALID_ARGUMENT.withDescription("parameter is not a finite number [value=" + d + ']').toRuntimeException();
        }
        String s = Double.toString(d);
        return d < 0 || s.startsWith("-") ? "(" + s + ')' : s;
    }

    static String timestamp(long micros) {
        Instant i = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
        return "TIMESTAMP '" + TS.format(i) + '\'';
    }

    public static String string(String s) {
        return '\'' + s.replace("'", "''") + '\'';
    }

    private static long micros(TimeStampVector ts, int row) {
        long x = ts.get(row);
        TimeUnit unit = ((ArrowType.Timestamp) ts.getField().getType()).getUnit();
        try {
            return switch (unit) {
                case SECOND -> Math.multiplyExact(x, 1_000_000L);
                case MILLISECOND -> Math.multiplyExact(x, 1_000L);
                case MICROSECOND -> x;
                case NANOSECOND -> Math.floorDiv(x, 1_000L);
            };
        } catch (ArithmeticException e) {
            throw CallStatus.INVALID_ARGUMENT.withDescription("timestamp parameter out of range [value=" + x + ", unit=" + unit + ']')
                    .toRuntimeException();
        }
    }
}
