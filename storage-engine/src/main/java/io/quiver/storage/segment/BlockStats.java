package io.quiver.storage.segment;

/**
 * Statistics an encoder gathers while analysing one block, reused block after block. Only the
 * fields of the block's physical kind are meaningful.
 */
final class BlockStats {
    int nullCount;
    /** A non-null value (for DOUBLE: a non-null, non-NaN value) exists. */
    boolean hasBounds;
    long minLong;
    long maxLong;
    double minDouble;
    double maxDouble;
    boolean hasNaN;
    /** VARCHAR: rows holding the smallest and largest value, or -1. */
    int minRow;
    int maxRow;

    void clear() {
        nullCount = 0;
        hasBounds = false;
        minLong = 0;
        maxLong = 0;
        minDouble = 0;
        maxDouble = 0;
        hasNaN = false;
        minRow = -1;
        maxRow = -1;
    }
}
