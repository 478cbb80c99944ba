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

    /** The sorted permutation of row indexes. */
    int[] sort() {
        int n = rows.rowCount();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (isSorted(idx)) {
            return idx; // time-ordered ingest is the common case: nothing to do
        }
        int[] tmp = new int[n];
        mergeSort(idx, tmp, 0, n);
        return idx;
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

    private boolean isSorted(int[] idx) {
        for (int i = 1; i < idx.length; i++) {
            if (compare(idx[i - 1], idx[i]) > 0) {
                return false;
            }
        }
        return true;
    }

    private void mergeSort(int[] a, int[] tmp, int from, int to) {
        int len = to - from;
        if (len <= 32) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid);
        mergeSort(a, tmp, mid, to);
        if (compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, len);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            a[k++] = compare(tmp[j], tmp[i]) < 0 ? tmp[j++] : tmp[i++];
        }
        while (i < mid) {
            a[k++] = tmp[i++];
        }
        while (j < to) {
            a[k++] = tmp[j++];
        }
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
