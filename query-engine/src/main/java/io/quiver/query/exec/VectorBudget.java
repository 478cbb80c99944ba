package io.quiver.query.exec;

import io.quiver.query.QueryContext;
import io.quiver.storage.vector.ColumnVector;

/**
 * Charges one worker's reusable column vectors (scan batches, expression results) to the query's
 * memory budget. Vectors are measured by their allocated arrays after each batch; growth is reserved
 * in steps of at least 64 KiB so the shared counter is touched rarely. Not thread-safe: one per
 * worker pipeline; {@link #close()} returns everything.
 */
final class VectorBudget implements AutoCloseable {
    private static final long STEP = 64 << 10;
    private final QueryContext query;
    private long reserved;

    VectorBudget(QueryContext query) {
        this.query = query;
    }

    /** Makes sure at least the bytes held by {@code vectors} and {@code extra} (either may hold nulls) are reserved. */
    void cover(ColumnVector[] vectors, ColumnVector extra) {
        long bytes = bytes(extra);
        for (ColumnVector v : vectors) {
            bytes += bytes(v);
        }
        if (bytes > reserved) {
            long more = Math.max(bytes - reserved, STEP);
            query.reserve(more);
            reserved += more;
        }
    }

    static long bytes(ColumnVector v) {
        if (v == null) {
            return 0;
        }
        long b = 64L + v.nulls.length;
        b += v.longs == null ? 0 : v.longs.length * 8L;
        b += v.doubles == null ? 0 : v.doubles.length * 8L;
        b += v.bytes == null ? 0 : v.bytes.length;
        b += v.offsets == null ? 0 : v.offsets.length * 4L;
        b += v.dictCodes == null ? 0 : v.dictCodes.length * 4L;
        return b;
    }

    @Override
    public void close() {
        query.release(reserved);
        reserved = 0;
    }
}
