package io.quiver.query.exec;

import io.quiver.query.QueryContext;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.util.List;

/**
 * Rows copied out of batches into growable column vectors: what sort, top-N and join builds keep.
 * Charges its growth to the query's memory budget.
 */
final class RowStore {
    final ColumnType[] types;
    final ColumnVector[] cols;
    private final QueryContext query;
    private long reserved;

    RowStore(List<ColumnType> types, QueryContext query) {
        this.types = types.toArray(new ColumnType[0]);
        this.cols = new ColumnVector[this.types.length];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = new ColumnVector(this.types[i], 1024);
        }
        this.query = query;
    }

    int size() {
        return cols.length == 0 ? rows : cols[0].size();
    }

    private int rows;

    /** Appends the live rows of {@code b}, taking column {@code c} from {@code b.cols[map[c]]}. */
    void append(Batch b, int[] map) {
        int[] idx = b.positions();
        int n = b.count;
        for (int c = 0; c < cols.length; c++) {
            ColumnVector src = b.cols[map == null ? c : map[c]];
            ColumnVector dst = cols[c];
            if (src == null) { // a column the query never reads
                for (int k = 0; k < n; k++) {
                    dst.appendNull();
                }
                continue;
            }
            for (int k = 0; k < n; k++) {
                dst.appendFrom(src, idx[k]);
            }
        }
        rows += n;
        account();
    }

    void appendRow(RowStore src, int row) {
        for (int c = 0; c < cols.length; c++) {
            cols[c].appendFrom(src.cols[c], row);
        }
        rows++;
    }

    void account() {
        long bytes = 0;
        for (ColumnVector v : cols) {
            bytes += v.capacity() * 9L + (v.bytes == null ? 0 : v.bytes.length);
        }
        if (reserved == 0 || bytes > reserved + (1 << 16)) {
            query.reserve(bytes - reserved);
            reserved = bytes;
        }
    }

    void release() {
        query.release(reserved);
        reserved = 0;
    }

    /** Copies rows {@code order[from .. from+n)} into {@code out} vectors (reset first). */
    void gather(int[] order, int from, int n, ColumnVector[] out) {
        for (int c = 0; c < cols.length; c++) {
            ColumnVector dst = out[c];
            dst.reset(n);
            ColumnVector src = cols[c];
            for (int k = 0; k < n; k++) {
                dst.appendFrom(src, order[from + k]);
            }
        }
    }
}
