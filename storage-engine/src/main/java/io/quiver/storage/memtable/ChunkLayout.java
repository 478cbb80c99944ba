package io.quiver.storage.memtable;

/**
 * Byte layout of one column chunk of a memtable: {@code rowsPerChunk} 8-byte slots (a long, a
 * double, or for VARCHAR the end position of the value in the column's byte stream), then the
 * null bitmap, one bit per row (bit set = NULL), rounded up to whole 64-bit words.
 *
 * <pre>
 *   0                          valuesBytes               chunkBytes
 *   | slot 0 | slot 1 | ...    | null bitmap words ...   |
 * </pre>
 */
final class ChunkLayout {
    static final int SLOT_BYTES = 8;
    static final int MAX_ROWS_PER_CHUNK = 1 << 20;

    final int rowsPerChunk;
    /** {@code row >>> shift} is the chunk index of a row. */
    final int shift;
    /** {@code row & mask} is the row's index inside its chunk. */
    final int mask;
    final long bitmapOffset;
    final long chunkBytes;

    ChunkLayout(int rowsPerChunk) {
        if (rowsPerChunk <= 0 || rowsPerChunk > MAX_ROWS_PER_CHUNK || Integer.bitCount(rowsPerChunk) != 1) {
            throw new IllegalArgumentException("rows per chunk must be a power of two in 1.."
                    + MAX_ROWS_PER_CHUNK + " [rowsPerChunk=" + rowsPerChunk + ']');
        }
        this.rowsPerChunk = rowsPerChunk;
        this.shift = Integer.numberOfTrailingZeros(rowsPerChunk);
        this.mask = rowsPerChunk - 1;
        this.bitmapOffset = (long) rowsPerChunk * SLOT_BYTES;
        long bitmapWords = (rowsPerChunk + 63L) >>> 6;
        this.chunkBytes = bitmapOffset + bitmapWords * Long.BYTES;
    }

    int chunkOf(long row) {
        return (int) (row >>> shift);
    }

    int rowInChunk(long row) {
        return (int) (row & mask);
    }

    long firstRowOf(int chunk) {
        return (long) chunk << shift;
    }

    static long slotOffset(int rowInChunk) {
        return (long) rowInChunk * SLOT_BYTES;
    }
}
