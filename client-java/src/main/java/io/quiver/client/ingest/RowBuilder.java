package io.quiver.client.ingest;

import io.quiver.client.ColumnType;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Builds one row: {@code ingestor.row("events").set("ts", instant).set("user_id", 42).add()}.
 * Values are staged here and copied into the table's open batch by {@link #add()}, which also resets
 * the builder for the next row. Each thread gets its own builder from {@link Ingestor#row}; a
 * builder is not thread-safe, and it allocates nothing per row.
 *
 * <p>Java types map to column types: {@code long/int/short} -> BIGINT (the server fits them into
 * any integer column, range-checked, or a DOUBLE column), {@code double/float} -> DOUBLE,
 * {@code boolean} -> BOOLEAN, {@code CharSequence} -> VARCHAR, {@link Instant} -> TIMESTAMP,
 * {@link LocalDate} -> DATE. {@link #setTimestampMicros} and {@link #set(String, long, ColumnType)}
 * name the type explicitly.
 */
public final class RowBuilder {
    static final byte KIND_LONG = 0;
    static final byte KIND_DOUBLE = 1;
    static final byte KIND_STRING = 2;

    /** The values of the row under construction, as parallel arrays. */
    static final class Staged {
        String[] names = new String[16];
        ColumnType[] types = new ColumnType[16];
        byte[] kinds = new byte[16];
        long[] longs = new long[16];
        double[] doubles = new double[16];
        CharSequence[] strings = new CharSequence[16];
        int count;

        int next(String name, ColumnType type, byte kind) {
            Objects.requireNonNull(name, "column name");
            if (count == names.length) {
                int n = count * 2;
                names = Arrays.copyOf(names, n);
                types = Arrays.copyOf(types, n);
                kinds = Arrays.copyOf(kinds, n);
                longs = Arrays.copyOf(longs, n);
                doubles = Arrays.copyOf(doubles, n);
                strings = Arrays.copyOf(strings, n);
            }
            names[count] = name;
            types[count] = type;
            kinds[count] = kind;
            return count++;
        }

        void clear() {
            Arrays.fill(strings, 0, count, null); // do not keep the caller's strings alive
            count = 0;
        }
    }

    private final Ingestor ingestor;
    final Staged staged = new Staged();
    private String table;

    RowBuilder(Ingestor ingestor) {
        this.ingestor = ingestor;
    }

    RowBuilder start(String table) {
        this.table = Objects.requireNonNull(table, "table");
        staged.clear();
        return this;
    }

    String table() {
        return table;
    }

    public RowBuilder set(String column, long value) {
        return set(column, value, ColumnType.BIGINT);
    }

    /** Sets an integer-like value with an explicit type (BOOLEAN 0/1, SMALLINT, INT, BIGINT, DATE days, TIMESTAMP micros). */
    public RowBuilder set(String column, long value, ColumnType type) {
        if (!type.isLongValued()) {
            throw new IllegalArgumentException("type does not hold integers [column=" + column + ", type=" + type + ']');
        }
        staged.longs[staged.next(column, type, KIND_LONG)] = value;
        return this;
    }

    public RowBuilder set(String column, int value) {
        return set(column, (long) value, ColumnType.BIGINT);
    }

    public RowBuilder set(String column, double value) {
        staged.doubles[staged.next(column, ColumnType.DOUBLE, KIND_DOUBLE)] = value;
        return this;
    }

    public RowBuilder set(String column, boolean value) {
        return set(column, value ? 1 : 0, ColumnType.BOOLEAN);
    }

    /** A string value; {@code null} sets NULL. */
    public RowBuilder set(String column, CharSequence value) {
        if (value == null) {
            return setNull(column);
        }
        staged.strings[staged.next(column, ColumnType.VARCHAR, KIND_STRING)] = value;
        return this;
    }

    /** A TIMESTAMP value (microsecond precision); {@code null} sets NULL. */
    public RowBuilder set(String column, Instant value) {
        if (value == null) {
            return setNull(column);
        }
        long micros = Math.addExact(Math.multiplyExact(value.getEpochSecond(), 1_000_000L), value.getNano() / 1_000);
        return set(column, micros, ColumnType.TIMESTAMP);
    }

    /** A DATE value; {@code null} sets NULL. */
    public RowBuilder set(String column, LocalDate value) {
        if (value == null) {
            return setNull(column);
        }
        return set(column, value.toEpochDay(), ColumnType.DATE);
    }

    public RowBuilder setTimestampMicros(String column, long micros) {
        return set(column, micros, ColumnType.TIMESTAMP);
    }

    public RowBuilder setTimestamp(String column, long value, TimeUnit unit) {
        return set(column, unit.toMicros(value), ColumnType.TIMESTAMP);
    }

    /** Explicit NULL (the same as not setting the column, except that it is recorded when the column is new). */
    public RowBuilder setNull(String column) {
        staged.next(column, null, KIND_LONG);
        return this;
    }

    /**
     * Adds the row to its table's open batch and resets this builder. Returns the acknowledgement
     * future of the batch the row went into (shared by all rows of that batch); it fails with an
     * {@link IngestException} naming row and column when the server rejects the batch. When the
     * in-flight window is full this blocks ({@link IngestOptions.Backpressure#BLOCK}) or returns a
     * future failed with {@link IngestBackpressureException} without adding the row
     * ({@link IngestOptions.Backpressure#FAIL}; wait on {@link Ingestor#whenReady()} and add again).
     *
     * @throws IllegalArgumentException when a value's type differs from the type its column has in
     *                                  the open batch (nothing of the row is added)
     */
    public CompletableFuture<BatchAck> add() {
        try {
            return ingestor.addRow(this);
        } finally {
            staged.clear();
        }
    }
}
