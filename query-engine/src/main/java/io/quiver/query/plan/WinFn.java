package io.quiver.query.plan;

/** Window functions: ranking and offset functions, and aggregates computed over a frame. */
public enum WinFn {
    ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD,
    /** ntile(n): the bucket 1..n; the offset holds n. */
    NTILE, PERCENT_RANK, CUME_DIST,
    COUNT_STAR, COUNT, SUM, AVG, MIN, MAX,
    /** The value at a position of the frame; NTH_VALUE's offset holds the position (1-based). */
    FIRST_VALUE, LAST_VALUE, NTH_VALUE;

    /** Aggregates look at the frame; the others ignore it (as in PostgreSQL). */
    public boolean usesFrame() {
        return ordinal() >= COUNT_STAR.ordinal();
    }
}
