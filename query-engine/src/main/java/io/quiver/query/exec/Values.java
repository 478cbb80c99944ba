package io.quiver.query.exec;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;
import io.quiver.query.plan.DateTimes;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** Per-value helpers shared by kernels: comparisons, text conversion, hashing. */
public final class Values {
    static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private Values() {
    }

    /** PostgreSQL float order: NaN equals NaN and sorts above every number; -0.0 equals 0.0. */
    public static int compareDouble(double a, double b) {
        if (a == b) {
            return 0;
        }
        boolean na = Double.isNaN(a);
        boolean nb = Double.isNaN(b);
        if (na || nb) {
            return na && nb ? 0 : na ? 1 : -1;
        }
        return a < b ? -1 : 1;
    }

    public static int compareBytes(ColumnVector a, int i, ColumnVector b, int j) {
        return Arrays.compareUnsigned(a.bytes, a.offsets[i], a.offsets[i + 1], b.bytes, b.offsets[j], b.offsets[j + 1]);
    }

    public static boolean equalBytes(ColumnVector a, int i, ColumnVector b, int j) {
        return Arrays.equals(a.bytes, a.offsets[i], a.offsets[i + 1], b.bytes, b.offsets[j], b.offsets[j + 1]);
    }

    /** Compares two non-null values of the same type. */
    public static int compare(ColumnVector a, int i, ColumnVector b, int j) {
        return switch (a.type().physical()) {
            case LONG -> Long.compare(a.longs[i], b.longs[j]);
            case DOUBLE -> compareDouble(a.doubles[i], b.doubles[j]);
            case BYTES -> compareBytes(a, i, b, j);
        };
    }

    /** A double's bits with -0.0 folded to 0.0 and all NaNs to one NaN, so equal values hash equally. */
    public static long normalizedBits(double d) {
        if (d == 0.0) {
            return 0L;
        }
        return Double.doubleToLongBits(d);
    }

    public static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static final java.lang.invoke.VarHandle INT_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long K1 = 0xa0761d6478bd642fL;
    private static final long K2 = 0xe7037ed1a0b428dbL;
    private static final long K3 = 0x8ebc6af09c88c6e3L;
    private static final long K4 = 0x589965cc75374cc3L;

    /**
     * Hash of a byte string. Words are taken in pairs, each pair keyed and multiplied into 128 bits
     * whose halves are folded together: the multiplies of a string are independent of each other,
     * so its only serial chain is one xor and rotate per 32 bytes (a multiply per word into the
     * running hash made that chain four times as long and a row's hash its latency). The last
     * pieces are read overlapping what came before instead of byte by byte, so a string of 33-64
     * bytes (a url) takes one trip of the loop whatever its length and the loop's exit predicts well;
     * one full {@link #mix} at the end spreads it all. This runs once per row for every string key
     * of a GROUP BY or join, so its cost is on the hot path.
     */
    public static long hashBytes(byte[] b, int from, int to) {
        int length = to - from;
        long h = 0x9E3779B97F4A7C15L ^ ((long) length * 0xc4ceb9fe1a85ec53L);
        if (length > 16) {
            int i = from;
            for (; i + 32 < to; i += 32) {
                h = Long.rotateLeft(h ^ fold((long) LONG_LE.get(b, i) ^ K1, (long) LONG_LE.get(b, i + 8) ^ K2)
                        ^ fold((long) LONG_LE.get(b, i + 16) ^ K3, (long) LONG_LE.get(b, i + 24) ^ K4), 29);
            }
            // 1..32 bytes left; the string has 17 or more, so the last 16 can always be read
            if (to - i > 16) {
                h ^= fold((long) LONG_LE.get(b, i) ^ K1, (long) LONG_LE.get(b, i + 8) ^ K2);
            }
            h ^= fold((long) LONG_LE.get(b, to - 16) ^ K3, (long) LONG_LE.get(b, to - 8) ^ K4);
        } else if (length >= 8) {
            h ^= fold((long) LONG_LE.get(b, from) ^ K1, (long) LONG_LE.get(b, to - 8) ^ K2);
        } else if (length >= 4) {
            long t = ((int) INT_LE.get(b, from) & 0xFFFFFFFFL) << 32 | ((int) INT_LE.get(b, to - 4) & 0xFFFFFFFFL);
            h ^= fold(t ^ K1, K2);
        } else if (length > 0) {
            long t = (b[from] & 0xFFL) << 16 | (b[from + (length >> 1)] & 0xFFL) << 8 | (b[to - 1] & 0xFFL);
            h ^= fold(t ^ K1, K2);
        }
        return mix(h);
    }

    /** Both halves of the 128-bit product, folded: every input bit reaches many output bits. */
    private static long fold(long x, long y) {
        return Math.multiplyHigh(x, y) ^ (x * y);
    }

    /** Hash of one value (nulls hash to a constant). */
    public static long hash(ColumnVector v, int i) {
        if (v.nulls[i]) {
            return 0x5bd1e995L;
        }
        return switch (v.type().physical()) {
            case LONG -> mix(v.longs[i]);
            case DOUBLE -> mix(normalizedBits(v.doubles[i]));
            case BYTES -> hashBytes(v.bytes, v.offsets[i], v.offsets[i + 1]);
        };
    }

    public static boolean equal(ColumnVector a, int i, ColumnVector b, int j) {
        return switch (a.type().physical()) {
            case LONG -> a.longs[i] == b.longs[j];
            case DOUBLE -> compareDouble(a.doubles[i], b.doubles[j]) == 0;
            case BYTES -> equalBytes(a, i, b, j);
        };
    }

    /** PostgreSQL's text form of a value. */
    public static String toText(ColumnType t, long v) {
        return switch (t) {
            case BOOLEAN -> v != 0 ? "true" : "false";
            case DATE -> DateTimes.formatDate(v);
            case TIMESTAMP -> DateTimes.formatTimestamp(v);
            case INTERVAL -> io.quiver.query.plan.Intervals.format(v);
            default -> Long.toString(v);
        };
    }

    public static String toText(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mant = s.substring(0, e);
        if (mant.endsWith(".0")) {
            mant = mant.substring(0, mant.length() - 2);
        }
        String exp = s.substring(e + 1);
        if (!exp.startsWith("-")) {
            exp = "+" + exp;
        }
        if (exp.length() == 2) {
            exp = exp.charAt(0) + "0" + exp.charAt(1);
        }
        return mant + "e" + exp;
    }

    public static long parseLong(String s, ColumnType t) {
        String x = s.trim();
        try {
            long v = Long.parseLong(x);
            if (v < t.minValue() || v > t.maxValue()) {
                throw QueryException.overflow(t.name());
            }
            return v;
        } catch (NumberFormatException e) {
            throw new QueryException(ErrorCode.INVALID_VALUE, "invalid input syntax for type " + t.name().toLowerCase(Locale.ROOT)
                    + " [value=" + s + ']');
        }
    }

    public static double parseDouble(String s) {
        String x = s.trim();
        switch (x.toLowerCase(Locale.ROOT)) {
            case "nan":
                return Double.NaN;
            case "infinity", "inf", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-infinity", "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        try {
            if (x.isEmpty() || Character.isLetter(x.charAt(x.length() - 1))) {
                throw new NumberFormatException();
            }
            return Double.parseDouble(x);
        } catch (NumberFormatException e) {
            throw new QueryException(ErrorCode.INVALID_VALUE, "invalid input syntax for type double [value=" + s + ']');
        }
    }

    public static long parseBoolean(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "t", "true", "yes", "y", "on", "1" -> 1;
            case "f", "false", "no", "n", "off", "0" -> 0;
            default -> throw new QueryException(ErrorCode.INVALID_VALUE, "invalid input syntax for type boolean [value=" + s + ']');
        };
    }

    public static String string(ColumnVector v, int i) {
        return new String(v.bytes, v.offsets[i], v.offsets[i + 1] - v.offsets[i], StandardCharsets.UTF_8);
    }

    /** Double to integer as PostgreSQL casts: round half to even, error outside the type. */
    public static long doubleToLong(double d, ColumnType t) {
        double r = Math.rint(d);
        if (Double.isNaN(r) || r < t.minValue() || r > t.maxValue() || r >= 9.223372036854775807E18) {
            throw QueryException.overflow(t.name());
        }
        return (long) r;
    }
}
