package io.quiver.query.exec;

import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dynamic pruning for {@code ORDER BY k [DESC] LIMIT n} over a scan, k a long-physical column: once
 * any worker of the top-N holds n rows, its worst key is a bound no row of the answer can be beyond
 * (that worker alone has n rows at least as good). The scan reads it before each split: a split
 * whose statistics lie wholly beyond it is skipped, and the others are opened with a zone-map range
 * up to it, so their blocks beyond it are skipped too. Splits are read best-first so the bound
 * tightens early. NULL keys: a split is narrowed only when it holds no NULL key or NULLs sort last
 * (a zone-map range rejects NULLs).
 */
final class TopNBound {
    private final int tableColumn;
    private final boolean descending;
    private final boolean nullsFirst;
    private final AtomicLong bound;
    private volatile boolean set;
    private final AtomicLong splitsSkipped = new AtomicLong();

    TopNBound(int tableColumn, boolean descending, boolean nullsFirst) {
        this.tableColumn = tableColumn;
        this.descending = descending;
        this.nullsFirst = nullsFirst;
        this.bound = new AtomicLong(descending ? Long.MIN_VALUE : Long.MAX_VALUE);
    }

    /** Offers a worker's current worst kept key: the bound only tightens. */
    void offer(long worstKept) {
        if (descending) {
            bound.accumulateAndGet(worstKept, Math::max);
        } else {
            bound.accumulateAndGet(worstKept, Math::min);
        }
        set = true;
    }

    /** The splits in the order that finds good rows first (by their statistics; unknown last). */
    List<ScanSplit> bestFirst(List<ScanSplit> splits) {
        List<ScanSplit> sorted = new ArrayList<>(splits);
        Comparator<ScanSplit> byStats = Comparator.comparingLong(s -> {
            ColumnStats st = s.columnStats(tableColumn);
            if (st == null || !st.hasMinMax()) {
                return descending ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            return descending ? -st.maxLong() : st.minLong();
        });
        sorted.sort(byStats);
        return sorted;
    }

    /** Null when the split cannot hold an answer row; else the predicate to open it with. */
    ScanPredicate narrow(ScanSplit split, ScanPredicate base) {
        if (!set) {
            return base;
        }
        ColumnStats st = split.columnStats(tableColumn);
        boolean noNulls = st != null && st.nullCount() == 0;
        if (!noNulls && nullsFirst) {
            return base; // NULL keys of this split would enter the answer: no narrowing
        }
        long b = bound.get();
        if (st != null && st.hasMinMax() && (descending ? st.maxLong() < b : st.minLong() > b)) {
            if (noNulls || !nullsFirst) {
                splitsSkipped.incrementAndGet();
                return null;
            }
        }
        List<ScanPredicate.Condition> conditions = new ArrayList<>(base.conditions());
        conditions.add(descending ? new ScanPredicate.LongRange(tableColumn, b, Long.MAX_VALUE)
                : new ScanPredicate.LongRange(tableColumn, Long.MIN_VALUE, b));
        return ScanPredicate.of(conditions);
    }

    int tableColumn() {
        return tableColumn;
    }

    /**
     * Narrows a batch's selection to rows whose key may still enter the answer: at or before the
     * bound (ties stay: a later sort key may decide them), or NULL (kept, whatever their order).
     * Does nothing until a bound is known.
     */
    void narrowRows(Batch b, ColumnVector keys, int[] buf) {
        if (!set) {
            return;
        }
        long limit = bound.get();
        int[] idx = b.positions();
        int n = b.count;
        long[] v = keys.longs;
        boolean[] nulls = keys.nulls;
        boolean anyNull = keys.hasNulls;
        int m = 0;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            boolean keep = descending ? v[i] >= limit : v[i] <= limit;
            buf[m] = i;
            m += keep || anyNull && nulls[i] ? 1 : 0;
        }
        b.sel = buf;
        b.count = m;
    }

    long splitsSkipped() {
        return splitsSkipped.get();
    }
}
