package io.quiver.client.ingest;

import com.google.protobuf.ByteString;
import io.quiver.client.ColumnType;
import io.quiver.proto.v1.Column;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    private final List<Column> columns;
    private final long wireBytes;

    private ColumnBatch(String table, int rows, List<Column> columns, long wireBytes) {
        this.table = table;
        this.rows = rows;
        this.columns = columns;
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

    List<Column> columns() {
        return columns;
    }

    long wireBytes() {
        return wireBytes;
    }

    public static final class Builder {
        private final String table;
        private final int rows;
        private final List<Column> columns = new ArrayList<>();
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
            Column.Builder c = Column.newBuilder().setName(name).setType(type.wire());
            for (int i = 0; i < rows; i++) {
                c.addLongValues(nulls != null && nulls[i] ? 0 : values[i]);
            }
            return add(c, nulls, 6L * rows);
        }

        /** A TIMESTAMP column of microseconds since the epoch, no NULLs. */
        public Builder timestamps(String name, long[] micros) {
            return longs(name, ColumnType.TIMESTAMP, micros, null);
        }

        public Builder doubles(String name, double[] values, boolean[] nulls) {
            check(name, values.length, nulls);
            Column.Builder c = Column.newBuilder().setName(name).setType(ColumnType.DOUBLE.wire());
            for (int i = 0; i < rows; i++) {
                c.addDoubleValues(nulls != null && nulls[i] ? 0 : values[i]);
            }
            return add(c, nulls, 8L * rows);
        }

        public Builder booleans(String name, boolean[] values, boolean[] nulls) {
            check(name, values.length, nulls);
            Column.Builder c = Column.newBuilder().setName(name).setType(ColumnType.BOOLEAN.wire());
            for (int i = 0; i < rows; i++) {
                c.addLongValues(values[i] && (nulls == null || !nulls[i]) ? 1 : 0);
            }
            return add(c, nulls, rows);
        }

        /** A VARCHAR column; {@code null} elements are NULL. */
        public Builder strings(String name, CharSequence[] values) {
            check(name, values.length, null);
            boolean[] nulls = null;
            ByteString.Output data = ByteString.newOutput(rows * 8);
            Column.Builder c = Column.newBuilder().setName(name).setType(ColumnType.VARCHAR.wire());
            for (int i = 0; i < rows; i++) {
                if (values[i] == null) {
                    if (nulls == null) {
                        nulls = new boolean[rows];
                    }
                    nulls[i] = true;
                    c.addStringLengths(0);
                } else {
                    byte[] utf8 = values[i].toString().getBytes(StandardCharsets.UTF_8);
                    data.write(utf8, 0, utf8.length);
                    c.addStringLengths(utf8.length);
                }
            }
            ByteString bytes = data.toByteString();
            c.setStringData(bytes);
            return add(c, nulls, bytes.size() + 2L * rows);
        }

        private void check(String name, int length, boolean[] nulls) {
            Objects.requireNonNull(name, "column name");
            if (length < rows || (nulls != null && nulls.length < rows)) {
                throw new IllegalArgumentException("column array shorter than the batch [column=" + name
                        + ", length=" + Math.min(length, nulls == null ? length : nulls.length) + ", rows=" + rows + ']');
            }
            for (Column c : columns) {
                if (c.getName().equalsIgnoreCase(name)) {
                    throw new IllegalArgumentException("column given twice [column=" + name + ']');
                }
            }
        }

        private Builder add(Column.Builder c, boolean[] nulls, long bytes) {
            if (nulls != null) {
                byte[] bits = new byte[(rows + 7) >>> 3];
                boolean any = false;
                for (int i = 0; i < rows; i++) {
                    if (nulls[i]) {
                        bits[i >>> 3] |= (byte) (1 << (i & 7));
                        any = true;
                    }
                }
                if (any) {
                    c.setNullBitmap(ByteString.copyFrom(bits));
                    bytes += bits.length;
                }
            }
            columns.add(c.build());
            wireBytes += bytes;
            return this;
        }

        public ColumnBatch build() {
            return new ColumnBatch(table, rows, List.copyOf(columns), wireBytes);
        }
    }
}
