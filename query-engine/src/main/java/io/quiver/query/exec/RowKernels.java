package io.quiver.query.exec;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;
import io.quiver.query.plan.DateTimes;
import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Fn;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Functions evaluated row by row within one loop per batch: the function is chosen once per
 * batch (a switch on a final field the JIT hoists), never through a per-row virtual call.
 * String functions decode to {@link String} only where Unicode rules need it (case mapping,
 * code-point positions); byte-level ones (LIKE with '%', starts_with, length) stay on UTF-8.
 */
final class RowKernels extends VecExpr {
    private static final long BUCKET_ORIGIN_MICROS = 10959 * DateTimes.MICROS_PER_DAY; // 2000-01-03, a Monday (DuckDB)
    private static final long BUCKET_ORIGIN_MONTHS = 2000 * 12L; // 2000-01

    private final Fn fn;
    private final VecExpr[] args;
    private final ColumnVector[] in;
    private final Object[] constants;
    private final long months;
    private final long micros;
    private final StringOut writer = new StringOut();
    private Pattern cachedPattern;
    private String cachedSource;
    private final boolean strict;
    /** For EXTRACT(hour | minute FROM timestamp): micros per unit, else 0 (see {@link #extractClock}). */
    private final long clockUnit;

    private RowKernels(Fn fn, ColumnType type, List<Expr> argExprs) {
        super(type);
        this.fn = fn;
        List<VecExpr> compiled = new ArrayList<>();
        constants = new Object[argExprs.size()];
        long m = 0;
        long us = 0;
        for (int i = 0; i < argExprs.size(); i++) {
            Expr a = argExprs.get(i);
            if (a instanceof Expr.Interval iv) {
                m = iv.months();
                us = iv.micros();
                compiled.add(new ExprCompiler.Const(ColumnType.BIGINT, 0L));
            } else {
                if (a instanceof Expr.Lit l) {
                    constants[i] = l.value();
                }
                compiled.add(ExprCompiler.compile(a));
            }
        }
        this.months = m;
        this.micros = us;
        this.args = compiled.toArray(new VecExpr[0]);
        this.in = new ColumnVector[args.length];
        this.strict = strict(fn);
        long unit = 0;
        if (fn == Fn.EXTRACT && type.physical() == ColumnType.Physical.LONG && argExprs.size() == 2
                && argExprs.get(1).type() == ColumnType.TIMESTAMP && constants[0] instanceof String field) {
            unit = switch (field) {
                case "hour" -> DateTimes.MICROS_PER_HOUR;
                case "minute" -> DateTimes.MICROS_PER_MINUTE;
                default -> 0;
            };
        }
        this.clockUnit = unit;
        this.containsSearch = containsSearchFor(fn, constants);
    }

    /** Whether a NULL argument always gives a NULL result. */
    private static boolean strict(Fn fn) {
        return switch (fn) {
            case IS_NULL, IS_NOT_NULL, IS_TRUE, IS_FALSE, IS_NOT_TRUE, IS_NOT_FALSE, NULLIF, GREATEST, LEAST, HASH -> false;
            default -> true;
        };
    }

    /** The plan-time twin of {@link #dictionaryEligible()}: this call's kernel computes per dictionary entry. */
    static boolean dictionaryEligible(Expr.Call c) {
        if (c.type().physical() != ColumnType.Physical.LONG || !strict(c.fn()) || !(c.args().get(0) instanceof Expr.Col)) {
            return false;
        }
        for (int a = 1; a < c.args().size(); a++) {
            if (!(c.arg(a) instanceof Expr.Lit l) || l.value() == null) {
                return false;
            }
        }
        return true;
    }

    static VecExpr compile(Expr.Call c) {
        return new RowKernels(c.fn(), c.type(), c.args());
    }

    private final SubstringSearch containsSearch;

    /** Per dictionary entry results and nulls (dictionary fast path), reused batch after batch. */
    private long[] dictValues;
    private boolean[] dictNulls;
    private Batch dictBatch;
    private ColumnVector[] dictCols;

    /**
     * Whether this kernel's value depends only on its first argument, a column, with every other
     * argument constant: then on a dictionary-coded batch it is computed once per dictionary entry.
     */
    private boolean dictionaryEligible() {
        if (type.physical() != ColumnType.Physical.LONG || !strict || !(args[0] instanceof ExprCompiler.ColumnRef)) {
            return false;
        }
        for (int a = 1; a < args.length; a++) {
            if (!(args[a] instanceof ExprCompiler.Const) || constants[a] == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public ColumnVector eval(Batch b, int[] idx, int n) {
        if (clockUnit != 0) {
            return extractClock(b, idx, n);
        }
        if (dictionaryEligible()) {
            ColumnVector col = b.cols[((ExprCompiler.ColumnRef) args[0]).index()];
            if (col != null && ExprCompiler.onCodes(col, n)) {
                return evalOverDictionary(b, col, idx, n);
            }
        }
        if (containsSearch != null && n == b.size && n > 0 && idx[0] == 0 && idx[n - 1] == n - 1) {
            ColumnVector s = args[0].eval(b, idx, n);
            if (!ExprCompiler.onCodes(s, n)) {
                return containsOverBuffer(s, n);
            }
        }
        return evalRows(b, idx, n);
    }

    /**
     * {@code s LIKE '%needle%'} for every row of a batch at once: one search along the batch's whole
     * string buffer (see {@link SubstringSearch#markRows}) instead of a search per row.
     */
    private ColumnVector containsOverBuffer(ColumnVector s, int rows) {
        ColumnVector o = out(rows);
        containsSearch.markRows(s.bytes, s.offsets, rows, o.longs);
        if (s.hasNulls) {
            System.arraycopy(s.nulls, 0, o.nulls, 0, rows);
        } else {
            java.util.Arrays.fill(o.nulls, 0, rows, false);
        }
        o.hasNulls = s.hasNulls;
        return o;
    }

    /**
     * The search for {@code LIKE '%needle%'} with a constant needle free of wildcards and escapes,
     * or null for any other call.
     */
    private static SubstringSearch containsSearchFor(Fn fn, Object[] constants) {
        if (fn != Fn.LIKE || constants.length != 2 || !(constants[1] instanceof String p)) {
            return null;
        }
        if (p.length() < 3 || p.charAt(0) != '%' || p.charAt(p.length() - 1) != '%') {
            return null;
        }
        String needle = p.substring(1, p.length() - 1);
        if (needle.indexOf('%') >= 0 || needle.indexOf('_') >= 0 || needle.indexOf('\\') >= 0) {
            return null;
        }
        return new SubstringSearch(needle.getBytes(StandardCharsets.UTF_8));
    }

    /** EXTRACT(hour | minute FROM ts) as integer arithmetic in one loop (no per-row field dispatch). */
    private ColumnVector extractClock(Batch b, int[] idx, int n) {
        ColumnVector t = args[1].eval(b, idx, n);
        ColumnVector o = out(b.size);
        ExprCompiler.propagateNulls(o, t, null, idx, n);
        long[] x = t.longs;
        long[] z = o.longs;
        // one loop per unit, each dividing by constants the JIT turns into multiplications: a division
        // by a variable costs tens of cycles a row. A day is whole hours, so the hour of the day is the
        // micros into the day over an hour, and the minute the micros into the hour over a minute.
        if (clockUnit == DateTimes.MICROS_PER_HOUR) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                z[i] = Math.floorMod(x[i], DateTimes.MICROS_PER_DAY) / DateTimes.MICROS_PER_HOUR;
            }
        } else {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                z[i] = Math.floorMod(x[i], DateTimes.MICROS_PER_HOUR) / DateTimes.MICROS_PER_MINUTE;
            }
        }
        return o;
    }

    private ColumnVector evalOverDictionary(Batch b, ColumnVector col, int[] idx, int n) {
        ColumnVector dict = col.dictionary;
        int entries = dict.size();
        int ref = ((ExprCompiler.ColumnRef) args[0]).index();
        if (dictCols == null || dictCols.length != b.cols.length) {
            dictCols = new ColumnVector[b.cols.length];
            dictBatch = new Batch(dictCols, 0);
        }
        dictCols[ref] = dict;
        dictBatch.set(dictCols, entries);
        ColumnVector perEntry = evalRows(dictBatch, Batch.identity(entries), entries);
        if (dictValues == null || dictValues.length < entries) {
            dictValues = new long[Math.max(entries, 64)];
            dictNulls = new boolean[dictValues.length];
        }
        System.arraycopy(perEntry.longs, 0, dictValues, 0, entries);
        System.arraycopy(perEntry.nulls, 0, dictNulls, 0, entries);
        boolean anyNull = false;
        ColumnVector o = out(b.size);
        int[] codes = col.dictCodes;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            int c = codes[i];
            if (c < 0 || dictNulls[c]) {
                o.nulls[i] = true;
                anyNull = true;
            } else {
                o.nulls[i] = false;
                o.longs[i] = dictValues[c];
            }
        }
        o.hasNulls = anyNull;
        return o;
    }

    private ColumnVector evalRows(Batch b, int[] idx, int n) {
        for (int a = 0; a < args.length; a++) {
            in[a] = args[a].eval(b, idx, n);
        }
        ColumnVector o = out(b.size);
        boolean bytesOut = type.physical() == ColumnType.Physical.BYTES;
        if (bytesOut) {
            writer.begin(o);
        }
        boolean anyNull = false;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            if (strict && argNull(i)) {
                anyNull = true;
                if (bytesOut) {
                    writer.putNull(i);
                } else {
                    o.nulls[i] = true;
                }
                continue;
            }
            switch (type.physical()) {
                case LONG -> {
                    long v = longValue(i);
                    if (v == NULL_MARK && resultNull) {
                        o.nulls[i] = true;
                        anyNull = true;
                        resultNull = false;
                    } else {
                        o.nulls[i] = false;
                        o.longs[i] = v;
                    }
                }
                case DOUBLE -> {
                    o.doubles[i] = doubleValue(i);
                    o.nulls[i] = resultNull;
                    anyNull |= resultNull;
                    resultNull = false;
                }
                case BYTES -> {
                    String s = stringValue(i);
                    if (s == null) {
                        writer.putNull(i);
                        anyNull = true;
                    } else {
                        writer.put(i, s);
                    }
                }
            }
        }
        if (bytesOut) {
            writer.end();
        }
        o.hasNulls = anyNull;
        return o;
    }

    private static final long NULL_MARK = Long.MIN_VALUE + 7;
    private boolean resultNull;

    private boolean argNull(int i) {
        for (ColumnVector v : in) {
            if (v.nulls[i]) {
                return true;
            }
        }
        return false;
    }

    private String str(int a, int i) {
        return Values.string(in[a], i);
    }

    private long longValue(int i) {
        switch (fn) {
            case NOT:
                return 1 - in[0].longs[i];
            case IS_NULL:
                return in[0].nulls[i] ? 1 : 0;
            case IS_NOT_NULL:
                return in[0].nulls[i] ? 0 : 1;
            case IS_TRUE:
                return !in[0].nulls[i] && in[0].longs[i] != 0 ? 1 : 0;
            case IS_FALSE:
                return !in[0].nulls[i] && in[0].longs[i] == 0 ? 1 : 0;
            case IS_NOT_TRUE:
                return !in[0].nulls[i] && in[0].longs[i] != 0 ? 0 : 1;
            case IS_NOT_FALSE:
                return !in[0].nulls[i] && in[0].longs[i] == 0 ? 0 : 1;
            case NEG: {
                long v = in[0].longs[i];
                if (v == type.minValue()) {
                    throw QueryException.overflow(type.name());
                }
                return -v;
            }
            case ABS: {
                long v = in[0].longs[i];
                if (v == type.minValue()) {
                    throw QueryException.overflow(type.name());
                }
                return Math.abs(v);
            }
            case SIGN:
                return Long.signum(in[0].longs[i]);
            case ROUND:
                return in[0].longs[i];
            case LIKE, ILIKE:
                return like(i) ? 1 : 0;
            case REGEX_MATCH, REGEX_IMATCH:
                return pattern(1, i, fn == Fn.REGEX_IMATCH ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0)
                        .matcher(str(0, i)).find() ? 1 : 0;
            case STARTS_WITH: {
                ColumnVector s = in[0];
                ColumnVector p = in[1];
                int pl = p.offsets[i + 1] - p.offsets[i];
                int sl = s.offsets[i + 1] - s.offsets[i];
                return pl <= sl && java.util.Arrays.equals(s.bytes, s.offsets[i], s.offsets[i] + pl, p.bytes, p.offsets[i], p.offsets[i + 1]) ? 1 : 0;
            }
            case CONTAINS:
                return str(0, i).contains(str(1, i)) ? 1 : 0;
            case LENGTH: {
                ColumnVector s = in[0];
                long count = 0;
                for (int p = s.offsets[i]; p < s.offsets[i + 1]; p++) {
                    if ((s.bytes[p] & 0xC0) != 0x80) {
                        count++;
                    }
                }
                return count;
            }
            case OCTET_LENGTH:
                return in[0].offsets[i + 1] - in[0].offsets[i];
            case POSITION: {
                String s = str(0, i);
                int at = s.indexOf(str(1, i));
                return at < 0 ? 0 : s.codePointCount(0, at) + 1;
            }
            case DATE_TRUNC: {
                long v = DateTimes.truncate((String) constants[0], in[1].longs[i]);
                return v;
            }
            case EXTRACT:
                return (long) DateTimes.extract((String) constants[0], in[1].longs[i]);
            case TIME_BUCKET:
                return timeBucket(i);
            case TS_ADD_INTERVAL:
                return addInterval(in[0].longs[i], months, micros);
            case TS_SUB_INTERVAL:
                return addInterval(in[0].longs[i], -months, -micros);
            case DATE_ADD_DAYS:
                return checkDate(Math.addExact(in[0].longs[i], in[1].longs[i]));
            case DATE_SUB_DAYS:
                return checkDate(Math.subtractExact(in[0].longs[i], in[1].longs[i]));
            case DATE_DIFF_DAYS:
                return in[0].longs[i] - in[1].longs[i];
            case NULLIF: {
                if (in[0].nulls[i]) {
                    resultNull = true;
                    return NULL_MARK;
                }
                if (!in[1].nulls[i] && Values.equal(in[0], i, in[1], i)) {
                    resultNull = true;
                    return NULL_MARK;
                }
                return in[0].longs[i];
            }
            case GREATEST, LEAST: {
                int best = pickExtreme(i);
                if (best < 0) {
                    resultNull = true;
                    return NULL_MARK;
                }
                return in[best].longs[i];
            }
            case HASH: {
                long h = 0x84222325L;
                for (ColumnVector v : in) {
                    h = Values.mix(h * 31 + Values.hash(v, i));
                }
                return h;
            }
            default:
                throw QueryException.internal("no long kernel for " + fn, null);
        }
    }

    private double doubleValue(int i) {
        switch (fn) {
            case NEG:
                return -in[0].doubles[i];
            case ABS:
                return Math.abs(in[0].doubles[i]);
            case SIGN:
                return Math.signum(in[0].doubles[i]);
            case ROUND: {
                double x = in[0].doubles[i];
                if (args.length == 1) {
                    return Math.rint(x);
                }
                long digits = in[1].longs[i];
                java.math.BigDecimal bd = new java.math.BigDecimal(Double.toString(x));
                if (!Double.isFinite(x)) {
                    return x;
                }
                return bd.setScale((int) Math.max(-300, Math.min(300, digits)), java.math.RoundingMode.HALF_UP).doubleValue();
            }
            case FLOOR:
                return Math.floor(in[0].doubles[i]);
            case CEIL:
                return Math.ceil(in[0].doubles[i]);
            case LN, LOG10: {
                double x = in[0].doubles[i];
                if (x == 0) {
                    throw new QueryException(ErrorCode.INVALID_VALUE, "cannot take logarithm of zero");
                }
                if (x < 0) {
                    throw new QueryException(ErrorCode.INVALID_VALUE, "cannot take logarithm of a negative number");
                }
                return fn == Fn.LN ? Math.log(x) : Math.log10(x);
            }
            case EXP: {
                double x = in[0].doubles[i];
                double r = Math.exp(x);
                if (Double.isInfinite(r) && Double.isFinite(x)) {
                    throw QueryException.overflow("DOUBLE");
                }
                return r;
            }
            case SQRT: {
                double x = in[0].doubles[i];
                if (x < 0) {
                    throw new QueryException(ErrorCode.INVALID_VALUE, "cannot take square root of a negative number");
                }
                return Math.sqrt(x);
            }
            case POWER: {
                double x = in[0].doubles[i];
                double y = in[1].doubles[i];
                if (x == 0 && y < 0) {
                    throw new QueryException(ErrorCode.INVALID_VALUE, "zero raised to a negative power is undefined");
                }
                if (x < 0 && y != Math.rint(y)) {
                    throw new QueryException(ErrorCode.INVALID_VALUE, "a negative number raised to a non-integer power yields a complex result");
                }
                double r = Math.pow(x, y);
                if (Double.isInfinite(r) && Double.isFinite(x) && Double.isFinite(y)) {
                    throw QueryException.overflow("DOUBLE");
                }
                return r;
            }
            case EXTRACT:
                return DateTimes.extract((String) constants[0], in[1].longs[i]);
            case NULLIF: {
                if (in[0].nulls[i] || (!in[1].nulls[i] && Values.compareDouble(in[0].doubles[i], in[1].doubles[i]) == 0)) {
                    resultNull = true;
                    return 0;
                }
                return in[0].doubles[i];
            }
            case GREATEST, LEAST: {
                int best = pickExtreme(i);
                if (best < 0) {
                    resultNull = true;
                    return 0;
                }
                return in[best].doubles[i];
            }
            default:
                throw QueryException.internal("no double kernel for " + fn, null);
        }
    }

    /** Longest string lpad, rpad and repeat build, in characters: a typo must not exhaust the query's memory. */
    static final long MAX_BUILT_LENGTH = 10_000_000;

    private static void checkLength(long characters) {
        if (characters > MAX_BUILT_LENGTH) {
            throw new QueryException(ErrorCode.INVALID_VALUE, "requested length too large [length=" + characters + ", max="
                    + MAX_BUILT_LENGTH + ']');
        }
    }

    /**
     * PostgreSQL's lpad/rpad: fill (repeated, the last copy cut) up to {@code length} characters;
     * a longer string is cut to its first {@code length}; an empty fill pads nothing.
     */
    static String pad(String s, long length, String fill, boolean left) {
        if (length <= 0) {
            return "";
        }
        checkLength(length);
        int cps = s.codePointCount(0, s.length());
        if (cps >= length) {
            return s.substring(0, s.offsetByCodePoints(0, (int) length));
        }
        int fillCps = fill.codePointCount(0, fill.length());
        if (fillCps == 0) {
            return s;
        }
        int missing = (int) (length - cps);
        StringBuilder padding = new StringBuilder();
        for (int k = 0; k < missing; k++) {
            padding.appendCodePoint(fill.codePointAt(fill.offsetByCodePoints(0, k % fillCps)));
        }
        return left ? padding.append(s).toString() : s + padding;
    }

    private String stringValue(int i) {
        switch (fn) {
            case LOWER:
                return str(0, i).toLowerCase(Locale.ROOT);
            case UPPER:
                return str(0, i).toUpperCase(Locale.ROOT);
            case REVERSE: {
                return new StringBuilder(str(0, i)).reverse().toString();
            }
            case CONCAT: {
                StringBuilder sb = new StringBuilder();
                for (int a = 0; a < in.length; a++) {
                    sb.append(str(a, i));
                }
                return sb.toString();
            }
            case SUBSTRING: {
                String s = str(0, i);
                int cps = s.codePointCount(0, s.length());
                long start = in[1].longs[i];
                long end;
                if (in.length > 2) {
                    long len = in[2].longs[i];
                    if (len < 0) {
                        throw new QueryException(ErrorCode.INVALID_VALUE, "negative substring length not allowed");
                    }
                    end = start + len;
                } else {
                    end = Long.MAX_VALUE;
                }
                long from = Math.max(start, 1);
                long to = Math.min(end, cps + 1L);
                if (to <= from) {
                    return "";
                }
                int b0 = s.offsetByCodePoints(0, (int) from - 1);
                int b1 = s.offsetByCodePoints(0, (int) to - 1);
                return s.substring(b0, b1);
            }
            case LPAD, RPAD:
                return pad(str(0, i), in[1].longs[i], str(2, i), fn == Fn.LPAD);
            case REPEAT: {
                String s = str(0, i);
                long times = Math.max(0, in[1].longs[i]);
                checkLength(s.codePointCount(0, s.length()) * times);
                return s.repeat((int) times);
            }
            case LEFT, RIGHT: {
                String s = str(0, i);
                int cps = s.codePointCount(0, s.length());
                long k = in[1].longs[i];
                int keep = (int) (k >= 0 ? Math.min(k, cps) : Math.max(0, cps + k));
                return fn == Fn.LEFT ? s.substring(0, s.offsetByCodePoints(0, keep))
                        : s.substring(s.offsetByCodePoints(0, cps - keep));
            }
            case TRIM, LTRIM, RTRIM: {
                String s = str(0, i);
                String chars = str(1, i);
                int from = 0;
                int to = s.length();
                if (fn != Fn.RTRIM) {
                    while (from < to && chars.indexOf(s.codePointAt(from)) >= 0) {
                        from += Character.charCount(s.codePointAt(from));
                    }
                }
                if (fn != Fn.LTRIM) {
                    while (to > from && chars.indexOf(s.codePointBefore(to)) >= 0) {
                        to -= Character.charCount(s.codePointBefore(to));
                    }
                }
                return s.substring(from, to);
            }
            case REPLACE: {
                String from = str(1, i);
                return from.isEmpty() ? str(0, i) : str(0, i).replace(from, str(2, i));
            }
            case SPLIT_PART: {
                String s = str(0, i);
                String d = str(1, i);
                long part = in[2].longs[i];
                if (part == 0) {
                    throw new QueryException(ErrorCode.INVALID_VALUE, "field position must not be zero");
                }
                List<String> parts = new ArrayList<>();
                if (d.isEmpty()) {
                    parts.add(s);
                } else {
                    int p = 0;
                    while (true) {
                        int q = s.indexOf(d, p);
                        if (q < 0) {
                            parts.add(s.substring(p));
                            break;
                        }
                        parts.add(s.substring(p, q));
                        p = q + d.length();
                    }
                }
                long at = part > 0 ? part - 1 : parts.size() + part;
                return at >= 0 && at < parts.size() ? parts.get((int) at) : "";
            }
            case REGEXP_REPLACE: {
                String flags = (String) constants[3];
                int f = flags != null && flags.contains("i") ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
                Matcher m = pattern(1, i, f).matcher(str(0, i));
                String repl = postgresReplacement(str(2, i));
                return flags != null && flags.contains("g") ? m.replaceAll(repl) : m.replaceFirst(repl);
            }
            case NULLIF: {
                if (in[0].nulls[i] || (!in[1].nulls[i] && Values.equalBytes(in[0], i, in[1], i))) {
                    return null;
                }
                return str(0, i);
            }
            case GREATEST, LEAST: {
                int best = pickExtreme(i);
                return best < 0 ? null : str(best, i);
            }
            default:
                throw QueryException.internal("no string kernel for " + fn, null);
        }
    }

    /** Index of the greatest (least) non-null argument at row i, or -1 when all are null. */
    private int pickExtreme(int i) {
        int best = -1;
        for (int a = 0; a < in.length; a++) {
            if (in[a].nulls[i]) {
                continue;
            }
            if (best < 0) {
                best = a;
                continue;
            }
            int c = Values.compare(in[a], i, in[best], i);
            if (fn == Fn.GREATEST ? c > 0 : c < 0) {
                best = a;
            }
        }
        return best;
    }

    private long timeBucket(int i) {
        long ts = in[1].longs[i];
        if (months > 0) {
            long origin = in.length > 2 ? 0 : 0;
            long day = Math.floorDiv(ts, DateTimes.MICROS_PER_DAY);
            java.time.LocalDate d = java.time.LocalDate.ofEpochDay(day);
            long m = d.getYear() * 12L + d.getMonthValue() - 1 - BUCKET_ORIGIN_MONTHS - origin;
            long bucket = Math.floorDiv(m, months) * months + BUCKET_ORIGIN_MONTHS;
            return java.time.LocalDate.of((int) Math.floorDiv(bucket, 12), (int) Math.floorMod(bucket, 12) + 1, 1).toEpochDay()
                    * DateTimes.MICROS_PER_DAY;
        }
        long origin = in.length > 2 ? in[2].longs[i] : BUCKET_ORIGIN_MICROS;
        return Math.addExact(Math.multiplyExact(Math.floorDiv(Math.subtractExact(ts, origin), micros), micros), origin);
    }

    private static long addInterval(long ts, long months, long micros) {
        try {
            return DateTimes.addInterval(ts, months, micros);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw new QueryException(ErrorCode.NUMERIC_OVERFLOW, "timestamp out of range");
        }
    }

    private static long checkDate(long days) {
        if (days < Integer.MIN_VALUE || days > Integer.MAX_VALUE) {
            throw new QueryException(ErrorCode.NUMERIC_OVERFLOW, "date out of range");
        }
        return days;
    }

    private Pattern pattern(int arg, int i, int flags) {
        String src = constants[arg] instanceof String s ? s : str(arg, i);
        if (cachedPattern == null || !src.equals(cachedSource)) {
            try {
                cachedPattern = Pattern.compile(src, flags);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new QueryException(ErrorCode.INVALID_VALUE, "invalid regular expression [pattern=" + src + ", reason=" + e.getDescription() + ']');
            }
            cachedSource = src;
        }
        return cachedPattern;
    }

    /** PostgreSQL replacement syntax (\1, \&) to Java's ($1, $0). */
    private static String postgresReplacement(String r) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < r.length(); k++) {
            char c = r.charAt(k);
            if (c == '\\' && k + 1 < r.length()) {
                char d = r.charAt(++k);
                if (Character.isDigit(d)) {
                    b.append('$').append(d);
                } else if (d == '&') {
                    b.append("$0");
                } else {
                    b.append(Matcher.quoteReplacement(String.valueOf(d)));
                }
            } else if (c == '$') {
                b.append("\\$");
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- LIKE

    private byte[][] likeSegments;
    private String likeSource;
    private boolean likeSimple;

    private boolean like(int i) {
        String p = constants[1] instanceof String s ? s : str(1, i);
        String esc = in.length > 2 ? (constants[2] instanceof String s ? s : str(2, i)) : "\\";
        if (fn == Fn.LIKE && esc.equals("\\") && p.indexOf('_') < 0 && p.indexOf('\\') < 0) {
            if (!p.equals(likeSource)) {
                likeSource = p;
                likeSimple = true;
                String[] parts = p.split("%", -1);
                likeSegments = new byte[parts.length][];
                for (int k = 0; k < parts.length; k++) {
                    likeSegments[k] = parts[k].getBytes(StandardCharsets.UTF_8);
                }
            }
            return likeBytes(in[0], i);
        }
        return likeRegex(p, esc, i);
    }

    /** LIKE with only '%' wildcards, on UTF-8 bytes: prefix, suffix, and middle segments in order. */
    private boolean likeBytes(ColumnVector s, int i) {
        byte[] b = s.bytes;
        int from = s.offsets[i];
        int to = s.offsets[i + 1];
        byte[][] seg = likeSegments;
        if (seg.length == 1) {
            return java.util.Arrays.equals(b, from, to, seg[0], 0, seg[0].length);
        }
        byte[] first = seg[0];
        byte[] last = seg[seg.length - 1];
        if (to - from < first.length + last.length) {
            return false;
        }
        if (!java.util.Arrays.equals(b, from, from + first.length, first, 0, first.length)
                || !java.util.Arrays.equals(b, to - last.length, to, last, 0, last.length)) {
            return false;
        }
        int pos = from + first.length;
        int end = to - last.length;
        for (int k = 1; k < seg.length - 1; k++) {
            byte[] m = seg[k];
            int at = indexOf(b, pos, end, m);
            if (at < 0) {
                return false;
            }
            pos = at + m.length;
        }
        return true;
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * First position of {@code m} in {@code b[from, to)}, or -1. Finds candidate positions of the
     * needle's first byte eight bytes at a time (a word XOR the broadcast byte has a zero byte there;
     * the zero-byte test may flag extra bytes above a true one, never miss one), then verifies each.
     */
    static int indexOf(byte[] b, int from, int to, byte[] m) {
        int len = m.length;
        if (len == 0) {
            return from <= to ? from : -1;
        }
        int last = to - len; // the last possible start
        byte first = m[0];
        long pattern = ONES * (first & 0xFF);
        int p = from;
        for (; p + 8 <= to && p <= last; p += 8) {
            long w = (long) Values.LONG_LE.get(b, p) ^ pattern;
            long zeros = (w - ONES) & ~w & HIGHS;
            while (zeros != 0) {
                int at = p + (Long.numberOfTrailingZeros(zeros) >>> 3);
                if (at > last) {
                    return -1;
                }
                if (b[at] == first && java.util.Arrays.equals(b, at + 1, at + len, m, 1, len)) {
                    return at;
                }
                zeros &= zeros - 1;
            }
        }
        for (; p <= last; p++) {
            if (b[p] == first && java.util.Arrays.equals(b, p + 1, p + len, m, 1, len)) {
                return p;
            }
        }
        return -1;
    }

    private Pattern likePattern;
    private String likePatternKey;

    private boolean likeRegex(String p, String esc, int i) {
        String key = p + '\u0000' + esc;
        if (!key.equals(likePatternKey)) {
            StringBuilder re = new StringBuilder();
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (!esc.isEmpty() && c == esc.charAt(0) && k + 1 < p.length()) {
                    re.append(Pattern.quote(String.valueOf(p.charAt(++k))));
                } else if (c == '%') {
                    re.append(".*");
                } else if (c == '_') {
                    re.append('.');
                } else {
                    re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            int flags = Pattern.DOTALL | (fn == Fn.ILIKE ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
            likePattern = Pattern.compile(re.toString(), flags);
            likePatternKey = key;
        }
        return likePattern.matcher(str(0, i)).matches();
    }
}
