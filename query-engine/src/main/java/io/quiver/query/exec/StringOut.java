package io.quiver.query.exec;

import io.quiver.storage.vector.ColumnVector;

import java.nio.charset.StandardCharsets;

/**
 * Writes VARCHAR results at ascending row positions of a vector: rows skipped between two writes
 * become empty strings, so the offsets array stays monotonic whatever the selection.
 */
final class StringOut {
    private ColumnVector v;
    private int next;

    void begin(ColumnVector vector) {
        this.v = vector;
        this.next = 0;
        v.offsets[0] = 0;
    }

    private void fillTo(int row) {
        int end = v.offsets[next];
        while (next < row) {
            v.offsets[++next] = end;
        }
    }

    void put(int row, byte[] src, int off, int len) {
        fillTo(row);
        int start = v.offsets[row];
        v.ensureByteCapacity(start + len);
        System.arraycopy(src, off, v.bytes, start, len);
        v.offsets[row + 1] = start + len;
        v.nulls[row] = false;
        next = row + 1;
    }

    void put(int row, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        put(row, b, 0, b.length);
    }

    void putNull(int row) {
        fillTo(row);
        v.offsets[row + 1] = v.offsets[row];
        v.nulls[row] = true;
        v.hasNulls = true;
        next = row + 1;
    }

    /** Completes the offsets up to the vector's size. */
    void end() {
        fillTo(v.size());
    }
}
