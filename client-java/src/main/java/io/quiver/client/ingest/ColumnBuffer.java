package io.quiver.client.ingest;

import io.quiver.client.ColumnType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One column of a batch being assembled row by row: a growable primitive array (or UTF-8 bytes plus
 * offsets) and a null bitmap, reused batch after batch. Rows are written at an explicit index so a
 * row that skips the column, or a column first seen mid-batch, is padded with NULLs. Not thread-safe;
 * the {@link BatchAssembler} that owns it is used under the ingestor's lock.
 */
final class ColumnBuffer {
    private final String name;
    private final byte[] nameUtf8;
    private final ColumnType type;
    /** Bytes of the packed values field's payload, measured by {@link #messageSize}. */
    private int packedBytes;
    private long[] longs;
    private double[] doubles;
    private byte[] utf8;
    private int[] offsets;
    private byte[] nullBits;
    private boolean anyNull;
    private int rows;

    ColumnBuffer(String name, ColumnType type, int capacity) {
        this.name = name;
        this.nameUtf8 = name.getBytes(StandardCharsets.UTF_8);
        this.type = type;
        int cap = Math.max(16, capacity);
        switch (type) {
            case DOUBLE -> doubles = new double[cap];
            case VARCHAR -> {
                offsets = new int[cap + 1];
                utf8 = new byte[cap * 8];
            }
            default -> longs = new long[cap];
        }
        nullBits = new byte[(cap + 7) >>> 3];
    }

    String name() {
        return name;
    }

    ColumnType type() {
        return type;
    }

    /** Rows filled so far (values or NULLs). */
    int rows() {
        return rows;
    }

    /** Approximate bytes this column adds to the request. */
    long wireBytes() {
        return switch (type) {
            case DOUBLE -> 8L * rows;
            case VARCHAR -> offsets[rows] + 2L * rows;
            default -> 6L * rows;
        } + (anyNull ? (rows + 7) >>> 3 : 0);
    }

    /** Makes row {@code row} the next one to write: pads NULLs up to it, or rewinds if it was already written. */
    private void positionAt(int row) {
        if (row < rows) {
            // The same column set twice in one row: the later value wins.
            rows = row;
            clearNull(row);
        }
        while (rows < row) {
            putNull();
        }
        ensureCapacity(row + 1);
    }

    void setLong(int row, long value) {
        positionAt(row);
        longs[row] = value;
        rows = row + 1;
    }

    void setDouble(int row, double value) {
        positionAt(row);
        doubles[row] = value;
        rows = row + 1;
    }

    void setString(int row, CharSequence value) {
        positionAt(row);
        int start = offsets[row];
        int end = Utf8.encode(value, this, start);
        offsets[row + 1] = end;
        rows = row + 1;
    }

    /** Called by {@link Utf8} to make room for {@code total} bytes of string data. */
    byte[] utf8Capacity(int total) {
        if (total > utf8.length) {
            utf8 = Arrays.copyOf(utf8, Math.max(total, utf8.length * 2));
        }
        return utf8;
    }

    void setNull(int row) {
        positionAt(row);
        putNull();
    }

    /**
     * Bulk forms of the setters, for a whole columnar batch: fill rows {@code [0, count)} of an empty
     * buffer from arrays. A row marked in {@code nulls} (may be null: no NULLs) is NULL and its value
     * is written as 0, as {@link #setNull} does.
     */
    void fillLongs(long[] values, boolean[] nulls, int count) {
        requireEmpty();
        ensureCapacity(count);
        System.arraycopy(values, 0, longs, 0, count);
        rows = count;
        markNulls(nulls, count);
    }

    void fillBooleans(boolean[] values, boolean[] nulls, int count) {
        requireEmpty();
        ensureCapacity(count);
        for (int i = 0; i < count; i++) {
            longs[i] = values[i] ? 1 : 0;
        }
        rows = count;
        markNulls(nulls, count);
    }

    void fillDoubles(double[] values, boolean[] nulls, int count) {
        requireEmpty();
        ensureCapacity(count);
        System.arraycopy(values, 0, doubles, 0, count);
        rows = count;
        markNulls(nulls, count);
    }

    /** {@code null} elements are NULL. */
    void fillStrings(CharSequence[] values, int count) {
        requireEmpty();
        ensureCapacity(count);
        long chars = 0;
        for (int i = 0; i < count; i++) {
            chars += values[i] == null ? 0 : values[i].length();
        }
        utf8Capacity((int) Math.min(chars, Integer.MAX_VALUE - 8)); // exact for ASCII: no regrowth on the way
        int end = 0;
        for (int i = 0; i < count; i++) {
            CharSequence v = values[i];
            if (v == null) {
                nullBits[i >>> 3] |= (byte) (1 << (i & 7));
                anyNull = true;
            } else {
                end = Utf8.encode(v, this, end);
            }
            offsets[i + 1] = end;
        }
        rows = count;
    }

    private void requireEmpty() {
        if (rows != 0) {
            throw new IllegalStateException("bulk fill of a column that already holds rows [column=" + name + ", rows=" + rows + ']');
        }
    }

    private void markNulls(boolean[] nulls, int count) {
        if (nulls == null) {
            return;
        }
        for (int i = 0; i < count; i++) {
            if (nulls[i]) {
                nullBits[i >>> 3] |= (byte) (1 << (i & 7));
                anyNull = true;
                if (longs != null) {
                    longs[i] = 0;
                } else {
                    doubles[i] = 0;
                }
            }
        }
    }

    /** Pads NULLs so the column holds {@code rowCount} rows. */
    void padTo(int rowCount) {
        if (rows < rowCount) {
            ensureCapacity(rowCount);
            while (rows < rowCount) {
                putNull();
            }
        }
    }

    private void putNull() {
        ensureCapacity(rows + 1);
        switch (type) {
            case DOUBLE -> doubles[rows] = 0;
            case VARCHAR -> offsets[rows + 1] = offsets[rows];
            default -> longs[rows] = 0;
        }
        nullBits[rows >>> 3] |= (byte) (1 << (rows & 7));
        anyNull = true;
        rows++;
    }

    private void clearNull(int row) {
        nullBits[row >>> 3] &= (byte) ~(1 << (row & 7));
    }

    private void ensureCapacity(int n) {
        int cap = longs != null ? longs.length : doubles != null ? doubles.length : offsets.length - 1;
        if (n <= cap) {
            return;
        }
        int next = Math.max(n, cap * 2);
        if (longs != null) {
            longs = Arrays.copyOf(longs, next);
        }
        if (doubles != null) {
            doubles = Arrays.copyOf(doubles, next);
        }
        if (offsets != null) {
            offsets = Arrays.copyOf(offsets, next + 1);
        }
        nullBits = Arrays.copyOf(nullBits, (next + 7) >>> 3);
    }

    /**
     * Size of this column's {@code quiver.v1.Column} message for its first {@code rowCount} rows
     * (padding NULLs up to it first), as protobuf encodes it: default values left out, repeated
     * fields packed. Must be called right before {@link #writeMessage}, which reuses what it measured.
     */
    int messageSize(int rowCount) {
        padTo(rowCount);
        int size = nameUtf8.length == 0 ? 0 : ProtoWire.lenFieldSize(nameUtf8.length);
        int typeNumber = type.wire().getNumber();
        size += typeNumber == 0 ? 0 : 1 + ProtoWire.varintSize(typeNumber);
        packedBytes = 0;
        switch (type) {
            case DOUBLE -> packedBytes = 8 * rowCount;
            case VARCHAR -> {
                int data = offsets[rowCount];
                size += data == 0 ? 0 : ProtoWire.lenFieldSize(data);
                for (int i = 0; i < rowCount; i++) {
                    packedBytes += ProtoWire.varintSize(offsets[i + 1] - offsets[i]);
                }
            }
            default -> {
                for (int i = 0; i < rowCount; i++) {
                    packedBytes += ProtoWire.varintSize(ProtoWire.zigzag(longs[i]));
                }
            }
        }
        size += rowCount == 0 ? 0 : ProtoWire.lenFieldSize(packedBytes);
        size += anyNull ? ProtoWire.lenFieldSize((rowCount + 7) >>> 3) : 0;
        return size;
    }

    /**
     * Writes the message {@link #messageSize} measured (its body only: the caller writes the field
     * tag and length) at {@code pos}, then empties the buffer for reuse. Returns the next position.
     */
    int writeMessage(byte[] out, int pos, int rowCount) {
        if (nameUtf8.length > 0) {
            pos = ProtoWire.writeBytes(out, pos, 1, nameUtf8, 0, nameUtf8.length);
        }
        int typeNumber = type.wire().getNumber();
        if (typeNumber != 0) {
            out[pos++] = (byte) ProtoWire.tag(2, ProtoWire.VARINT);
            pos = ProtoWire.writeVarint(out, pos, typeNumber);
        }
        switch (type) {
            case DOUBLE -> {
                if (rowCount > 0) {
                    pos = ProtoWire.writeLenHeader(out, pos, 4, packedBytes);
                    for (int i = 0; i < rowCount; i++) {
                        pos = ProtoWire.writeFixed64(out, pos, Double.doubleToRawLongBits(doubles[i]));
                    }
                }
            }
            case VARCHAR -> {
                int data = offsets[rowCount];
                if (data > 0) {
                    pos = ProtoWire.writeBytes(out, pos, 5, utf8, 0, data);
                }
                if (rowCount > 0) {
                    pos = ProtoWire.writeLenHeader(out, pos, 6, packedBytes);
                    for (int i = 0; i < rowCount; i++) {
                        pos = ProtoWire.writeVarint(out, pos, offsets[i + 1] - offsets[i]);
                    }
                }
            }
            default -> {
                if (rowCount > 0) {
                    pos = ProtoWire.writeLenHeader(out, pos, 3, packedBytes);
                    for (int i = 0; i < rowCount; i++) {
                        pos = ProtoWire.writeVarint(out, pos, ProtoWire.zigzag(longs[i]));
                    }
                }
            }
        }
        if (anyNull) {
            pos = ProtoWire.writeBytes(out, pos, 7, nullBits, 0, (rowCount + 7) >>> 3);
        }
        reset();
        return pos;
    }

    private void reset() {
        Arrays.fill(nullBits, 0, Math.min(nullBits.length, (rows + 7) >>> 3), (byte) 0);
        anyNull = false;
        rows = 0;
        if (offsets != null) {
            offsets[0] = 0;
        }
    }
}
