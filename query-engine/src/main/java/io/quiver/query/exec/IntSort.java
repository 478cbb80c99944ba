package io.quiver.query.exec;

/** A stable merge sort of int indexes with a primitive comparator (no boxing). */
final class IntSort {
    @FunctionalInterface
    interface Comparator {
        int compare(int a, int b);
    }

    private IntSort() {
    }

    static void sort(int[] a, Comparator c) {
        if (a.length < 2) {
            return;
        }
        int[] tmp = new int[a.length];
        sort(a, tmp, 0, a.length, c);
    }

    private static void sort(int[] a, int[] tmp, int from, int to, Comparator c) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && c.compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sort(a, tmp, from, mid, c);
        sort(a, tmp, mid, to, c);
        if (c.compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            a[k++] = c.compare(tmp[j], tmp[i]) < 0 ? tmp[j++] : tmp[i++];
        }
        while (i < mid) {
            a[k++] = tmp[i++];
        }
        while (j < to) {
            a[k++] = tmp[j++];
        }
    }
}
