package io.quiver.storage.vector;

import io.quiver.storage.ColumnType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One column of a batch: reusable, growable primitive arrays plus a null mask. Hot paths reuse a
 * vector batch after batch ({@link #reset}), so decoding allocates only when a batch is larger
 * than any seen before.
 *
 * <p>Physical layout by {@link ColumnType.Physical}:
 * <ul>
 *   <li>LONG: {@link #longs}; BOOLEAN is 0/1, DATE is days since epoch, TIMESTAMP is micros.</li>
 *   <li>DOUBLE: {@link #doubles}.</li>
 *   <li>BYTES (VARCHAR): value {@code i} is UTF-8 {@code bytes[offsets[i] .. offsets[i+1])};
 *       {@code offsets} has {@code size + 1} entries. When the source block was dictionary
 *       encoded, {@link #dictCodes} and {@link #dictionary} are also set, so predicates can compare
 *       codes instead of strings.</li>
 * </ul>
 * A null row has {@code nulls[i] == true}; its value slot holds 0 / 0.0 / an empty string.
 * {@link #hasNulls} is false when no row of the batch is null, so kernels can skip the mask.
 */
public final class ColumnVector {
    private final ColumnType type;
    private int size;

    public long[] longs;
    public double[] doubles;
    public byte[] bytes;
    public int[] offsets;
    public boolean[] nulls;
    public boolean hasNulls;

    /** Dictionary codes per row, or null when the values did not come from a dictionary block. */
    public int[] dictCodes;
    /** The dictionary the codes index into (a VARCHAR vector without nulls), or null. */
    public ColumnVector dictionary;

    public ColumnVector(ColumnType type, int capacity) {
        this.type = type;
        int cap = Math.max(capacity, 1);
        nulls = new boolean[cap];
        switch (type.physical()) {
            case LONG -> longs = new long[cap];
            case DOUBLE -> doubles = new double[cap];
            case BYTES -> {
                offsets = new int[cap + 1];
                bytes = new byte[Math.max(16, cap * 8)];
            }
        }
    }

    public ColumnType type() {
        return type;
    }

    /** Number of rows held. */
    public int size() {
        return size;
    }

    public int capacity() {
        return nulls.length;
    }

    /** Empties the vector, keeping its arrays, and makes room for {@code rows} rows. */
    public void reset(int rows) {
        ensureCapacity(rows);
        size = 0;
        hasNulls = false;
        dictCodes = null;
        dictionary = null;
        if (offsets != null) {
            offsets[0] = 0;
        }
    }

    /** Declares that rows {@code [0, rows)} have been filled directly through the arrays. */
    public void setSize(int rows) {
        if (rows > capacity()) {
            throw new IllegalArgumentException("size over capacity [size=" + rows + ", capacity=" + capacity() + ']');
        }
        size = rows;
    }

    public void ensureCapacity(int rows) {
        if (rows <= nulls.length) {
            return;
        }
        int cap = Math.max(rows, nulls.length * 2);
        nulls = Arrays.copyOf(nulls, cap);
        if (longs != null) {
            longs = Arrays.copyOf(longs, cap);
        }
        if (doubles != null) {
            doubles = Arrays.copyOf(doubles, cap);
        }
        if (offsets != null) {
            offsets = Arrays.copyOf(offsets, cap + 1);
        }
    }

    /** Makes room for {@code total} bytes of string data. */
    public void ensureByteCapacity(int total) {
        if (total > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(total, bytes.length * 2));
        }
    }

    /** Clears the null mask for rows [0, rows) after a decoder that writes only non-null rows. */
    public void clearNulls(int rows) {
        Arrays.fill(nulls, 0, rows, false);
        hasNulls = false;
    }

    // ---- row-at-a-time appenders: for ingest paths and tests, not for scan kernels ----

    public void appendLong(long value) {
        ensureCapacity(size + 1);
        longs[size] = value;
        nulls[size] = false;
        size++;
    }

    public void appendDouble(double value) {
        ensureCapacity(size + 1);
        doubles[size] = value;
        nulls[size] = false;
        size++;
    }

    public void appendBytes(byte[] src, int off, int len) {
        ensureCapacity(size + 1);
        int start = offsets[size];
        ensureByteCapacity(start + len);
        System.arraycopy(src, off, bytes, start, len);
        offsets[size + 1] = start + len;
        nulls[size] = false;
        size++;
    }

    public void appendString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        appendBytes(utf8, 0, utf8.length);
    }

    public void appendNull() {
        ensureCapacity(size + 1);
        switch (type.physical()) {
            case LONG -> longs[size] = 0;
            case DOUBLE -> doubles[size] = 0;
            case BYTES -> offsets[size + 1] = offsets[size];
        }
        nulls[size] = true;
        hasNulls = true;
        size++;
    }

    /** Appends row {@code row} of {@code src} (same type). */
    public void appendFrom(ColumnVector src, int row) {
        if (src.nulls[row]) {
            appendNull();
            return;
        }
        switch (type.physical()) {
            case LONG -> appendLong(src.longs[row]);
            case DOUBLE -> appendDouble(src.doubles[row]);
            case BYTES -> appendBytes(src.bytes, src.offsets[row], src.offsets[row + 1] - src.offsets[row]);
        }
    }

    /**
     * Makes this vector row {@code i} = row {@code rowInSource[i]} of {@code sources[source[i]]}
     * (all of this vector's type), for {@code i} in {@code [0, count)}: a gather between heap
     * vectors, for writing rows in an order computed elsewhere (a flush's sort) after reading the
     * stretches of rows they come from in bulk.
     */
    public void gatherFrom(ColumnVector[] sources, int[] source, int[] rowInSource, int count) {
        reset(count);
        switch (type.physical()) {
            case LONG -> {
                for (int i = 0; i < count; i++) {
                    longs[i] = sources[source[i]].longs[rowInSource[i]];
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < count; i++) {
                    doubles[i] = sources[source[i]].doubles[rowInSource[i]];
                }
            }
            case BYTES -> {
                long total = 0;
                for (int i = 0; i < count; i++) {
                    int[] so = sources[source[i]].offsets;
                    int r = rowInSource[i];
                    total += so[r + 1] - so[r];
                }
                if (total > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("gathered strings exceed one vector [bytes=" + total + ", rows=" + count + ']');
                }
                ensureByteCapacity((int) total);
                int at = 0;
                for (int i = 0; i < count; i++) {
                    ColumnVector src = sources[source[i]];
                    int r = rowInSource[i];
                    int start = src.offsets[r];
                    int len = src.offsets[r + 1] - start;
                    System.arraycopy(src.bytes, start, bytes, at, len);
                    at += len;
                    offsets[i + 1] = at;
                }
            }
        }
        boolean any = false;
        for (ColumnVector src : sources) {
            any |= src != null && src.hasNulls;
        }
        if (any) {
            any = false;
            for (int i = 0; i < count; i++) {
                ColumnVector src = sources[source[i]];
                boolean n = src.hasNulls && src.nulls[rowInSource[i]];
                nulls[i] = n;
                any |= n;
            }
        } else {
            Arrays.fill(nulls, 0, count, false);
        }
        hasNulls = any;
        size = count;
    }

    // ---- readers ----

    public boolean isNull(int row) {
        return nulls[row];
    }

    public long getLong(int row) {
        return longs[row];
    }

    public double getDouble(int row) {
        return doubles[row];
    }

    public int stringLength(int row) {
        return offsets[row + 1] - offsets[row];
    }

    public String getString(int row) {
        if (nulls[row]) {
            return null;
        }
        return new String(bytes, offsets[row], offsets[row + 1] - offsets[row], StandardCharsets.UTF_8);
    }

    /** The value of a row as a Java object (Long, Double, Boolean, String or null); for tests and tools. */
    public Object getObject(int row) {
        if (nulls[row]) {
            return null;
        }
        return switch (type) {
            case BOOLEAN -> longs[row] != 0;
            case DOUBLE -> doubles[row];
            case VARCHAR -> getString(row);
            default -> longs[row];
        };
    }

    /** Total bytes of string data held (VARCHAR only). */
    public int byteSize() {
        return offsets == null ? 0 : offsets[size];
    }
}
