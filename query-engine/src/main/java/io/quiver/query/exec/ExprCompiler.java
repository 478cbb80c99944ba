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
import java.util.Arrays;
import java.util.List;

/**
 * Compiles a bound {@link Expr} into a tree of {@link VecExpr} kernels. Arithmetic, comparisons,
 * boolean logic, IN, CASE and casts between numbers are typed loops over primitive arrays; string
 * and calendar functions work row by row inside one loop per batch ({@link RowKernels}).
 */
public final class ExprCompiler {
    private ExprCompiler() {
    }

    public static VecExpr compile(Expr e) {
        return switch (e) {
            case Expr.Col c -> new ColumnRef(c.index(), c.type());
            case Expr.Lit l -> new Const(l.type(), l.value());
            case Expr.Call c -> call(c);
            case Expr.Agg a -> throw QueryException.internal("aggregate outside an Aggregate node: " + a, null);
            case Expr.Win w -> throw QueryException.internal("window function outside a Window node: " + w, null);
            case Expr.Interval i -> throw QueryException.unsupported("interval value outside timestamp arithmetic");
        };
    }

    /**
     * Whether every use of input column {@code column} in {@code e} is by a kernel that, given a
     * dictionary-coded vector, computes once per dictionary entry and reads only the codes: a string
     * comparison against a non-null constant, or a strict string function of the column and constants
     * (LIKE, starts_with, length, ...). Then a scan may hand that column over without its per-row
     * strings ({@link #onCodes}). Must agree with the kernels' dictionary fast paths.
     */
    static boolean usesOnlyDictionaryCodes(Expr e, int column) {
        return switch (e) {
            case Expr.Col c -> c.index() != column; // a bare use (a value, a CAST, a CASE branch) needs the strings
            case Expr.Call c -> {
                if (c.args().get(0) instanceof Expr.Col k && k.index() == column && k.type() == ColumnType.VARCHAR
                        && dictionaryKernel(c)) {
                    yield true;
                }
                for (Expr a : c.args()) {
                    if (!usesOnlyDictionaryCodes(a, column)) {
                        yield false;
                    }
                }
                yield true;
            }
            case Expr.Lit l -> true;
            case Expr.Interval i -> true;
            case Expr.Agg a -> false;
            case Expr.Win w -> false;
        };
    }

    /** Whether {@code c} compiles to a kernel whose dictionary fast path covers its first argument. */
    private static boolean dictionaryKernel(Expr.Call c) {
        return switch (c.fn()) {
            case EQ, NE, LT, LE, GT, GE -> c.args().size() == 2 && c.arg(1) instanceof Expr.Lit l && l.value() != null;
            case ADD, SUB, MUL, DIV, MOD, IS_DISTINCT, IS_NOT_DISTINCT, AND, OR, CASE, COALESCE, CAST, IN -> false;
            default -> RowKernels.dictionaryEligible(c);
        };
    }

    /**
     * Whether a kernel should work on {@code v}'s dictionary codes for a batch of {@code n} live rows:
     * always when the vector arrived as codes only (its strings are not written), otherwise when the
     * dictionary is no larger than the batch (computing per entry is then no more work than per row).
     */
    static boolean onCodes(ColumnVector v, int n) {
        return v.dictCodes != null && v.dictionary != null && (v.dictionary.size() <= n || v.byteSize() == 0);
    }

    public static List<VecExpr> compileAll(List<Expr> es) {
        List<VecExpr> out = new ArrayList<>(es.size());
        for (Expr e : es) {
            out.add(compile(e));
        }
        return out;
    }

    private static VecExpr call(Expr.Call c) {
        Fn fn = c.fn();
        switch (fn) {
            case ADD, SUB, MUL, DIV, MOD:
                return c.type() == ColumnType.DOUBLE
                        ? new DoubleArith(fn, compile(c.arg(0)), compile(c.arg(1)))
                        : new LongArith(fn, c.type(), compile(c.arg(0)), compile(c.arg(1)));
            case EQ, NE, LT, LE, GT, GE, IS_DISTINCT, IS_NOT_DISTINCT:
                return new Compare(fn, compile(c.arg(0)), compile(c.arg(1)));
            case AND, OR:
                return new Logic(fn == Fn.AND, compile(c.arg(0)), compile(c.arg(1)));
            case CASE: {
                List<VecExpr> args = compileAll(c.args());
                return new CaseExpr(c.type(), args);
            }
            case COALESCE:
                return new Coalesce(c.type(), compileAll(c.args()));
            case CAST:
                return new Cast(compile(c.arg(0)), c.type());
            case IN:
                return InList.of(c);
            default:
                return RowKernels.compile(c);
        }
    }

    // ---------------------------------------------------------------- leaves

    static final class ColumnRef extends VecExpr {
        private final int index;

        ColumnRef(int index, ColumnType type) {
            super(type);
            this.index = index;
        }

        int index() {
            return index;
        }

        @Override
        public ColumnVector eval(Batch b, int[] idx, int n) {
            return b.cols[index];
        }
    }

    static final class Const extends VecExpr {
        private final Object value;
        private final byte[] utf8;

        Const(ColumnType type, Object value) {
            super(type);
            this.value = value;
            this.utf8 = value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : null;
        }

        Object value() {
            return value;
        }

        /** Rows {@code [0, filled)} of the output vector already hold the constant (its arrays are only written here). */
        private int filled;

        /**
         * Fills every position of the batch once, then returns the same vector for batches no
         * larger without writing it again: a LIKE pattern or EXTRACT field is not copied per row per batch.
         */
        @Override
        public ColumnVector eval(Batch b, int[] idx, int n) {
            ColumnVector o = out(b.size);
            int size = b.size;
            if (size <= filled) {
                o.hasNulls = value == null;
                return o;
            }
            if (value == null) {
                if (type.physical() == ColumnType.Physical.BYTES) {
                    java.util.Arrays.fill(o.offsets, 0, size + 1, 0);
                }
                java.util.Arrays.fill(o.nulls, 0, size, true);
                o.hasNulls = true;
                filled = size;
                return o;
            }
            switch (type.physical()) {
                case LONG -> {
                    java.util.Arrays.fill(o.longs, 0, size, (Long) value);
                    java.util.Arrays.fill(o.nulls, 0, size, false);
                }
                case DOUBLE -> {
                    java.util.Arrays.fill(o.doubles, 0, size, (Double) value);
                    java.util.Arrays.fill(o.nulls, 0, size, false);
                }
                case BYTES -> {
                    StringOut w = new StringOut();
                    w.begin(o);
                    for (int i = 0; i < size; i++) {
                        w.put(i, utf8, 0, utf8.length);
                    }
                    w.end();
                }
            }
            filled = size;
            return o;
        }
    }

    /** Sets out.nulls at live rows from one or two inputs; returns whether any row is null. */
    static boolean propagateNulls(ColumnVector o, ColumnVector a, ColumnVector b, int[] idx, int n) {
        boolean an = a.hasNulls;
        boolean bn = b != null && b.hasNulls;
        if (!an && !bn) {
            for (int k = 0; k < n; k++) {
                o.nulls[idx[k]] = false;
            }
            return false;
        }
        boolean any = false;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            boolean nl = (an && a.nulls[i]) || (bn && b.nulls[i]);
            o.nulls[i] = nl;
            any |= nl;
        }
        o.hasNulls = any;
        return any;
    }

    // ---------------------------------------------------------------- arithmetic

    static final class LongArith extends VecExpr {
        private final Fn op;
        private final VecExpr left;
        private final VecExpr right;

        LongArith(Fn op, ColumnType type, VecExpr left, VecExpr right) {
            super(type);
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public ColumnVector eval(Batch b, int[] idx, int n) {
            ColumnVector l = left.eval(b, idx, n);
            ColumnVector r = right.eval(b, idx, n);
            ColumnVector o = out(b.size);
            boolean nulls = propagateNulls(o, l, r, idx, n);
            long[] x = l.longs;
            long[] y = r.longs;
            long[] z = o.longs;
            try {
                switch (op) {
                    case ADD -> {
                        for (int k = 0; k < n; k++) {
                            int i = idx[k];
                            z[i] = Math.addExact(x[i], y[i]);
                        }
                    }
                    case SUB -> {
                        for (int k = 0; k < n; k++) {
                            int i = idx[k];
                            z[i] = Math.subtractExact(x[i], y[i]);
                        }
                    }
                    case MUL -> {
                        for (int k = 0; k < n; k++) {
                            int i = idx[k];
                            z[i] = Math.multiplyExact(x[i], y[i]);
                        }
                    }
                    case DIV, MOD -> {
                        boolean div = op == Fn.DIV;
                        boolean[] on = o.nulls;
                        for (int k = 0; k < n; k++) {
                            int i = idx[k];
                            long d = y[i];
                            if (d == 0) {
                                if (nulls && on[i]) {
                                    z[i] = 0;
                                    continue;
                                }
                                throw QueryException.divisionByZero();
                            }
                            if (d == -1) {
                                z[i] = div ? Math.negateExact(x[i]) : 0;
                            } else {
                                z[i] = div ? x[i] / d : x[i] % d;
                            }
                        }
                    }
                    default -> throw QueryException.internal("not arithmetic: " + op, null);
                }
            } catch (ArithmeticException e) {
                throw QueryException.overflow(type.name());
            }
            if (type != ColumnType.BIGINT) {
                long min = type.minValue();
                long max = type.maxValue();
                for (int k = 0; k < n; k++) {
                    long v = z[idx[k]];
                    if (v < min || v > max) {
                        throw QueryException.overflow(type.name());
                    }
                }
            }
            return o;
        }
    }

    static final class DoubleArith extends VecExpr {
        private final Fn op;
        private final VecExpr left;
        private final VecExpr right;

        DoubleArith(Fn op, VecExpr left, VecExpr right) {
            super(ColumnType.DOUBLE);
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public ColumnVector eval(Batch b, int[] idx, int n) {
            ColumnVector l = left.eval(b, idx, n);
            ColumnVector r = right.eval(b, idx, n);
            ColumnVector o = out(b.size);
            boolean nulls = propagateNulls(o, l, r, idx, n);
            double[] x = l.doubles;
            double[] y = r.doubles;
            double[] z = o.doubles;
            switch (op) {
                case ADD -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = x[i] + y[i];
                    }
                }
                case SUB -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = x[i] - y[i];
                    }
                }
                case MUL -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = x[i] * y[i];
                    }
                }
                case DIV, MOD -> {
                    boolean div = op == Fn.DIV;
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        if (y[i] == 0.0) {
                            if (nulls && o.nulls[i]) {
                                z[i] = 0;
                                continue;
                            }
                            throw QueryException.divisionByZero();
                        }
                        z[i] = div ? x[i] / y[i] : x[i] % y[i];
                    }
                }
                default -> throw QueryException.internal("not arithmetic: " + op, null);
            }
            // PostgreSQL: a finite computation that overflows to infinity is an error.
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (Double.isInfinite(z[i]) && Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                    throw QueryException.overflow("DOUBLE");
                }
            }
            return o;
        }
    }

    // ---------------------------------------------------------------- comparison and logic

    static final class Compare extends VecExpr {
        private final Fn op;
        private final VecExpr left;
        private final VecExpr right;

        /** Per dictionary entry verdicts of the current batch (dictionary fast path). */
        private long[] dictVerdicts;

        /** The right side when it is a non-null integer constant and the op is not IS [NOT] DISTINCT: compared as a scalar. */
        private final Long scalar;

        Compare(Fn op, VecExpr left, VecExpr right) {
            super(ColumnType.BOOLEAN);
            this.op = op;
            this.left = left;
            this.right = right;
            this.scalar = op != Fn.IS_DISTINCT && op != Fn.IS_NOT_DISTINCT && left.type().physical() == ColumnType.Physical.LONG
                    && right instanceof Const c && c.value() instanceof Long v ? v : null;
        }

        /** Column against an integer constant: one loop, no per-row copy of the constant. */
        private ColumnVector evalScalar(Batch b, int[] idx, int n) {
            ColumnVector l = left.eval(b, idx, n);
            ColumnVector o = out(b.size);
            propagateNulls(o, l, null, idx, n);
            long c = scalar;
            long[] x = l.longs;
            long[] z = o.longs;
            switch (op) {
                case EQ -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = x[i] == c ? 1 : 0;
                    }
                }
                case NE -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = x[i] != c ? 1 : 0;
                    }
                }
                case LT -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = x[i] < c ? 1 : 0;
                    }
                }
                case LE -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = x[i] <= c ? 1 : 0;
                    }
                }
                case GT -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = x[i] > c ? 1 : 0;
                    }
                }
                case GE -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = x[i] >= c ? 1 : 0;
                    }
                }
                default -> throw QueryException.internal("not a comparison: " + op, null);
            }
            return o;
        }

        /** Column against an integer constant, without NULLs: the passing rows in one loop, no verdict vector. */
        @Override
        public int selectTrue(Batch b, int[] idx, int n, int[] out) {
            if (scalar == null) {
                return super.selectTrue(b, idx, n, out);
            }
            ColumnVector l = left.eval(b, idx, n);
            if (l.hasNulls) {
                return super.selectTrue(b, idx, n, out);
            }
            selectSawNull = false;
            long c = scalar;
            long[] x = l.longs;
            int m = 0;
            switch (op) {
                case EQ -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        out[m] = i;
                        m += x[i] == c ? 1 : 0;
                    }
                }
                case NE -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        out[m] = i;
                        m += x[i] != c ? 1 : 0;
                    }
                }
                case LT -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        out[m] = i;
                        m += x[i] < c ? 1 : 0;
                    }
                }
                case LE -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        out[m] = i;
                        m += x[i] <= c ? 1 : 0;
                    }
                }
                case GT -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        out[m] = i;
                        m += x[i] > c ? 1 : 0;
                    }
                }
                case GE -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        out[m] = i;
                        m += x[i] >= c ? 1 : 0;
                    }
                }
                default -> throw QueryException.internal("not a comparison: " + op, null);
            }
            return m;
        }

        @Override
        public ColumnVector eval(Batch b, int[] idx, int n) {
            if (scalar != null) {
                return evalScalar(b, idx, n);
            }
            ColumnVector l = left.eval(b, idx, n);
            ColumnVector r = right.eval(b, idx, n);
            ColumnVector o = out(b.size);
            long[] z = o.longs;
            boolean distinctOp = op == Fn.IS_DISTINCT || op == Fn.IS_NOT_DISTINCT;
            if (distinctOp) {
                for (int k = 0; k < n; k++) {
                    o.nulls[idx[k]] = false;
                }
            } else {
                propagateNulls(o, l, r, idx, n);
            }
            switch (left.type().physical()) {
                case LONG -> {
                    long[] x = l.longs;
                    long[] y = r.longs;
                    switch (op) {
                        case EQ, IS_NOT_DISTINCT -> {
                            for (int k = 0; k < n; k++) {
                                int i = idx[k];
                                z[i] = x[i] == y[i] ? 1 : 0;
                            }
                        }
                        case NE, IS_DISTINCT -> {
                            for (int k = 0; k < n; k++) {
                                int i = idx[k];
                                z[i] = x[i] != y[i] ? 1 : 0;
                            }
                        }
                        case LT -> {
                            for (int k = 0; k < n; k++) {
                                int i = idx[k];
                                z[i] = x[i] < y[i] ? 1 : 0;
                            }
                        }
                        case LE -> {
                            for (int k = 0; k < n; k++) {
                                int i = idx[k];
                                z[i] = x[i] <= y[i] ? 1 : 0;
                            }
                        }
                        case GT -> {
                            for (int k = 0; k < n; k++) {
                                int i = idx[k];
                                z[i] = x[i] > y[i] ? 1 : 0;
                            }
                        }
                        case GE -> {
                            for (int k = 0; k < n; k++) {
                                int i = idx[k];
                                z[i] = x[i] >= y[i] ? 1 : 0;
                            }
                        }
                        default -> throw QueryException.internal("not a comparison: " + op, null);
                    }
                }
                case DOUBLE -> {
                    double[] x = l.doubles;
                    double[] y = r.doubles;
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = test(Values.compareDouble(x[i], y[i]));
                    }
                }
                case BYTES -> {
                    if (!distinctOp && right instanceof Const && onCodes(l, n) && n > 0 && !r.nulls[idx[0]]) {
                        // A dictionary-coded column against a constant: compare each dictionary entry once.
                        ColumnVector d = l.dictionary;
                        int entries = d.size();
                        if (dictVerdicts == null || dictVerdicts.length < entries) {
                            dictVerdicts = new long[Math.max(entries, 64)];
                        }
                        int ri = idx[0];
                        boolean eqOp = op == Fn.EQ || op == Fn.NE;
                        for (int e = 0; e < entries; e++) {
                            dictVerdicts[e] = eqOp
                                    ? (Arrays.equals(d.bytes, d.offsets[e], d.offsets[e + 1], r.bytes, r.offsets[ri], r.offsets[ri + 1]) == (op == Fn.EQ) ? 1 : 0)
                                    : test(Arrays.compareUnsigned(d.bytes, d.offsets[e], d.offsets[e + 1], r.bytes, r.offsets[ri], r.offsets[ri + 1]));
                        }
                        int[] codes = l.dictCodes;
                        for (int k = 0; k < n; k++) {
                            int i = idx[k];
                            int c = codes[i];
                            z[i] = c < 0 ? 0 : dictVerdicts[c];
                        }
                        break;
                    }
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        z[i] = op == Fn.EQ || op == Fn.NE || distinctOp
                                ? (Values.equalBytes(l, i, r, i) == (op == Fn.EQ || op == Fn.IS_NOT_DISTINCT) ? 1 : 0)
                                : test(Values.compareBytes(l, i, r, i));
                    }
                }
            }
            if (distinctOp && (l.hasNulls || r.hasNulls)) {
                long same = op == Fn.IS_NOT_DISTINCT ? 1 : 0;
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    boolean ln = l.nulls[i];
                    boolean rn = r.nulls[i];
                    if (ln || rn) {
                        z[i] = ln == rn ? same : 1 - same;
                    }
                }
            }
            return o;
        }

        private long test(int c) {
            boolean r = switch (op) {
                case EQ, IS_NOT_DISTINCT -> c == 0;
                case NE, IS_DISTINCT -> c != 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                default -> c >= 0;
            };
            return r ? 1 : 0;
        }
    }

    /**
     * Three-valued AND / OR. The right side is evaluated only on rows the left side does not
     * decide, so {@code x <> 0 AND 10 / x > 1} never divides by zero.
     */
    static final class Logic extends VecExpr {
        private final boolean and;
        private final VecExpr left;
        private final VecExpr right;
        private int[] rest = new int[Batch.MAX_ROWS];
        private int[] passedLeft = new int[Batch.MAX_ROWS];

        Logic(boolean and, VecExpr left, VecExpr right) {
            super(ColumnType.BOOLEAN);
            this.and = and;
            this.left = left;
            this.right = right;
        }

        @Override
        public ColumnVector eval(Batch b, int[] idx, int n) {
            ColumnVector l = left.eval(b, idx, n);
            long decisive = and ? 0 : 1;
            if (rest.length < n) {
                rest = new int[Math.max(n, rest.length * 2)];
            }
            int m = 0;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (l.nulls[i] || l.longs[i] != decisive) {
                    rest[m++] = i;
                }
            }
            ColumnVector r = m == 0 ? null : right.eval(b, rest, m);
            ColumnVector o = out(b.size);
            boolean any = false;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                o.longs[i] = decisive;
                o.nulls[i] = false;
            }
            for (int k = 0; k < m; k++) {
                int i = rest[k];
                boolean ln = l.nulls[i];
                boolean rn = r.nulls[i];
                long rv = r.longs[i];
                if (!rn && rv == decisive) {
                    o.longs[i] = decisive;
                } else if (ln || rn) {
                    o.nulls[i] = true;
                    o.longs[i] = 0;
                    any = true;
                } else {
                    o.longs[i] = 1 - decisive;
                }
            }
            o.hasNulls = any;
            return o;
        }

        /**
         * AND as a filter: the right side sees only the rows the left passed, as in {@link #eval}
         * when the left has no NULL there. A NULL on the left (rare) takes the verdict-vector path,
         * which also evaluates the right side on those rows.
         */
        @Override
        public int selectTrue(Batch b, int[] idx, int n, int[] out) {
            if (!and) {
                return super.selectTrue(b, idx, n, out);
            }
            if (passedLeft.length < n) {
                passedLeft = new int[Math.max(n, passedLeft.length * 2)];
            }
            int m = left.selectTrue(b, idx, n, passedLeft);
            if (left.selectSawNull) {
                return super.selectTrue(b, idx, n, out);
            }
            int r = m == 0 ? 0 : right.selectTrue(b, passedLeft, m, out);
            selectSawNull = m != 0 && right.selectSawNull;
            return r;
        }
    }

    /** CASE WHEN c1 THEN r1 ... ELSE e END: each branch is evaluated only on the rows that reach it. */
    static final class CaseExpr extends VecExpr {
        private final List<VecExpr> args;
        private int[] pending = new int[Batch.MAX_ROWS];
        private int[] taken = new int[Batch.MAX_ROWS];
        private int[] next = new int[Batch.MAX_ROWS];

        CaseExpr(ColumnType type, List<VecExpr> args) {
            super(type);
            this.args = args;
        }

        @Override
        public ColumnVector eval(Batch b, int[] idx, int n) {
            if (pending.length < n) {
                pending = new int[n];
                taken = new int[n];
                next = new int[n];
            }
            ColumnVector o = out(b.size);
            RowCopier copier = new RowCopier(o);
            System.arraycopy(idx, 0, pending, 0, n);
            int m = n;
            int branches = (args.size() - 1) / 2;
            for (int w = 0; w < branches && m > 0; w++) {
                ColumnVector cond = args.get(2 * w).eval(b, pending, m);
                int t = 0;
                int rest = 0;
                for (int k = 0; k < m; k++) {
                    int i = pending[k];
                    if (!cond.nulls[i] && cond.longs[i] != 0) {
                        taken[t++] = i;
                    } else {
                        next[rest++] = i;
                    }
                }
                if (t > 0) {
                    copier.copy(args.get(2 * w + 1).eval(b, taken, t), taken, t);
                }
                int[] swap = pending;
                pending = next;
                next = swap;
                m = rest;
            }
            if (m > 0) {
                copier.copy(args.get(args.size() - 1).eval(b, pending, m), pending, m);
            }
            copier.finish();
            return o;
        }
    }

    /** COALESCE: each argument is evaluated only on rows still null. */
    static final class Coalesce extends VecExpr {
        private final List<VecExpr> args;
        private int[] pending = new int[Batch.MAX_ROWS];
        private int[] next = new int[Batch.MAX_ROWS];

        Coalesce(ColumnType type, List<VecExpr> args) {
            super(type);
            this.args = args;
        }

        @Override
        public ColumnVector eval(Batch b, int[] idx, int n) {
            if (pending.length < n) {
                pending = new int[n];
                next = new int[n];
            }
            ColumnVector o = out(b.size);
            RowCopier copier = new RowCopier(o);
            System.arraycopy(idx, 0, pending, 0, n);
            int m = n;
            for (int a = 0; a < args.size() && m > 0; a++) {
                ColumnVector v = args.get(a).eval(b, pending, m);
                boolean last = a == args.size() - 1;
                int rest = 0;
                int[] found = new int[m];
                int f = 0;
                for (int k = 0; k < m; k++) {
                    int i = pending[k];
                    if (v.nulls[i] && !last) {
                        next[rest++] = i;
                    } else {
                        found[f++] = i;
                    }
                }
                copier.copy(v, found, f);
                int[] swap = pending;
                pending = next;
                next = swap;
                m = rest;
            }
            copier.finish();
            return o;
        }
    }

    /**
     * Copies values of given rows from several source vectors into one output, rows arriving in any
     * order across calls. Strings are staged and written in row order at {@link #finish()}.
     */
    static final class RowCopier {
        private final ColumnVector o;
        private final boolean bytes;
        private byte[][] staged;
        private boolean[] stagedNull;
        private int maxRow = -1;
        private int minRow = Integer.MAX_VALUE;

        RowCopier(ColumnVector o) {
            this.o = o;
            this.bytes = o.type().physical() == ColumnType.Physical.BYTES;
            if (bytes) {
                staged = new byte[o.size()][];
                stagedNull = new boolean[o.size()];
            }
        }

        void copy(ColumnVector src, int[] rows, int n) {
            for (int k = 0; k < n; k++) {
                int i = rows[k];
                boolean nl = src.nulls[i];
                maxRow = Math.max(maxRow, i);
                minRow = Math.min(minRow, i);
                if (bytes) {
                    stagedNull[i] = nl;
                    staged[i] = nl ? null : java.util.Arrays.copyOfRange(src.bytes, src.offsets[i], src.offsets[i + 1]);
                    continue;
                }
                o.nulls[i] = nl;
                if (nl) {
                    o.hasNulls = true;
                }
                switch (o.type().physical()) {
                    case LONG -> o.longs[i] = src.longs[i];
                    case DOUBLE -> o.doubles[i] = src.doubles[i];
                    default -> { }
                }
            }
        }

        void finish() {
            if (!bytes) {
                return;
            }
            StringOut w = new StringOut();
            w.begin(o);
            for (int i = 0; i <= maxRow; i++) {
                if (stagedNull[i]) {
                    w.putNull(i);
                } else if (staged[i] != null) {
                    w.put(i, staged[i], 0, staged[i].length);
                }
            }
            w.end();
        }
    }

    // ---------------------------------------------------------------- casts

    static final class Cast extends VecExpr {
        private final VecExpr input;
        private final StringOut writer = new StringOut();

        Cast(VecExpr input, ColumnType to) {
            super(to);
            this.input = input;
        }

        @Override
        public ColumnVector eval(Batch b, int[] idx, int n) {
            ColumnVector in = input.eval(b, idx, n);
            ColumnVector o = out(b.size);
            ColumnType from = input.type();
            if (type == ColumnType.VARCHAR) {
                writer.begin(o);
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    if (in.nulls[i]) {
                        writer.putNull(i);
                    } else if (from.physical() == ColumnType.Physical.LONG) {
                        writer.put(i, Values.toText(from, in.longs[i]));
                    } else if (from == ColumnType.DOUBLE) {
                        writer.put(i, Values.toText(in.doubles[i]));
                    } else {
                        writer.put(i, in.bytes, in.offsets[i], in.offsets[i + 1] - in.offsets[i]);
                    }
                }
                writer.end();
                return o;
            }
            propagateNulls(o, in, null, idx, n);
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (in.nulls[i]) {
                    continue;
                }
                switch (type.physical()) {
                    case DOUBLE -> o.doubles[i] = switch (from.physical()) {
                        case LONG -> (double) in.longs[i];
                        case DOUBLE -> in.doubles[i];
                        case BYTES -> Values.parseDouble(Values.string(in, i));
                    };
                    case LONG -> o.longs[i] = toLong(in, i, from);
                    default -> throw QueryException.internal("bad cast target " + type, null);
                }
            }
            return o;
        }

        private long toLong(ColumnVector in, int i, ColumnType from) {
            if (from == ColumnType.VARCHAR) {
                String s = Values.string(in, i);
                return switch (type) {
                    case DATE -> DateTimes.parseDate(s);
                    case TIMESTAMP -> DateTimes.parseTimestamp(s);
                    case INTERVAL -> {
                        Long micros = io.quiver.query.plan.Intervals.parse(s);
                        if (micros == null) {
                            throw invalid("invalid input syntax for type interval [value=" + s + ']');
                        }
                        yield micros;
                    }
                    case BOOLEAN -> Values.parseBoolean(s);
                    default -> Values.parseLong(s, type);
                };
            }
            if (from == ColumnType.DOUBLE) {
                return Values.doubleToLong(in.doubles[i], type);
            }
            long v = in.longs[i];
            if (from == ColumnType.DATE && type == ColumnType.TIMESTAMP) {
                return Math.multiplyExact(v, DateTimes.MICROS_PER_DAY);
            }
            if (from == ColumnType.TIMESTAMP && type == ColumnType.DATE) {
                return Math.floorDiv(v, DateTimes.MICROS_PER_DAY);
            }
            if (type == ColumnType.BOOLEAN) {
                return v != 0 ? 1 : 0;
            }
            if (v < type.minValue() || v > type.maxValue()) {
                throw QueryException.overflow(type.name());
            }
            return v;
        }
    }

    static QueryException invalid(String message) {
        return new QueryException(ErrorCode.INVALID_VALUE, message);
    }
}
