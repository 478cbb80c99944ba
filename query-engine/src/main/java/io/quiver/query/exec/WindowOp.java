package io.quiver.query.exec;

import io.quiver.query.QueryException;
import io.quiver.query.plan.Field;
import io.quiver.query.plan.Frame;
import io.quiver.query.plan.Plan;
import io.quiver.query.plan.SortKey;
import io.quiver.query.plan.WinFn;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Window functions (PostgreSQL semantics). A pipeline breaker: every worker copies its rows into a
 * {@link RowStore}; at the break the stores are concatenated, and for each function the rows are
 * ordered by an index permutation (partition keys, then the window's ORDER BY keys; a stable sort),
 * partitions and peer groups are found, and the function is evaluated per position into primitive
 * arrays. Rows leave in input order with one extra column per function.
 *
 * <p>Frame aggregates run in O(n) for frames anchored at the partition start (running totals, the
 * default with ORDER BY) or end, and in O(n·width) for bounded ROWS frames.
 */
final class WindowOp extends PhysicalOp {
    private final List<Plan.WindowFn> fns;
    private final List<Field> inFields;
    private final List<Field> outFields;

    WindowOp(PhysicalOp child, List<Plan.WindowFn> fns, List<Field> inFields, List<Field> outFields) {
        super(List.of(child));
        this.fns = fns;
        this.inFields = inFields;
        this.outFields = outFields;
    }

    @Override
    protected void execute(ExecContext ctx, Sink.Factory down) {
        List<ColumnType> types = inFields.stream().map(Field::type).toList();
        List<RowStore> stores = new ArrayList<>();
        children.get(0).run(ctx, () -> new Sink() {
            final RowStore store = new RowStore(types, ctx.query());

            @Override
            public void accept(Batch b) {
                store.append(b, null);
            }

            @Override
            public void finish() {
                synchronized (stores) {
                    stores.add(store);
                }
            }
        });
        RowStore all = stores.isEmpty() ? new RowStore(types, ctx.query()) : stores.get(0);
        for (int i = 1; i < stores.size(); i++) {
            RowStore s = stores.get(i);
            for (int r = 0; r < s.size(); r++) {
                all.appendRow(s, r);
            }
            all.account();
            s.release();
        }
        int n = all.size();
        long resultBytes = (long) n * fns.size() * 13L;
        ctx.query().reserve(resultBytes);
        try {
            Result[] results = new Result[fns.size()];
            for (int f = 0; f < fns.size(); f++) {
                results[f] = compute(all, fns.get(f), ctx);
            }
            emit(all, results, ctx, down);
        } finally {
            ctx.query().release(resultBytes);
            all.release();
        }
    }

    /** One function's values, indexed by input row. */
    private static final class Result {
        final ColumnType type;
        /** For LONG/DOUBLE results computed here. */
        long[] longs;
        double[] doubles;
        boolean[] nulls;
        /** For values copied from a row of {@code source} (lag, lead, min, max): the row, or -1 for NULL / default. */
        int[] sourceRow;
        ColumnVector source;
        ColumnVector defaultValue;

        Result(ColumnType type) {
            this.type = type;
        }
    }

    private void emit(RowStore all, Result[] results, ExecContext ctx, Sink.Factory down) {
        int n = all.size();
        int width = inFields.size();
        ColumnVector[] cols = new ColumnVector[outFields.size()];
        for (int c = 0; c < cols.length; c++) {
            cols[c] = new ColumnVector(outFields.get(c).type(), Batch.MAX_ROWS);
        }
        Sink sink = down.create();
        Batch b = new Batch(cols, 0);
        int[] rows = new int[Batch.MAX_ROWS];
        ColumnVector[] in = new ColumnVector[width];
        System.arraycopy(cols, 0, in, 0, width);
        for (int from = 0; from < n && !ctx.stopped(); from += Batch.MAX_ROWS) {
            int m = Math.min(Batch.MAX_ROWS, n - from);
            for (int k = 0; k < m; k++) {
                rows[k] = from + k;
            }
            all.gather(rows, 0, m, in);
            for (int f = 0; f < results.length; f++) {
                fill(results[f], from, m, cols[width + f]);
            }
            b.set(cols, m);
            sink.accept(b);
            ctx.checkAlive();
        }
        sink.finish();
    }

    private static void fill(Result r, int from, int m, ColumnVector out) {
        out.reset(m);
        for (int k = 0; k < m; k++) {
            int row = from + k;
            if (r.sourceRow != null) {
                int src = r.sourceRow[row];
                if (src >= 0) {
                    out.appendFrom(r.source, src);
                } else if (src == -2 && r.defaultValue != null) {
                    out.appendFrom(r.defaultValue, 0);
                } else {
                    out.appendNull();
                }
            } else if (r.nulls != null && r.nulls[row]) {
                out.appendNull();
            } else if (r.type.physical() == ColumnType.Physical.DOUBLE) {
                out.appendDouble(r.doubles[row]);
            } else {
                out.appendLong(r.longs[row]);
            }
        }
    }

    // ------------------------------------------------------------------ evaluation

    private Result compute(RowStore all, Plan.WindowFn fn, ExecContext ctx) {
        int n = all.size();
        int[] ord = new int[n];
        for (int i = 0; i < n; i++) {
            ord[i] = i;
        }
        ColumnVector[] cols = all.cols;
        int[] part = fn.partition();
        List<SortKey> order = fn.order();
        IntSort.sort(ord, (a, b) -> {
            for (int c : part) {
                int x = compareNullable(cols[c], a, b, true);
                if (x != 0) {
                    return x;
                }
            }
            return compareOrder(cols, order, a, b);
        });
        ctx.checkAlive();
        // Partition and peer boundaries over positions in ord.
        int[] partStart = new int[n];
        int[] peerStart = new int[n];
        int[] peerEnd = new int[n];
        for (int k = 0; k < n; k++) {
            boolean newPart = k == 0;
            for (int c = 0; !newPart && c < part.length; c++) {
                newPart = compareNullable(cols[part[c]], ord[k - 1], ord[k], true) != 0;
            }
            partStart[k] = newPart ? k : partStart[k - 1];
            boolean newPeer = newPart || compareOrder(cols, order, ord[k - 1], ord[k]) != 0;
            peerStart[k] = newPeer ? k : peerStart[k - 1];
        }
        for (int k = n - 1; k >= 0; k--) {
            boolean lastPeer = k == n - 1 || peerStart[k + 1] == k + 1;
            peerEnd[k] = lastPeer ? k + 1 : peerEnd[k + 1];
        }
        Result r = new Result(fn.type());
        switch (fn.fn()) {
            case ROW_NUMBER, RANK, DENSE_RANK -> {
                r.longs = new long[n];
                long dense = 0;
                for (int k = 0; k < n; k++) {
                    if (partStart[k] == k) {
                        dense = 0;
                    }
                    if (peerStart[k] == k) {
                        dense++;
                    }
                    long v = switch (fn.fn()) {
                        case ROW_NUMBER -> k - partStart[k] + 1;
                        case RANK -> peerStart[k] - partStart[k] + 1;
                        default -> dense;
                    };
                    r.longs[ord[k]] = v;
                }
            }
            case LAG, LEAD -> {
                r.sourceRow = new int[n];
                r.source = cols[fn.arg()];
                if (fn.defaultValue() != null && fn.defaultValue().value() != null) {
                    r.defaultValue = constant(fn.defaultValue(), fn.type());
                }
                int[] partEnd = partitionEnds(partStart);
                for (int k = 0; k < n; k++) {
                    long j = fn.fn() == WinFn.LAG ? k - fn.offset() : k + fn.offset();
                    r.sourceRow[ord[k]] = j >= partStart[k] && j < partEnd[k] ? ord[(int) j] : -2;
                }
            }
            case NTILE, PERCENT_RANK, CUME_DIST -> distribution(fn, ord, partStart, peerStart, peerEnd, r);
            case FIRST_VALUE, LAST_VALUE, NTH_VALUE -> frameValue(fn, cols, ord, partStart, peerStart, peerEnd, r);
            default -> frameAggregate(fn, cols, ord, partStart, peerStart, peerEnd, r, ctx);
        }
        return r;
    }

    /** The end (exclusive, a position in ord) of each position's partition. */
    private static int[] partitionEnds(int[] partStart) {
        int n = partStart.length;
        int[] partEnd = new int[n];
        for (int k = n - 1; k >= 0; k--) {
            partEnd[k] = k == n - 1 || partStart[k + 1] == k + 1 ? k + 1 : partEnd[k + 1];
        }
        return partEnd;
    }

    /**
     * ntile, percent_rank and cume_dist, as PostgreSQL defines them: ntile gives the first
     * {@code size % n} buckets one row more than the others; percent_rank is (rank - 1) / (rows - 1),
     * 0 for a one-row partition; cume_dist is (rows up to the current row's last peer) / rows.
     */
    private static void distribution(Plan.WindowFn fn, int[] ord, int[] partStart, int[] peerStart, int[] peerEnd, Result r) {
        int n = ord.length;
        int[] partEnd = partitionEnds(partStart);
        if (fn.fn() == WinFn.NTILE) {
            r.longs = new long[n];
        } else {
            r.doubles = new double[n];
        }
        for (int k = 0; k < n; k++) {
            int ps = partStart[k];
            long size = partEnd[k] - ps;
            long i = k - ps;
            switch (fn.fn()) {
                case NTILE -> {
                    long buckets = fn.offset();
                    long small = size / buckets;
                    long large = size % buckets;
                    long inLarge = large * (small + 1);
                    r.longs[ord[k]] = i < inLarge ? i / (small + 1) + 1 : large + (i - inLarge) / small + 1;
                }
                case PERCENT_RANK -> r.doubles[ord[k]] = size == 1 ? 0.0 : (double) (peerStart[k] - ps) / (size - 1);
                default -> r.doubles[ord[k]] = (double) (peerEnd[k] - ps) / size;
            }
        }
    }

    /** first_value, last_value and nth_value: the row at that position of each row's frame, NULL where the frame is shorter. */
    private static void frameValue(Plan.WindowFn fn, ColumnVector[] cols, int[] ord, int[] partStart, int[] peerStart, int[] peerEnd,
                                   Result r) {
        int n = ord.length;
        int[] partEnd = partitionEnds(partStart);
        r.sourceRow = new int[n];
        r.source = cols[fn.arg()];
        Frame frame = fn.frame();
        for (int j = 0; j < n; j++) {
            int lo = frameStart(frame, j, partStart[j], partEnd[j], peerStart);
            int hi = frameEnd(frame, j, partStart[j], partEnd[j], peerEnd);
            long at = switch (fn.fn()) {
                case FIRST_VALUE -> lo;
                case LAST_VALUE -> hi - 1L;
                default -> lo + fn.offset() - 1;
            };
            r.sourceRow[ord[j]] = lo < hi && at >= lo && at < hi ? ord[(int) at] : -1;
        }
    }

    private static ColumnVector constant(io.quiver.query.plan.Expr.Lit lit, ColumnType type) {
        ColumnVector v = new ColumnVector(type, 1);
        switch (type.physical()) {
            case LONG -> v.appendLong(((Number) lit.value()).longValue());
            case DOUBLE -> v.appendDouble(((Number) lit.value()).doubleValue());
            case BYTES -> v.appendString((String) lit.value());
        }
        return v;
    }

    private static int compareNullable(ColumnVector v, int a, int b, boolean nullsFirst) {
        boolean na = v.nulls[a];
        boolean nb = v.nulls[b];
        if (na || nb) {
            return na == nb ? 0 : (na == nullsFirst ? -1 : 1);
        }
        return Values.compare(v, a, v, b);
    }

    private static int compareOrder(ColumnVector[] cols, List<SortKey> order, int a, int b) {
        for (SortKey k : order) {
            ColumnVector v = cols[k.column()];
            boolean na = v.nulls[a];
            boolean nb = v.nulls[b];
            if (na || nb) {
                if (na && nb) {
                    continue;
                }
                return na == k.nullsFirst() ? -1 : 1;
            }
            int c = Values.compare(v, a, v, b);
            if (c != 0) {
                return k.descending() ? -c : c;
            }
        }
        return 0;
    }

    /** The running state of one frame aggregate. */
    private static final class Acc {
        final WinFn fn;
        final ColumnVector v;
        final boolean integral;
        long count;
        long sumLong;
        boolean sumOverflow;
        double sumDouble;
        int best = -1;

        Acc(WinFn fn, ColumnVector v) {
            this.fn = fn;
            this.v = v;
            this.integral = v != null && v.type().physical() == ColumnType.Physical.LONG;
        }

        void reset() {
            count = 0;
            sumLong = 0;
            sumOverflow = false;
            sumDouble = 0;
            best = -1;
        }

        void add(int row) {
            if (fn == WinFn.COUNT_STAR) {
                count++;
                return;
            }
            if (v.nulls[row]) {
                return;
            }
            count++;
            switch (fn) {
                case SUM, AVG -> {
                    if (integral) {
                        long x = v.longs[row];
                        sumDouble += x;
                        if (!sumOverflow) {
                            long s = sumLong + x;
                            if (((sumLong ^ s) & (x ^ s)) < 0) {
                                sumOverflow = true;
                            }
                            sumLong = s;
                        }
                    } else {
                        sumDouble += v.doubles[row];
                    }
                }
                case MIN -> best = best < 0 || Values.compare(v, row, v, best) < 0 ? row : best;
                case MAX -> best = best < 0 || Values.compare(v, row, v, best) > 0 ? row : best;
                default -> { }
            }
        }

        void write(Result r, int row) {
            switch (fn) {
                case COUNT_STAR, COUNT -> r.longs[row] = count;
                case MIN, MAX -> r.sourceRow[row] = best;
                case SUM -> {
                    if (count == 0) {
                        r.nulls[row] = true;
                    } else if (integral) {
                        if (sumOverflow) {
                            throw QueryException.overflow("BIGINT");
                        }
                        r.longs[row] = sumLong;
                    } else {
                        r.doubles[row] = sumDouble;
                    }
                }
                case AVG -> {
                    if (count == 0) {
                        r.nulls[row] = true;
                    } else {
                        r.doubles[row] = (integral && !sumOverflow ? (double) sumLong : sumDouble) / count;
                    }
                }
                default -> throw new IllegalStateException(fn.name());
            }
        }
    }

    private static void frameAggregate(Plan.WindowFn fn, ColumnVector[] cols, int[] ord, int[] partStart, int[] peerStart,
                                       int[] peerEnd, Result r, ExecContext ctx) {
        int n = ord.length;
        ColumnVector v = fn.arg() < 0 ? null : cols[fn.arg()];
        switch (fn.fn()) {
            case MIN, MAX -> {
                r.sourceRow = new int[n];
                r.source = v;
            }
            case COUNT_STAR, COUNT -> r.longs = new long[n];
            default -> {
                r.nulls = new boolean[n];
                if (fn.type().physical() == ColumnType.Physical.DOUBLE) {
                    r.doubles = new double[n];
                } else {
                    r.longs = new long[n];
                }
            }
        }
        Frame frame = fn.frame();
        Acc acc = new Acc(fn.fn(), v);
        int k = 0;
        while (k < n) {
            int ps = k;
            int pe = k + 1;
            while (pe < n && partStart[pe] == ps) {
                pe++;
            }
            if (frame.start() == Frame.UNBOUNDED_PRECEDING) {
                // Frames grow from the partition start: add rows as the frame end advances.
                acc.reset();
                int added = ps;
                for (int j = ps; j < pe; j++) {
                    int hi = frameEnd(frame, j, ps, pe, peerEnd);
                    while (added < hi) {
                        acc.add(ord[added++]);
                    }
                    acc.write(r, ord[j]);
                }
            } else if (frame.end() == Frame.UNBOUNDED_FOLLOWING) {
                // Frames reach the partition end: add rows as the frame start moves back.
                acc.reset();
                int added = pe;
                for (int j = pe - 1; j >= ps; j--) {
                    int lo = frameStart(frame, j, ps, pe, peerStart);
                    while (added > lo) {
                        acc.add(ord[--added]);
                    }
                    acc.write(r, ord[j]);
                }
            } else {
                for (int j = ps; j < pe; j++) {
                    int lo = frameStart(frame, j, ps, pe, peerStart);
                    int hi = frameEnd(frame, j, ps, pe, peerEnd);
                    acc.reset();
                    for (int x = lo; x < hi; x++) {
                        acc.add(ord[x]);
                    }
                    acc.write(r, ord[j]);
                }
            }
            ctx.checkAlive();
            k = pe;
        }
    }

    private static int frameStart(Frame f, int j, int ps, int pe, int[] peerStart) {
        if (f.start() == Frame.UNBOUNDED_PRECEDING) {
            return ps;
        }
        if (!f.rows()) {
            return f.start() == Frame.UNBOUNDED_FOLLOWING ? pe : peerStart[j];
        }
        return (int) Math.max(ps, Math.min(pe, j + f.start()));
    }

    private static int frameEnd(Frame f, int j, int ps, int pe, int[] peerEnd) {
        if (f.end() == Frame.UNBOUNDED_FOLLOWING) {
            return pe;
        }
        if (!f.rows()) {
            return peerEnd[j];
        }
        return (int) Math.max(ps, Math.min(pe, j + f.end() + 1));
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder("Window");
        for (int f = 0; f < fns.size(); f++) {
            Plan.WindowFn w = fns.get(f);
            b.append(f == 0 ? " " : ", ").append(w.fn().name().toLowerCase(Locale.ROOT)).append('(')
                    .append(w.arg() < 0 ? "" : inFields.get(w.arg()).name()).append(") OVER (");
            if (w.partition().length > 0) {
                b.append("PARTITION BY ");
                for (int i = 0; i < w.partition().length; i++) {
                    b.append(i == 0 ? "" : ", ").append(inFields.get(w.partition()[i]).name());
                }
                b.append(' ');
            }
            if (!w.order().isEmpty()) {
                b.append("ORDER BY ");
                for (int i = 0; i < w.order().size(); i++) {
                    SortKey k = w.order().get(i);
                    b.append(i == 0 ? "" : ", ").append(inFields.get(k.column()).name()).append(k.descending() ? " DESC" : "");
                }
                b.append(' ');
            }
            b.append(w.fn().usesFrame() ? w.frame().toString() : "").append(')');
        }
        return b.toString();
    }
}
