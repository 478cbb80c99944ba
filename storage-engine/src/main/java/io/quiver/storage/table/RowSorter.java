package io.quiver.storage.table;

import io.quiver.storage.PartitionBy;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.List;

/**
 * Computes the order in which a flush or compaction writes rows: by time partition of the
 * designated timestamp, then by the table's sort key (NULLs first), stable. Works on an index
 * permutation with primitive comparisons; the rows themselves are not moved.
 */
final class RowSorter {
    private final RowBatch rows;
    private final long[] partitionOf;
    private final int[] keyColumns;

    RowSorter(RowBatch rows, int timestampColumn, PartitionBy partitionBy, List<Integer> sortKey) {
        this.rows = rows;
        int n = rows.rowCount();
        this.partitionOf = new long[n];
        ColumnVector ts = rows.column(timestampColumn);
        for (int i = 0; i < n; i++) {
            partitionOf[i] = partitionBy.partitionStart(ts.longs[i]);
        }
        this.keyColumns = sortKey.stream().mapToInt(Integer::intValue).toArray();
    }

    long partitionOf(int row) {
        return partitionOf[row];
    }

    /**
     * The sorted permutation of row indexes. Ingest is mostly in order (concurrent writers interleave
     * batches that are each in order), so the rows are taken as the natural runs they already form
     * and adjacent runs are merged, each merge moving only the rows where the two runs overlap.
     */
    int[] sort() {
        int n = rows.rowCount();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        int[] runEnds = naturalRuns(idx);
        int runs = runEnds.length;
        int[] tmp = new int[0];
        for (int width = 1; width < runs; width *= 2) {
            for (int left = 0; left + width < runs; left += 2 * width) {
                int lo = left == 0 ? 0 : runEnds[left - 1];
                int mid = runEnds[left + width - 1];
                int hi = runEnds[Math.min(runs, left + 2 * width) - 1];
                tmp = merge(idx, lo, mid, hi, tmp);
            }
        }
        return idx;
    }

    /** Shortest run worth merging; shorter stretches (random data) are extended by insertion sort. */
    private static final int MIN_RUN = 32;

    /**
     * Splits the identity permutation {@code idx} into ascending runs (reversing strictly
     * descending ones, which keeps equal rows in arrival order) and returns where each run ends.
     */
    private int[] naturalRuns(int[] idx) {
        int n = idx.length;
        int[] ends = new int[16];
        int count = 0;
        int start = 0;
        while (start < n) {
            int end = start + 1;
            if (end < n && compare(idx[end - 1], idx[end]) > 0) {
                while (end < n && compare(idx[end - 1], idx[end]) > 0) {
                    end++;
                }
                reverse(idx, start, end);
            } else {
                while (end < n && compare(idx[end - 1], idx[end]) <= 0) {
                    end++;
                }
            }
            if (end - start < MIN_RUN && end < n) {
                int forced = Math.min(n, start + MIN_RUN);
                insertionSort(idx, start, end, forced);
                end = forced;
            }
            if (count == ends.length) {
                ends = java.util.Arrays.copyOf(ends, count * 2);
            }
            ends[count++] = end;
            start = end;
        }
        return java.util.Arrays.copyOf(ends, count);
    }

    private static void reverse(int[] a, int from, int to) {
        for (int i = from, j = to - 1; i < j; i++, j--) {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Sorts {@code a[from..to)} given that {@code a[from..sortedTo)} is already sorted; stable. */
    private void insertionSort(int[] a, int from, int sortedTo, int to) {
        for (int i = sortedTo; i < to; i++) {
            int v = a[i];
            int j = i - 1;
            while (j >= from && compare(a[j], v) > 0) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /**
     * Merges the sorted runs {@code a[lo..mid)} and {@code a[mid..hi)} in place, stable. Rows of the
     * left run not after the right run's first row, and rows of the right run not before the left
     * run's last row, are already in place; only the overlap between them is merged. Returns the
     * scratch array, grown if it had to be.
     */
    private int[] merge(int[] a, int lo, int mid, int hi, int[] tmp) {
        if (lo >= mid || mid >= hi || compare(a[mid - 1], a[mid]) <= 0) {
            return tmp;
        }
        int from = firstAfter(a, lo, mid, a[mid], false);
        int to = firstAfter(a, mid, hi, a[mid - 1], true);
        int leftLength = mid - from;
        if (tmp.length < leftLength) {
            tmp = new int[Math.max(leftLength, tmp.length * 2)];
        }
        System.arraycopy(a, from, tmp, 0, leftLength);
        int i = 0;
        int j = mid;
        int k = from;
        while (i < leftLength && j < to) {
            a[k++] = compare(a[j], tmp[i]) < 0 ? a[j++] : tmp[i++];
        }
        System.arraycopy(tmp, i, a, k, leftLength - i); // the right run's rest is already in place
        return tmp;
    }

    /**
     * The first position in sorted {@code a[from..to)} whose row sorts after {@code row}, or with
     * {@code orEqual} the first whose row does not sort before it.
     */
    private int firstAfter(int[] a, int from, int to, int row, boolean orEqual) {
        int lo = from;
        int hi = to;
        int limit = orEqual ? -1 : 0;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (compare(a[m], row) <= limit) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }

    /** Whether the rows are already in order, as they stand. */
    boolean inOrder() {
        for (int i = 1, n = rows.rowCount(); i < n; i++) {
            if (compare(i - 1, i) > 0) {
                return false;
            }
        }
        return true;
    }

    int compare(int r1, int r2) {
        int c = Long.compare(partitionOf[r1], partitionOf[r2]);
        if (c != 0) {
            return c;
        }
        for (int col : keyColumns) {
            c = compareValues(rows.column(col), r1, r2);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareValues(ColumnVector v, int r1, int r2) {
        return compareValues(v, r1, v, r2);
    }

    /** Row {@code ra} of {@code a} against row {@code rb} of {@code b} (same type): NULLs first, strings by unsigned bytes. */
    static int compareValues(ColumnVector a, int ra, ColumnVector b, int rb) {
        boolean na = a.nulls[ra];
        boolean nb = b.nulls[rb];
        if (na || nb) {
            return na == nb ? 0 : (na ? -1 : 1);
        }
        return switch (a.type().physical()) {
            case LONG -> Long.compare(a.longs[ra], b.longs[rb]);
            case DOUBLE -> Double.compare(a.doubles[ra], b.doubles[rb]);
            case BYTES -> java.util.Arrays.compareUnsigned(a.bytes, a.offsets[ra], a.offsets[ra + 1], b.bytes, b.offsets[rb], b.offsets[rb + 1]);
        };
    }
}
