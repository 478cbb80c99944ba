package io.quiver.query.exec;

import io.quiver.storage.vector.ColumnVector;

/**
 * Columns of up to {@link #MAX_ROWS}-ish rows travelling between operators, with a selection vector:
 * a filter narrows {@link #sel} instead of copying rows. Row {@code i} is live when {@code sel == null}
 * (all of {@code [0, size)}) or {@code i} is among {@code sel[0 .. count)} (ascending). Vectors are owned
 * by the operator that produced them and are valid only until it produces its next batch.
 */
public final class Batch {
    /** Rows per batch produced by the engine's own operators: a power of two, as in DuckDB/ClickHouse. */
    public static final int MAX_ROWS = 4096;

    private static volatile int[] identity = makeIdentity(MAX_ROWS * 4);

    public ColumnVector[] cols;
    public int size;
    public int[] sel;
    public int count;

    public Batch(ColumnVector[] cols, int size) {
        set(cols, size);
    }

    public void set(ColumnVector[] cols, int size) {
        this.cols = cols;
        this.size = size;
        this.sel = null;
        this.count = size;
    }

    /** Live row positions, ascending; the first {@link #count} entries are valid. */
    public int[] positions() {
        return sel != null ? sel : identity(size);
    }

    public static int[] identity(int n) {
        int[] id = identity;
        if (id.length < n) {
            id = makeIdentity(Math.max(n, id.length * 2));
            identity = id;
        }
        return id;
    }

    private static int[] makeIdentity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
