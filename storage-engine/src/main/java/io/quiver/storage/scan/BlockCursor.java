package io.quiver.storage.scan;

import io.quiver.storage.vector.ColumnVector;

/**
 * A {@link ScanCursor} that stops at each block before decoding it, so the caller decides which
 * columns to decode and in what form (late materialisation): typically the filter's columns first,
 * then the other columns only for blocks where some row survived. {@link #next} still reads whole
 * blocks; mixing it with {@link #nextBlock} is allowed. Not thread-safe.
 */
public interface BlockCursor extends ScanCursor {
    /**
     * Moves to the next block the predicate's zone maps do not rule out and returns its row count
     * (> 0), or -1 when the split is exhausted. Decodes nothing; counts the block as read.
     */
    int nextBlock();

    /**
     * Decodes projected column {@code column} (an index into the {@code columns} the cursor was
     * opened with) of the current block into {@code out}, reset to the block's row count, exactly as
     * {@link #next} would.
     */
    void read(int column, ColumnVector out);

    /**
     * Like {@link #read}, but a dictionary-encoded VARCHAR block arrives as {@link ColumnVector#dictCodes}
     * + {@link ColumnVector#dictionary} only: every row's string reads as empty until
     * {@link DictionaryRows} materialises the rows the caller needs. A block in another encoding
     * (and any non-VARCHAR column) is decoded in full; {@code out.dictCodes == null} tells which.
     */
    void readCodes(int column, ColumnVector out);

    /**
     * Narrows {@code mask} to the rows of the current block where projected LONG-physical column
     * {@code column} is not NULL and lies in {@code [lo, hi]} (outside it, when {@code negate}). Bit
     * {@code r & 63} of {@code mask[r >>> 6]} stands for row {@code r}; bits past the block's rows must
     * be zero and stay zero. Decodes no more than it must: blocks whose bounds decide the range
     * touch at most the null bitmap, bit-packed blocks are compared without being unpacked.
     */
    void filterRange(int column, long lo, long hi, boolean negate, long[] mask);

    /**
     * Summarises projected LONG-physical column {@code column} over the current block without
     * decoding its values where the block allows: count and bounds from its zone map, and with
     * {@code wantSum} the sum from its encoded form. Returns false when the block must be decoded
     * ({@link #read}) to answer.
     */
    boolean summarize(int column, boolean wantSum, LongBlockSummary out);
}
