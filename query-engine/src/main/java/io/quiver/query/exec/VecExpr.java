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
