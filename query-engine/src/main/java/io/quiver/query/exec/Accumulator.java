package io.quiver.query.exec;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;
import io.quiver.query.plan.AggFn;
import io.quiver.query.plan.Expr;
import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.LongBlockSummary;
import io.quiver.storage.vector.ColumnVector;

import java.util.Arrays;

/**
 * The state of one aggregate for every group of a {@link GroupTable}, in primitive arrays indexed
 * by group id. {@code add} folds a batch in, {@code merge} folds another thread's partial state in
 * (through a group-id map), {@code output} writes final values.
 */
abstract class Accumulator {
    protected final ColumnType inType;
    protected final ColumnType outType;
    protected int capacity;

    Accumulator(ColumnType inType, ColumnType outType) {
        this.inType = inType;
        this.outType = outType;
    }

    /** Whether {@code a} is computed over a set of its distinct values ({@link Distinct}). */
    static boolean setOfDistinct(Expr.Agg a) {
        return a.distinct() && a.fn() != AggFn.MIN && a.fn() != AggFn.MAX && a.fn() != AggFn.ANY_VALUE
                && a.fn() != AggFn.APPROX_COUNT_DISTINCT;
    }

    static Accumulator create(Expr.Agg a) {
        ColumnType in = a.args().isEmpty() ? null : a.args().get(0).type();
        if (setOfDistinct(a)) {
            return new Distinct(a, in);
        }
        return switch (a.fn()) {
            case COUNT_STAR, COUNT -> new Count(a.fn() == AggFn.COUNT_STAR);
            case SUM -> in == ColumnType.DOUBLE ? new SumDouble(false) : new SumLong();
            case AVG -> new SumDouble(true);
            case MIN, MAX, ANY_VALUE -> new Extreme(in, a.fn());
            case STDDEV_SAMP, STDDEV_POP, VAR_SAMP, VAR_POP -> new Variance(in, a.fn());
            case QUANTILE_CONT, QUANTILE_DISC -> new Quantile(in, a.type(), a.fn() == AggFn.QUANTILE_CONT, a.param());
            case APPROX_QUANTILE -> new ApproxQuantile(in, a.type(), a.param());
            case APPROX_COUNT_DISTINCT -> new HyperLogLog(in);
            case BOOL_AND, BOOL_OR -> new BoolAgg(a.fn() == AggFn.BOOL_AND);
        };
    }

    final void ensure(int groups) {
        if (groups > capacity) {
            int cap = Math.max(groups, Math.max(16, capacity * 2));
            grow(cap);
            capacity = cap;
        }
    }

    protected abstract void grow(int cap);

    /** Folds rows {@code idx[k]} of {@code arg} into groups {@code gids[k]}. {@code arg} is null for COUNT(*). */
    abstract void add(int[] gids, ColumnVector arg, int[] idx, int n);

    /**
     * Folds every row {@code idx[k]} into the one group {@code g} (an aggregate without GROUP BY),
     * in one tight loop; false when this accumulator has no such path (then call {@link #add}).
     */
    boolean addAll(int g, ColumnVector arg, int[] idx, int n) {
        return false;
    }

    /**
     * Folds a whole block of a LONG-physical column into the one group {@code g} from its summary
     * (count, bounds, and the sum where {@link LongBlockSummary#hasSum}); false when this accumulator
     * cannot (then decode the block and call {@link #addAll}).
     */
    boolean addSummary(int g, LongBlockSummary s) {
        return false;
    }

    /** Whether live positions {@code idx[0..n)} (ascending, distinct) are exactly 0..n-1: then kernels may index the values directly. */
    static boolean isIdentity(int[] idx, int n) {
        return n > 0 && idx[0] == 0 && idx[n - 1] == n - 1;
    }

    abstract void merge(Accumulator other, int[] map, int otherGroups);

    /** Appends the final value of groups {@code [from, from+n)} to {@code out}. */
    abstract void output(int from, int n, ColumnVector out);

    abstract long bytes();

    // ------------------------------------------------------------------

    static final class Count extends Accumulator {
        private final boolean star;
        private long[] counts = new long[0];

        Count(boolean star) {
            super(null, ColumnType.BIGINT);
            this.star = star;
        }

        @Override
        protected void grow(int cap) {
            counts = Arrays.copyOf(counts, cap);
        }

        @Override
        boolean addAll(int g, ColumnVector arg, int[] idx, int n) {
            long c = n;
            if (!star && arg.hasNulls) {
                c = 0;
                for (int k = 0; k < n; k++) {
                    c += arg.nulls[idx[k]] ? 0 : 1;
                }
            }
            counts[g] += c;
            return true;
        }

        @Override
        boolean addSummary(int g, LongBlockSummary s) {
            if (star) {
                return false; // COUNT(*) has no column: the caller adds the block's rows
            }
            counts[g] += s.nonNullCount;
            return true;
        }

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            if (star || !arg.hasNulls) {
                for (int k = 0; k < n; k++) {
                    counts[gids[k]]++;
                }
            } else {
                boolean[] nulls = arg.nulls;
                for (int k = 0; k < n; k++) {
                    counts[gids[k]] += nulls[idx[k]] ? 0 : 1;
                }
            }
        }

        /** Adds {@code rows[j]} to group {@code groups[j]}, for {@code j < m} (see {@link GroupTable#countRows}). */
        void addCounts(int[] groups, long[] rows, int m) {
            for (int j = 0; j < m; j++) {
                counts[groups[j]] += rows[j];
            }
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            long[] o = ((Count) other).counts;
            for (int g = 0; g < otherGroups; g++) {
                counts[map[g]] += o[g];
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            for (int g = from; g < from + n; g++) {
                out.appendLong(counts[g]);
            }
        }

        @Override
        long bytes() {
            return counts.length * 8L;
        }
    }

    /** SUM of integers: exact, overflow is an error (the result type is BIGINT). */
    static final class SumLong extends Accumulator {
        private long[] sums = new long[0];
        private boolean[] seen = new boolean[0];

        SumLong() {
            super(ColumnType.BIGINT, ColumnType.BIGINT);
        }

        @Override
        protected void grow(int cap) {
            sums = Arrays.copyOf(sums, cap);
            seen = Arrays.copyOf(seen, cap);
        }

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            long[] v = arg.longs;
            try {
                if (!arg.hasNulls) {
                    for (int k = 0; k < n; k++) {
                        int g = gids[k];
                        sums[g] = Math.addExact(sums[g], v[idx[k]]);
                        seen[g] = true;
                    }
                } else {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        if (!arg.nulls[i]) {
                            int g = gids[k];
                            sums[g] = Math.addExact(sums[g], v[i]);
                            seen[g] = true;
                        }
                    }
                }
            } catch (ArithmeticException e) {
                throw QueryException.overflow("BIGINT");
            }
        }

        @Override
        boolean addSummary(int g, LongBlockSummary s) {
            if (!s.hasSum) {
                return false;
            }
            if (s.nonNullCount > 0) {
                try {
                    sums[g] = Math.addExact(sums[g], s.sum);
                } catch (ArithmeticException e) {
                    throw QueryException.overflow("BIGINT");
                }
                seen[g] = true;
            }
            return true;
        }

        /** Whole-batch sum into one group: the hot path of a global SUM. */
        @Override
        boolean addAll(int g, ColumnVector arg, int[] idx, int n) {
            long[] v = arg.longs;
            long s = sums[g];
            boolean any = false;
            try {
                if (!arg.hasNulls && isIdentity(idx, n)) {
                    s = sumDense(s, v, n);
                    any = n > 0;
                } else if (!arg.hasNulls) {
                    for (int k = 0; k < n; k++) {
                        s = Math.addExact(s, v[idx[k]]);
                    }
                    any = n > 0;
                } else {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        if (!arg.nulls[i]) {
                            s = Math.addExact(s, v[i]);
                            any = true;
                        }
                    }
                }
            } catch (ArithmeticException e) {
                throw QueryException.overflow("BIGINT");
            }
            sums[g] = s;
            seen[g] |= any;
            return true;
        }

        /**
         * {@code s} plus {@code v[0..n)}. The common case, values in [0, 2^31) as in counters and
         * durations, is summed without a per-value overflow check, in a loop the JIT vectorises: n
         * (an int) such values cannot wrap a long. Other values take the checked loop.
         */
        static long sumDense(long s, long[] v, int n) {
            long total = 0;
            long bits = 0;
            for (int i = 0; i < n; i++) {
                long x = v[i];
                total += x;
                bits |= x;
            }
            if (bits >>> 31 == 0) {
                return Math.addExact(s, total);
            }
            for (int i = 0; i < n; i++) {
                s = Math.addExact(s, v[i]);
            }
            return s;
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            SumLong o = (SumLong) other;
            for (int g = 0; g < otherGroups; g++) {
                if (o.seen[g]) {
                    int t = map[g];
                    try {
                        sums[t] = Math.addExact(sums[t], o.sums[g]);
                    } catch (ArithmeticException e) {
                        throw QueryException.overflow("BIGINT");
                    }
                    seen[t] = true;
                }
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            for (int g = from; g < from + n; g++) {
                if (seen[g]) {
                    out.appendLong(sums[g]);
                } else {
                    out.appendNull();
                }
            }
        }

        @Override
        long bytes() {
            return sums.length * 9L;
        }
    }

    /** SUM of doubles, or AVG of anything numeric (sum as double, count). */
    static final class SumDouble extends Accumulator {
        private final boolean avg;
        private double[] sums = new double[0];
        private long[] counts = new long[0];

        SumDouble(boolean avg) {
            super(null, ColumnType.DOUBLE);
            this.avg = avg;
        }

        @Override
        protected void grow(int cap) {
            sums = Arrays.copyOf(sums, cap);
            counts = Arrays.copyOf(counts, cap);
        }

        /** Positions k of the batch whose argument is not NULL, for {@link #add}. */
        private int[] nonNull = new int[0];

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            double[] s = sums;
            long[] c = counts;
            int[] live = null;
            int m = n;
            if (arg.hasNulls) {
                // the non-NULL positions first, without a branch: a NULL test per row mispredicts
                // wherever NULLs and values mix (revenue: 94% NULL), and the sums then run branch-free
                if (nonNull.length < n) {
                    nonNull = new int[Math.max(n, Batch.MAX_ROWS)];
                }
                live = nonNull;
                boolean[] nulls = arg.nulls;
                m = 0;
                for (int k = 0; k < n; k++) {
                    live[m] = k;
                    m += nulls[idx[k]] ? 0 : 1;
                }
            }
            if (arg.type().physical() == ColumnType.Physical.LONG) {
                long[] v = arg.longs;
                for (int j = 0; j < m; j++) {
                    int k = live == null ? j : live[j];
                    int g = gids[k];
                    s[g] += (double) v[idx[k]];
                    c[g]++;
                }
            } else {
                double[] v = arg.doubles;
                for (int j = 0; j < m; j++) {
                    int k = live == null ? j : live[j];
                    int g = gids[k];
                    s[g] += v[idx[k]];
                    c[g]++;
                }
            }
        }

        private int[] liveRows = new int[0];
        private double[] slotSums = new double[0];
        private long[] slotCounts = new long[0];
        private int[] groupStamp = new int[0];
        private int stamp;

        /**
         * Rows {@code idx[0..n)} of a batch whose single GROUP BY key {@code key} was counted by
         * {@link GroupTable#countRows} ({@code groups[j]} at key slot {@code groupSlots[j]}, j < met):
         * sums per key slot, then stores each into its group, with no group id per row. Each slot
         * starts from its group's sum and takes its rows in row order, so every group's sum is the
         * same additions in the same order as {@link #add} (bit for bit). Only non-NULL rows are
         * visited after one pass over the NULL flags: revenue is 94% NULL.
         */
        void addKeyed(ColumnVector arg, int[] idx, int n, GroupTable table, ColumnVector key,
                      int[] groups, int[] groupSlots, int met, int slotCount) {
            if (liveRows.length < n) {
                liveRows = new int[Math.max(n, Batch.MAX_ROWS)];
            }
            int[] rows = liveRows;
            int m;
            if (arg.hasNulls) {
                boolean[] nulls = arg.nulls;
                m = 0;
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    rows[m] = i;
                    m += nulls[i] ? 0 : 1;
                }
            } else {
                System.arraycopy(idx, 0, rows, 0, n);
                m = n;
            }
            if (m == 0) {
                return;
            }
            int[] slotOf = table.keySlots(key, rows, m);
            if (slotSums.length < slotCount) {
                slotSums = new double[Math.max(slotCount, 64)];
                slotCounts = new long[slotSums.length];
            }
            if (groupStamp.length < capacity) {
                groupStamp = Arrays.copyOf(groupStamp, capacity);
            }
            double[] ss = slotSums;
            long[] sc = slotCounts;
            int mark = ++stamp;
            if (mark == Integer.MAX_VALUE) {
                Arrays.fill(groupStamp, 0);
                stamp = mark = 1;
            }
            boolean shared = false;
            for (int j = 0; j < met; j++) {
                int g = groups[j];
                shared |= groupStamp[g] == mark;
                groupStamp[g] = mark;
            }
            boolean longs = arg.type().physical() == ColumnType.Physical.LONG;
            if (shared) {
                // two codes of one group (a dictionary naming a string twice): each row straight into its group
                int[] slotGroup = slotGroups(slotCount);
                for (int j = 0; j < met; j++) {
                    slotGroup[groupSlots[j]] = groups[j];
                }
                for (int j = 0; j < m; j++) {
                    int g = slotGroup[slotOf[j]];
                    sums[g] += longs ? (double) arg.longs[rows[j]] : arg.doubles[rows[j]];
                    counts[g]++;
                }
                return;
            }
            for (int j = 0; j < met; j++) {
                ss[groupSlots[j]] = sums[groups[j]];
                sc[groupSlots[j]] = 0;
            }
            if (longs) {
                long[] v = arg.longs;
                for (int j = 0; j < m; j++) {
                    int s = slotOf[j];
                    ss[s] += (double) v[rows[j]];
                    sc[s]++;
                }
            } else {
                double[] v = arg.doubles;
                for (int j = 0; j < m; j++) {
                    int s = slotOf[j];
                    ss[s] += v[rows[j]];
                    sc[s]++;
                }
            }
            for (int j = 0; j < met; j++) {
                int s = groupSlots[j];
                sums[groups[j]] = ss[s];
                counts[groups[j]] += sc[s];
            }
        }

        private int[] slotGroup = new int[0];

        private int[] slotGroups(int n) {
            if (slotGroup.length < n) {
                slotGroup = new int[Math.max(n, 64)];
            }
            return slotGroup;
        }

        /**
         * A block of integers adds its exact long sum once, as {@link #addAll} does for a block of
         * values of at most 31 bits (the same bits wherever the sequential double sum is exact).
         */
        @Override
        boolean addSummary(int g, LongBlockSummary s) {
            if (!s.hasSum) {
                return false;
            }
            sums[g] += (double) s.sum;
            counts[g] += s.nonNullCount;
            return true;
        }

        /**
         * The same additions in the same order as {@link #add}, so the double sum is bit-identical.
         * One exception, equal in every case that matters: a whole block of integers of at most 31
         * bits (AVG of a duration) is summed exactly as a long and added once. Sequential double
         * additions of integers are exact while the sum stays below 2^53, so both give the same bits
         * there, and beyond it the long sum is the more accurate; the chain of dependent double
         * additions (four cycles each) was most of the aggregate's time.
         */
        @Override
        boolean addAll(int g, ColumnVector arg, int[] idx, int n) {
            boolean longs = arg.type().physical() == ColumnType.Physical.LONG;
            boolean[] nulls = arg.nulls;
            boolean anyNull = arg.hasNulls;
            double s = sums[g];
            long c = counts[g];
            if (longs && !anyNull && isIdentity(idx, n)) {
                long[] v = arg.longs;
                long total = 0;
                long magnitude = 0;
                for (int i = 0; i < n; i++) {
                    long x = v[i];
                    total += x;
                    magnitude |= x ^ (x >> 63); // |x| - 1 for a negative x
                }
                if (magnitude >>> 31 == 0) {
                    // n (an int) values of at most 31 bits cannot overflow a long
                    sums[g] = s + (double) total;
                    counts[g] = c + n;
                    return true;
                }
            }
            if (longs) {
                long[] v = arg.longs;
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    if (!(anyNull && nulls[i])) {
                        s += (double) v[i];
                        c++;
                    }
                }
            } else {
                double[] v = arg.doubles;
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    if (!(anyNull && nulls[i])) {
                        s += v[i];
                        c++;
                    }
                }
            }
            sums[g] = s;
            counts[g] = c;
            return true;
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            SumDouble o = (SumDouble) other;
            for (int g = 0; g < otherGroups; g++) {
                sums[map[g]] += o.sums[g];
                counts[map[g]] += o.counts[g];
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            for (int g = from; g < from + n; g++) {
                if (counts[g] == 0) {
                    out.appendNull();
                } else {
                    out.appendDouble(avg ? sums[g] / counts[g] : sums[g]);
                }
            }
        }

        @Override
        long bytes() {
            return sums.length * 16L;
        }
    }

    /** MIN, MAX and ANY_VALUE over any type. */
    static final class Extreme extends Accumulator {
        private final AggFn fn;
        private long[] longs = new long[0];
        private double[] doubles = new double[0];
        private byte[][] strings = new byte[0][];
        private boolean[] seen = new boolean[0];

        Extreme(ColumnType in, AggFn fn) {
            super(in, in);
            this.fn = fn;
        }

        @Override
        protected void grow(int cap) {
            seen = Arrays.copyOf(seen, cap);
            switch (inType.physical()) {
                case LONG -> longs = Arrays.copyOf(longs, cap);
                case DOUBLE -> doubles = Arrays.copyOf(doubles, cap);
                case BYTES -> strings = Arrays.copyOf(strings, cap);
            }
        }

        private static long minOf(long best, long[] v, int n) {
            for (int i = 0; i < n; i++) {
                best = Math.min(best, v[i]);
            }
            return best;
        }

        private static long maxOf(long best, long[] v, int n) {
            for (int i = 0; i < n; i++) {
                best = Math.max(best, v[i]);
            }
            return best;
        }

        private boolean better(int c) {
            return fn == AggFn.MIN ? c < 0 : fn == AggFn.MAX && c > 0;
        }

        @Override
        boolean addSummary(int g, LongBlockSummary s) {
            if (inType.physical() != ColumnType.Physical.LONG || fn == AggFn.ANY_VALUE) {
                return false;
            }
            if (s.nonNullCount > 0) {
                long v = fn == AggFn.MIN ? s.min : s.max;
                if (!seen[g] || better(Long.compare(v, longs[g]))) {
                    longs[g] = v;
                }
                seen[g] = true;
            }
            return true;
        }

        /** MIN / MAX of integers into one group: a running extreme in a register. */
        @Override
        boolean addAll(int g, ColumnVector arg, int[] idx, int n) {
            if (inType.physical() != ColumnType.Physical.LONG || fn == AggFn.ANY_VALUE) {
                return false;
            }
            boolean min = fn == AggFn.MIN;
            long[] v = arg.longs;
            boolean[] nulls = arg.nulls;
            boolean anyNull = arg.hasNulls;
            boolean any = seen[g];
            long best = any ? longs[g] : min ? Long.MAX_VALUE : Long.MIN_VALUE;
            if (!anyNull && isIdentity(idx, n)) {
                // the whole block, no NULLs: a plain reduction over the array, one loop per direction
                best = min ? minOf(best, v, n) : maxOf(best, v, n);
                any = true;
            } else {
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    if (!(anyNull && nulls[i])) {
                        best = min ? Math.min(best, v[i]) : Math.max(best, v[i]);
                        any = true;
                    }
                }
            }
            if (any) {
                longs[g] = best;
                seen[g] = true;
            }
            return true;
        }

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (arg.nulls[i]) {
                    continue;
                }
                int g = gids[k];
                switch (inType.physical()) {
                    case LONG -> {
                        long v = arg.longs[i];
                        if (!seen[g] || better(Long.compare(v, longs[g]))) {
                            longs[g] = v;
                        }
                    }
                    case DOUBLE -> {
                        double v = arg.doubles[i];
                        if (!seen[g] || better(Values.compareDouble(v, doubles[g]))) {
                            doubles[g] = v;
                        }
                    }
                    case BYTES -> {
                        int from = arg.offsets[i];
                        int to = arg.offsets[i + 1];
                        if (!seen[g] || better(Arrays.compareUnsigned(arg.bytes, from, to, strings[g], 0, strings[g].length))) {
                            strings[g] = Arrays.copyOfRange(arg.bytes, from, to);
                        }
                    }
                }
                seen[g] = true;
            }
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            Extreme o = (Extreme) other;
            for (int g = 0; g < otherGroups; g++) {
                if (!o.seen[g]) {
                    continue;
                }
                int t = map[g];
                switch (inType.physical()) {
                    case LONG -> {
                        if (!seen[t] || better(Long.compare(o.longs[g], longs[t]))) {
                            longs[t] = o.longs[g];
                        }
                    }
                    case DOUBLE -> {
                        if (!seen[t] || better(Values.compareDouble(o.doubles[g], doubles[t]))) {
                            doubles[t] = o.doubles[g];
                        }
                    }
                    case BYTES -> {
                        if (!seen[t] || better(Arrays.compareUnsigned(o.strings[g], strings[t]))) {
                            strings[t] = o.strings[g];
                        }
                    }
                }
                seen[t] = true;
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            for (int g = from; g < from + n; g++) {
                if (!seen[g]) {
                    out.appendNull();
                    continue;
                }
                switch (inType.physical()) {
                    case LONG -> out.appendLong(longs[g]);
                    case DOUBLE -> out.appendDouble(doubles[g]);
                    case BYTES -> out.appendBytes(strings[g], 0, strings[g].length);
                }
            }
        }

        @Override
        long bytes() {
            return seen.length * 9L + strings.length * 24L;
        }
    }

    /** Welford's running mean and squared deviations; partials combine with Chan's formula. */
    static final class Variance extends Accumulator {
        private final AggFn fn;
        private long[] counts = new long[0];
        private double[] means = new double[0];
        private double[] m2 = new double[0];

        Variance(ColumnType in, AggFn fn) {
            super(in, ColumnType.DOUBLE);
            this.fn = fn;
        }

        @Override
        protected void grow(int cap) {
            counts = Arrays.copyOf(counts, cap);
            means = Arrays.copyOf(means, cap);
            m2 = Arrays.copyOf(m2, cap);
        }

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            boolean longs = arg.type().physical() == ColumnType.Physical.LONG;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (arg.nulls[i]) {
                    continue;
                }
                int g = gids[k];
                double x = longs ? arg.longs[i] : arg.doubles[i];
                long c = ++counts[g];
                double d = x - means[g];
                means[g] += d / c;
                m2[g] += d * (x - means[g]);
            }
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            Variance o = (Variance) other;
            for (int g = 0; g < otherGroups; g++) {
                if (o.counts[g] == 0) {
                    continue;
                }
                int t = map[g];
                long na = counts[t];
                long nb = o.counts[g];
                long nn = na + nb;
                double d = o.means[g] - means[t];
                means[t] += d * nb / nn;
                m2[t] += o.m2[g] + d * d * na * nb / nn;
                counts[t] = nn;
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            boolean sample = fn == AggFn.STDDEV_SAMP || fn == AggFn.VAR_SAMP;
            boolean sqrt = fn == AggFn.STDDEV_SAMP || fn == AggFn.STDDEV_POP;
            for (int g = from; g < from + n; g++) {
                long c = counts[g];
                if (c == 0 || (sample && c == 1)) {
                    out.appendNull();
                    continue;
                }
                double v = Math.max(0, m2[g] / (sample ? c - 1 : c));
                out.appendDouble(sqrt ? Math.sqrt(v) : v);
            }
        }

        @Override
        long bytes() {
            return counts.length * 24L;
        }
    }

    /** Exact quantiles: every value of a group is kept and sorted at output. */
    static final class Quantile extends Accumulator {
        private final boolean continuous;
        private final double q;
        private double[][] values = new double[0][];
        private int[] counts = new int[0];
        private long bytes;

        Quantile(ColumnType in, ColumnType out, boolean continuous, double q) {
            super(in, out);
            this.continuous = continuous;
            this.q = q;
        }

        @Override
        protected void grow(int cap) {
            values = Arrays.copyOf(values, cap);
            counts = Arrays.copyOf(counts, cap);
        }

        private void push(int g, double x) {
            double[] a = values[g];
            if (a == null) {
                a = new double[4];
                values[g] = a;
                bytes += 32;
            } else if (counts[g] == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
                values[g] = a;
                bytes += a.length * 4L;
            }
            a[counts[g]++] = x;
        }

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            boolean longs = arg.type().physical() == ColumnType.Physical.LONG;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (!arg.nulls[i]) {
                    push(gids[k], longs ? arg.longs[i] : arg.doubles[i]);
                }
            }
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            Quantile o = (Quantile) other;
            for (int g = 0; g < otherGroups; g++) {
                for (int k = 0; k < o.counts[g]; k++) {
                    push(map[g], o.values[g][k]);
                }
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            for (int g = from; g < from + n; g++) {
                int c = counts[g];
                if (c == 0) {
                    out.appendNull();
                    continue;
                }
                double[] a = values[g];
                Arrays.sort(a, 0, c);
                double r;
                if (continuous) {
                    double pos = q * (c - 1);
                    int lo = (int) Math.floor(pos);
                    int hi = (int) Math.ceil(pos);
                    r = a[lo] + (a[hi] - a[lo]) * (pos - lo);
                } else {
                    // percentile_disc: the first value whose cumulative fraction reaches q.
                    int at = (int) Math.ceil(q * c) - 1;
                    r = a[Math.max(0, Math.min(c - 1, at))];
                }
                if (outType.physical() == ColumnType.Physical.LONG) {
                    out.appendLong((long) r);
                } else {
                    out.appendDouble(r);
                }
            }
        }

        @Override
        long bytes() {
            return bytes + counts.length * 12L;
        }
    }

    /** approx_quantile: a {@link KllSketch} per group (bounded memory, about 1.65% rank error). */
    static final class ApproxQuantile extends Accumulator {
        private final double q;
        private KllSketch[] sketches = new KllSketch[0];
        private long bytes;

        ApproxQuantile(ColumnType in, ColumnType out, double q) {
            super(in, out);
            this.q = q;
        }

        @Override
        protected void grow(int cap) {
            sketches = Arrays.copyOf(sketches, cap);
        }

        private KllSketch sketch(int g) {
            KllSketch s = sketches[g];
            if (s == null) {
                s = new KllSketch();
                sketches[g] = s;
                bytes += s.bytes();
            }
            return s;
        }

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            boolean longs = arg.type().physical() == ColumnType.Physical.LONG;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (!arg.nulls[i]) {
                    KllSketch s = sketch(gids[k]);
                    long before = s.count() <= KllSketch.K * 4L ? s.bytes() : -1;
                    s.add(longs ? arg.longs[i] : arg.doubles[i]);
                    if (before >= 0) {
                        bytes += s.bytes() - before; // sketches stop growing after a few thousand values
                    }
                }
            }
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            ApproxQuantile o = (ApproxQuantile) other;
            for (int g = 0; g < otherGroups; g++) {
                if (o.sketches[g] != null) {
                    KllSketch s = sketch(map[g]);
                    long before = s.bytes();
                    s.merge(o.sketches[g]);
                    bytes += s.bytes() - before;
                }
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            for (int g = from; g < from + n; g++) {
                KllSketch s = sketches[g];
                if (s == null || s.count() == 0) {
                    out.appendNull();
                } else if (outType.physical() == ColumnType.Physical.LONG) {
                    out.appendLong((long) s.quantile(q));
                } else {
                    out.appendDouble(s.quantile(q));
                }
            }
        }

        @Override
        long bytes() {
            return bytes + sketches.length * 8L;
        }
    }

    /** HyperLogLog with 2^12 one-byte registers per group (about 1.6% standard error). */
    static final class HyperLogLog extends Accumulator {
        private static final int P = 12;
        private static final int M = 1 << P;
        private byte[][] registers = new byte[0][];
        private long bytes;

        HyperLogLog(ColumnType in) {
            super(in, ColumnType.BIGINT);
        }

        @Override
        protected void grow(int cap) {
            registers = Arrays.copyOf(registers, cap);
        }

        private byte[] regs(int g) {
            byte[] r = registers[g];
            if (r == null) {
                r = new byte[M];
                registers[g] = r;
                bytes += M;
            }
            return r;
        }

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (arg.nulls[i]) {
                    continue;
                }
                long h = Values.hash(arg, i);
                int bucket = (int) (h >>> (64 - P));
                int rank = Long.numberOfLeadingZeros((h << P) | (1L << (P - 1))) + 1;
                byte[] r = regs(gids[k]);
                if (rank > r[bucket]) {
                    r[bucket] = (byte) rank;
                }
            }
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            HyperLogLog o = (HyperLogLog) other;
            for (int g = 0; g < otherGroups; g++) {
                if (o.registers[g] == null) {
                    continue;
                }
                byte[] r = regs(map[g]);
                byte[] s = o.registers[g];
                for (int b = 0; b < M; b++) {
                    if (s[b] > r[b]) {
                        r[b] = s[b];
                    }
                }
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            for (int g = from; g < from + n; g++) {
                byte[] r = registers[g];
                if (r == null) {
                    out.appendLong(0);
                    continue;
                }
                double sum = 0;
                int zeros = 0;
                for (byte b : r) {
                    sum += Math.scalb(1.0, -b);
                    if (b == 0) {
                        zeros++;
                    }
                }
                double alpha = 0.7213 / (1 + 1.079 / M);
                double e = alpha * M * M / sum;
                if (e <= 2.5 * M && zeros > 0) {
                    e = M * Math.log((double) M / zeros); // linear counting for small cardinalities
                }
                out.appendLong(Math.round(e));
            }
        }

        @Override
        long bytes() {
            return bytes;
        }
    }

    static final class BoolAgg extends Accumulator {
        private final boolean and;
        private byte[] state = new byte[0]; // 0 = no value, 1 = false, 2 = true

        BoolAgg(boolean and) {
            super(ColumnType.BOOLEAN, ColumnType.BOOLEAN);
            this.and = and;
        }

        @Override
        protected void grow(int cap) {
            state = Arrays.copyOf(state, cap);
        }

        private void fold(int g, boolean v) {
            boolean cur = state[g] == 2;
            boolean r = state[g] == 0 ? v : and ? cur && v : cur || v;
            state[g] = (byte) (r ? 2 : 1);
        }

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (!arg.nulls[i]) {
                    fold(gids[k], arg.longs[i] != 0);
                }
            }
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            byte[] o = ((BoolAgg) other).state;
            for (int g = 0; g < otherGroups; g++) {
                if (o[g] != 0) {
                    fold(map[g], o[g] == 2);
                }
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            for (int g = from; g < from + n; g++) {
                if (state[g] == 0) {
                    out.appendNull();
                } else {
                    out.appendLong(state[g] == 2 ? 1 : 0);
                }
            }
        }

        @Override
        long bytes() {
            return state.length;
        }
    }

    /**
     * COUNT / SUM / AVG / statistics over DISTINCT values: a value set per group (a primitive
     * {@link LongHashSet} for long-physical and double values, a {@link ByteDictionary} for strings:
     * no object per value); the inner aggregate runs over each set at output.
     */
    static final class Distinct extends Accumulator {
        private final Expr.Agg agg;
        private final boolean primitive;
        private LongHashSet[] longSets = new LongHashSet[0];
        private ByteDictionary[] byteSets = new ByteDictionary[0];
        private long bytes;

        Distinct(Expr.Agg agg, ColumnType in) {
            super(in, agg.type());
            this.agg = agg;
            this.primitive = in.physical() != ColumnType.Physical.BYTES;
        }

        @Override
        protected void grow(int cap) {
            if (primitive) {
                longSets = Arrays.copyOf(longSets, cap);
            } else {
                byteSets = Arrays.copyOf(byteSets, cap);
            }
        }

        private LongHashSet longSet(int g) {
            LongHashSet s = longSets[g];
            if (s == null) {
                s = new LongHashSet();
                longSets[g] = s;
                bytes += s.bytes();
            }
            return s;
        }

        private ByteDictionary byteSet(int g) {
            if (byteSets[g] == null) {
                byteSets[g] = new ByteDictionary(4);
                bytes += byteSets[g].bytes();
            }
            return byteSets[g];
        }

        /** Per dictionary code: already added in this batch (the one-group dictionary path). */
        private boolean[] seenCodes = new boolean[0];
        private int[] distinctCodes = new int[0];

        @Override
        void add(int[] gids, ColumnVector arg, int[] idx, int n) {
            if (!primitive && arg.dictCodes != null && arg.dictionary != null) {
                addCodes(gids, arg, idx, n);
                return;
            }
            boolean doubles = inType.physical() == ColumnType.Physical.DOUBLE;
            if (primitive && !doubles) {
                addLongs(gids, arg, idx, n);
                return;
            }
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (arg.nulls[i]) {
                    continue;
                }
                if (primitive) {
                    LongHashSet s = longSet(gids[k]);
                    long before = s.bytes();
                    s.add(doubles ? Values.normalizedBits(arg.doubles[i]) : arg.longs[i]);
                    bytes += s.bytes() - before;
                } else {
                    ByteDictionary d = byteSet(gids[k]);
                    long before = d.bytes();
                    d.intern(arg.bytes, arg.offsets[i], arg.offsets[i + 1]);
                    bytes += d.bytes() - before;
                }
            }
        }

        /** Rows per pass of {@link #addLongs}: the lines a pass touches stay in cache until the adds. */
        private static final int TOUCH_CHUNK = 256;
        private LongHashSet[] chunkSets = new LongHashSet[TOUCH_CHUNK];
        /** Written so the JIT keeps the touching loads. */
        private long touched;

        /**
         * Integer values into many groups' sets (COUNT(DISTINCT user_id) per search phrase): each
         * set's object, then the word or slot each value goes to, are loaded for a chunk of rows in
         * loops of independent loads before any add, so a row's misses (set, table, slot) overlap
         * with the other rows' instead of following one another.
         */
        private void addLongs(int[] gids, ColumnVector arg, int[] idx, int n) {
            long[] values = arg.longs;
            boolean[] nulls = arg.nulls;
            LongHashSet[] sets = chunkSets;
            for (int from = 0; from < n; from += TOUCH_CHUNK) {
                int to = Math.min(n, from + TOUCH_CHUNK);
                for (int k = from; k < to; k++) {
                    sets[k - from] = nulls[idx[k]] ? null : longSet(gids[k]);
                }
                long x = 0;
                for (int k = from; k < to; k++) {
                    LongHashSet set = sets[k - from];
                    if (set != null) {
                        x += set.touch(values[idx[k]]);
                    }
                }
                touched += x;
                for (int k = from; k < to; k++) {
                    LongHashSet set = sets[k - from];
                    if (set != null) {
                        long before = set.bytes();
                        set.add(values[idx[k]]);
                        bytes += set.bytes() - before;
                    }
                }
            }
            Arrays.fill(sets, null);
        }

        /**
         * Strings of a dictionary-coded batch, read from the dictionary (the vector may carry codes
         * only). With one group, as in {@code SELECT count(DISTINCT s)}, each distinct code of the
         * batch is added once; otherwise each row adds its code's entry.
         */
        private void addCodes(int[] gids, ColumnVector arg, int[] idx, int n) {
            ColumnVector d = arg.dictionary;
            int[] codes = arg.dictCodes;
            byte[] data = d.bytes;
            int[] offsets = d.offsets;
            boolean oneGroup = true;
            for (int k = 1; k < n && oneGroup; k++) {
                oneGroup = gids[k] == gids[0];
            }
            if (oneGroup && n > 0) {
                int entries = d.size();
                if (seenCodes.length < entries + 1) {
                    seenCodes = new boolean[Math.max(entries + 1, 64)];
                }
                boolean[] seen = seenCodes;
                if (distinctCodes.length < entries) {
                    distinctCodes = new int[Math.max(entries, 64)];
                }
                int[] batchCodes = distinctCodes;
                // Mark, then list the marked entries: two branch-free loops. A test per row of whether
                // its code was seen mispredicts about every other time when each code occurs a few
                // times per block (search phrases), and that was a fifth of COUNT(DISTINCT)'s time.
                // Slot 0 takes the NULL rows (code -1).
                int distinct = 0;
                if (n >= entries / 4) {
                    for (int k = 0; k < n; k++) {
                        seen[codes[idx[k]] + 1] = true;
                    }
                    for (int c = 0; c < entries; c++) {
                        batchCodes[distinct] = c;
                        distinct += seen[c + 1] ? 1 : 0;
                    }
                } else {
                    // few rows left by a filter: listing every entry would cost more than the test per row
                    for (int k = 0; k < n; k++) {
                        int c = codes[idx[k]];
                        if (c >= 0 && !seen[c + 1]) {
                            seen[c + 1] = true;
                            batchCodes[distinct++] = c;
                        }
                    }
                }
                ByteDictionary set = byteSet(gids[0]);
                long before = set.bytes();
                set.addEntries(data, offsets, batchCodes, distinct);
                bytes += set.bytes() - before;
                Arrays.fill(seen, 0, entries + 1, false);
                return;
            }
            for (int k = 0; k < n; k++) {
                int c = codes[idx[k]];
                if (c < 0) {
                    continue; // NULL
                }
                ByteDictionary set = byteSet(gids[k]);
                long before = set.bytes();
                set.intern(data, offsets[c], offsets[c + 1]);
                bytes += set.bytes() - before;
            }
        }

        @Override
        void merge(Accumulator other, int[] map, int otherGroups) {
            Distinct o = (Distinct) other;
            for (int g = 0; g < otherGroups; g++) {
                if (primitive && o.longSets[g] != null) {
                    LongHashSet s = longSet(map[g]);
                    long before = s.bytes();
                    s.addAll(o.longSets[g]);
                    bytes += s.bytes() - before;
                } else if (!primitive && o.byteSets[g] != null) {
                    ByteDictionary d = byteSet(map[g]);
                    long before = d.bytes();
                    d.addAll(o.byteSets[g]);
                    bytes += d.bytes() - before;
                }
            }
        }

        @Override
        void output(int from, int n, ColumnVector out) {
            if (agg.fn() == AggFn.COUNT) {
                for (int g = from; g < from + n; g++) {
                    out.appendLong(primitive ? (longSets[g] == null ? 0 : longSets[g].size()) : (byteSets[g] == null ? 0 : byteSets[g].size()));
                }
                return;
            }
            Expr.Agg plain = new Expr.Agg(agg.fn(), agg.args(), false, null, agg.param(), agg.type());
            Accumulator inner = Accumulator.create(plain);
            inner.ensure(n);
            ColumnVector values = new ColumnVector(inType, 64);
            boolean doubles = inType.physical() == ColumnType.Physical.DOUBLE;
            for (int g = from; g < from + n; g++) {
                values.reset(0);
                if (primitive && longSets[g] != null) {
                    values.ensureCapacity(longSets[g].size());
                    longSets[g].forEach(v -> {
                        if (doubles) {
                            values.appendDouble(Double.longBitsToDouble(v));
                        } else {
                            values.appendLong(v);
                        }
                    });
                } else if (!primitive && byteSets[g] != null) {
                    ByteDictionary d = byteSets[g];
                    for (int id = 0; id < d.size(); id++) {
                        values.appendBytes(d.data(), d.start(id), d.end(id) - d.start(id));
                    }
                }
                int cnt = values.size();
                int[] gids = new int[cnt];
                Arrays.fill(gids, g - from);
                inner.add(gids, values, Batch.identity(cnt), cnt);
            }
            inner.output(0, n, out);
        }

        @Override
        long bytes() {
            return bytes;
        }
    }

    static QueryException unsupported(String what) {
        return new QueryException(ErrorCode.UNSUPPORTED, what);
    }
}
