package io.quiver.query.exec;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

/**
 * A compiled expression node that evaluates a whole batch at once: {@code eval} fills its output
 * vector at the positions {@code idx[0..n)} (ascending) and returns it. Each node owns its output
 * vector and reuses it batch after batch, so instances are per thread.
 */
public abstract class VecExpr {
    protected final ColumnType type;
    private ColumnVector out;

    protected VecExpr(ColumnType type) {
        this.type = type;
    }

    public ColumnType type() {
        return type;
    }

    public abstract ColumnVector eval(Batch b, int[] idx, int n);

    /**
     * Whether the last {@link #selectTrue} met a NULL verdict among its rows (may say true when
     * there was none). A conjunction needs it to keep SQL's three-valued logic without a verdict vector.
     */
    boolean selectSawNull;

    /**
     * For a BOOLEAN expression: writes to {@code out} the positions among {@code idx[0..n)} where it
     * is TRUE (neither FALSE nor NULL), ascending, and returns how many. {@code out} may be {@code idx}
     * itself (rows are read before their slot is written). Filters call this instead of {@link #eval}
     * so that kernels which can decide a row in one pass need not write a verdict vector first.
     */
    public int selectTrue(Batch b, int[] idx, int n, int[] out) {
        ColumnVector v = eval(b, idx, n);
        selectSawNull = v.hasNulls;
        return trueRows(v, idx, n, out);
    }

    /** The positions among {@code idx[0..n)} where the BOOLEAN vector {@code v} is TRUE. */
    static int trueRows(ColumnVector v, int[] idx, int n, int[] out) {
        int m = 0;
        long[] x = v.longs;
        boolean[] nulls = v.nulls;
        if (v.hasNulls) {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (x[i] != 0 && !nulls[i]) {
                    out[m++] = i;
                }
            }
        } else {
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                out[m] = i;
                m += (int) (x[i] & 1);
            }
        }
        return m;
    }

    /** The node's output vector, cleared and sized for a batch of {@code size} rows. */
    protected final ColumnVector out(int size) {
        if (out == null) {
            out = new ColumnVector(type, Math.max(size, 16));
        }
        out.reset(size);
        out.setSize(size);
        return out;
    }
}
