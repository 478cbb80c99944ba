package io.quiver.query.exec;

import io.quiver.query.plan.Field;
import io.quiver.query.plan.SortKey;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.util.ArrayList;
import java.util.List;

/**
 * ORDER BY, optionally with LIMIT/OFFSET (top-N). Each worker copies its rows into its own {@link
 * RowStore}; for top-N a worker's store is cut back to the best {@code offset+limit} rows whenever
 * it doubles, so it stays bounded. At the break the stores are concatenated, sorted by an index
 * permutation (no row moves) and emitted in order.
 */
final class SortOp extends PhysicalOp {
    private final List<SortKey> keys;
    private final List<Field> fields;
    private final long limit;
    private final long offset;

    /** Where this top-N publishes its cutoff on the first key, or null. */
    private TopNBound bound;

    void publishCutoffTo(TopNBound bound) {
        this.bound = bound;
    }

    /** The keys as arrays: comparators run per row pair, without iterator allocation. */
    private final int[] keyColumns;
    private final boolean[] keyDescending;
    private final boolean[] keyNullsFirst;

    SortOp(PhysicalOp child, List<SortKey> keys, List<Field> fields, long limit, long offset) {
        super(List.of(child));
        this.keys = keys;
        this.keyColumns = keys.stream().mapToInt(SortKey::column).toArray();
        this.keyDescending = new boolean[keys.size()];
        this.keyNullsFirst = new boolean[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            keyDescending[i] = keys.get(i).descending();
            keyNullsFirst[i] = keys.get(i).nullsFirst();
        }
        this.fields = fields;
        this.limit = limit;
        this.offset = offset;
    }

    private List<ColumnType> types() {
        return fields.stream().map(Field::type).toList();
    }

    private long keep() {
        return limit < 0 ? Long.MAX_VALUE : offset + limit;
    }

    private final class Collector implements Sink {
        RowStore store;
        private final List<RowStore> done;
        private final ExecContext ctx;

        Collector(ExecContext ctx, List<RowStore> done) {
            this.ctx = ctx;
            this.done = done;
            this.store = new RowStore(types(), ctx.query());
        }

        /** Top-N: the worst row this worker keeps (last of its truncated store), or -1 before the first cut. */
        private int cutoff = -1;
        private int[] sel = new int[Batch.MAX_ROWS];

        @Override
        public void accept(Batch b) {
            if (cutoff >= 0) {
                // Only rows that sort strictly before the cutoff can still enter this worker's top N:
                // skip the others before any copy (a tie with the cutoff changes no answer ORDER BY defines).
                int[] idx = b.positions();
                if (sel.length < b.count) {
                    sel = new int[b.count];
                }
                int m = 0;
                for (int k = 0; k < b.count; k++) {
                    if (compareToStored(b.cols, idx[k], store.cols, cutoff) < 0) {
                        sel[m++] = idx[k];
                    }
                }
                if (m == 0) {
                    return;
                }
                int[] oldSel = b.sel;
                int oldCount = b.count;
                b.sel = sel;
                b.count = m;
                store.append(b, null);
                b.sel = oldSel;
                b.count = oldCount;
            } else {
                store.append(b, null);
            }
            long keep = keep();
            // Cut back to N rows whenever there are 2N: sorting stays amortised (each cut at least halves
            // the store, at most one cut per batch), and the cutoff, and the scan bound it publishes,
            // tighten as better rows arrive.
            if (keep != Long.MAX_VALUE && store.size() > 2 * keep) {
                store = truncate(store, keep, ctx);
                cutoff = store.size() >= keep ? store.size() - 1 : -1;
                TopNBound tb = bound;
                if (tb != null && cutoff >= 0 && !store.cols[keyColumns[0]].nulls[cutoff]) {
                    tb.offer(store.cols[keyColumns[0]].longs[cutoff]);
                }
            }
        }

        @Override
        public void finish() {
            synchronized (done) {
                done.add(store);
            }
        }
    }

    private RowStore truncate(RowStore s, long keep, ExecContext ctx) {
        int[] order = order(s, ctx);
        RowStore t = new RowStore(types(), ctx.query());
        for (int k = 0; k < Math.min(keep, order.length); k++) {
            t.appendRow(s, order[k]);
        }
        s.release();
        return t;
    }

    /** Compares row {@code a} of {@code x} with row {@code b} of {@code y} by the sort keys (NULL placement included). */
    private int compareToStored(ColumnVector[] x, int a, ColumnVector[] y, int b) {
        for (int k = 0; k < keyColumns.length; k++) {
            ColumnVector v = x[keyColumns[k]];
            ColumnVector w = y[keyColumns[k]];
            boolean na = v.nulls[a];
            boolean nb = w.nulls[b];
            if (na || nb) {
                if (na && nb) {
                    continue;
                }
                return na == keyNullsFirst[k] ? -1 : 1;
            }
            int c = Values.compare(v, a, w, b);
            if (c != 0) {
                return keyDescending[k] ? -c : c;
            }
        }
        return 0;
    }

    private int[] order(RowStore s, ExecContext ctx) {
        int n = s.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        ColumnVector[] cols = s.cols;
        IntSort.sort(idx, (a, b) -> compareToStored(cols, a, cols, b));
        ctx.checkAlive();
        return idx;
    }

    @Override
    protected void execute(ExecContext ctx, Sink.Factory down) {
        List<RowStore> stores = new ArrayList<>();
        children.get(0).run(ctx, () -> new Collector(ctx, stores));
        RowStore all = stores.isEmpty() ? new RowStore(types(), ctx.query()) : stores.get(0);
        for (int i = 1; i < stores.size(); i++) {
            RowStore s = stores.get(i);
            for (int r = 0; r < s.size(); r++) {
                all.appendRow(s, r);
            }
            all.account();
            s.release();
        }
        int[] order = order(all, ctx);
        long end = Math.min(order.length, keep());
        Sink sink = down.create();
        ColumnVector[] cols = new ColumnVector[fields.size()];
        for (int c = 0; c < cols.length; c++) {
            cols[c] = new ColumnVector(fields.get(c).type(), Batch.MAX_ROWS);
        }
        Batch b = new Batch(cols, 0);
        for (long from = Math.min(offset, end); from < end && !ctx.stopped(); from += Batch.MAX_ROWS) {
            int n = (int) Math.min(Batch.MAX_ROWS, end - from);
            all.gather(order, (int) from, n, cols);
            b.set(cols, n);
            sink.accept(b);
            ctx.checkAlive();
        }
        sink.finish();
        all.release();
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder(limit >= 0 ? "TopN limit=" + limit + (offset > 0 ? " offset=" + offset : "") + " " : "Sort ");
        for (int i = 0; i < keys.size(); i++) {
            SortKey k = keys.get(i);
            b.append(i == 0 ? "" : ", ").append(fields.get(k.column()).name()).append(k.descending() ? " DESC" : " ASC")
                    .append(k.nullsFirst() ? " NULLS FIRST" : " NULLS LAST");
        }
        return b.toString();
    }
}
