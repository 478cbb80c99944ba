package io.quiver.query.plan;

/** Window functions: ranking and offset functions, and aggregates computed over a frame. */
public enum WinFn {
    ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD,
    COUNT_STAR, COUNT, SUM, AVG, MIN, MAX;

    /** Aggregates look at the frame; the others ignore it (as in PostgreSQL). */
    public boolean usesFrame() {
        return ordinal() >= COUNT_STAR.ordinal();
    }
}
