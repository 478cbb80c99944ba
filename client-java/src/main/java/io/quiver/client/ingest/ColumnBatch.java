package io.quiver.client.ingest;

import io.quiver.client.ColumnType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A columnar batch built from arrays, for producers that already hold their data by column:
 * <pre>{@code
 * ColumnBatch b = ColumnBatch.builder("events", n)
 *     .timestamps("ts", micros)
 *     .longs("user_id", ColumnType.BIGINT, ids, null)
 *     .doubles("value", values, valueNulls)
 *     .strings("country", countries)
 *     .build();
 * ingestor.write(b);
 * }</pre>
 * The first {@code rows} entries of each array are copied at {@link Builder#build()}; the arrays may be
 * reused afterwards. A {@code nulls} array marks NULL rows ({@code null} = none).
 */
public final class ColumnBatch {
    private final String table;
    private final int rows;
    /** The request's {@code columns} fields (tag, length, {@code quiver.v1.Column} message each), encoded at build. */
    private final byte[] columnFields;
    private final int columnFieldsLength;
    private final long wireBytes;

    private ColumnBatch(String table, int rows, byte[] columnFields, int columnFieldsLength, long wireBytes) {
        this.table = table;
        this.rows = rows;
        this.columnFields = columnFields;
        this.columnFieldsLength = columnFieldsLength;
        this.wireBytes = wireBytes;
    }

    public static Builder builder(String table, int rows) {
        return new Builder(table, rows);
    }

    public String table() {
        return table;
    }

    public int rowCount() {
        return rows;
    }

    long wireBytes() {
        return wireBytes;
    }

    /** The whole request for this batch: its columns as encoded at build, framed with the table and batch id. */
    EncodedRequest encode(String batchId, String timestampColumn) {
        return EncodedRequest.encode(table, batchId, rows, timestampColumn, columnFieldsLength, (out, pos) -> {
            System.arraycopy(columnFields, 0, out, pos, columnFieldsLength);
            return pos + columnFieldsLength;
        });
    }

    /**
     * Builds a batch column by column. Each column is encoded to wire bytes when it is added (the
     * same encoder the row-by-row path uses), so the caller's arrays may be reused right away and
     * no protobuf objects are built.
     */
    public static final class Builder {
        private final String table;
        private final int rows;
        private final List<String> names = new ArrayList<>();
        private byte[] fields = new byte[0];
        private int length;
        private long wireBytes;

        private Builder(String table, int rows) {
            this.table = Objects.requireNonNull(table, "table");
            if (rows < 0) {
                throw new IllegalArgumentException("rows must not be negative [rows=" + rows + ']');
            }
            this.rows = rows;
        }

        public Builder longs(String name, ColumnType type, long[] values, boolean[] nulls) {
            if (!type.isLongValued()) {
                throw new IllegalArgumentException("type does not hold integers [column=" + name + ", type=" + type + ']');
            }
            check(name, values.length, nulls);
            ColumnBuffer c = new ColumnBuffer(name, type, rows);
            c.fillLongs(values, nulls, rows);
            return add(c);
        }

        /** A TIMESTAMP column of microseconds since the epoch, no NULLs. */
        public Builder timestamps(String name, long[] micros) {
            return longs(name, ColumnType.TIMESTAMP, micros, null);
        }

        public Builder doubles(String name, double[] values, boolean[] nulls) {
            check(name, values.length, nulls);
            ColumnBuffer c = new ColumnBuffer(name, ColumnType.DOUBLE, rows);
            c.fillDoubles(values, nulls, rows);
            return add(c);
        }

        public Builder booleans(String name, boolean[] values, boolean[] nulls) {
            check(name, values.length, nulls);
            ColumnBuffer c = new ColumnBuffer(name, ColumnType.BOOLEAN, rows);
            c.fillBooleans(values, nulls, rows);
            return add(c);
        }

        /** A VARCHAR column; {@code null} elements are NULL. */
        public Builder strings(String name, CharSequence[] values) {
            check(name, values.length, null);
            ColumnBuffer c = new ColumnBuffer(name, ColumnType.VARCHAR, rows);
            c.fillStrings(values, rows);
            return add(c);
        }

        private void check(String name, int length, boolean[] nulls) {
            Objects.requireNonNull(name, "column name");
            if (length < rows || (nulls != null && nulls.length < rows)) {
                throw new IllegalArgumentException("column array shorter than the batch [column=" + name
                        + ", length=" + Math.min(length, nulls == null ? length : nulls.length) + ", rows=" + rows + ']');
            }
            for (String existing : names) {
                if (existing.equalsIgnoreCase(name)) {
                    throw new IllegalArgumentException("column given twice [column=" + name + ']');
                }
            }
        }

        private Builder add(ColumnBuffer c) {
            long bytes = c.wireBytes();
            int size = c.messageSize(rows);
            int needed = Math.addExact(length, ProtoWire.lenFieldSize(size));
            if (needed > fields.length) {
                fields = Arrays.copyOf(fields, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, fields.length * 2L)));
            }
            int pos = ProtoWire.writeLenHeader(fields, length, 4, size);
            length = c.writeMessage(fields, pos, rows);
            names.add(c.name());
            wireBytes += bytes;
            return this;
        }

        public ColumnBatch build() {
            return new ColumnBatch(table, rows, fields, length, wireBytes);
        }
    }
}
