package io.quiver.storage.scan;

/**
 * What an aggregate without GROUP BY needs from one LONG-physical column of one block, read from
 * the block's zone map and, for the sum, its encoded values ({@link BlockCursor#summarize}).
 * Mutable and reused block after block.
 */
public final class LongBlockSummary {
    /** Rows of the block whose value is not NULL. */
    public long nonNullCount;
    /** Smallest and largest non-NULL value; meaningful only when {@link #nonNullCount} > 0. */
    public long min;
    public long max;
    /** Whether {@link #sum} was asked for and computed. */
    public boolean hasSum;
    /** Sum of the non-NULL values (exact: a block whose sum might not fit a long is not summarised). */
    public long sum;
}
