package io.quiver.storage;

/**
 * The column types Quiver stores. Every column is nullable.
 *
 * <p>In memory (see {@link io.quiver.storage.vector.ColumnVector}) every integral type, BOOLEAN,
 * DATE and TIMESTAMP travel as {@code long}, DOUBLE as {@code double} and VARCHAR as UTF-8 bytes
 * plus offsets, so kernels have one loop shape per physical kind. The on-disk width is chosen by
 * the segment encoder, not by the logical type.
 */
public enum ColumnType {
    BOOLEAN(1, Physical.LONG, 0, 1),
    SMALLINT(2, Physical.LONG, Short.MIN_VALUE, Short.MAX_VALUE),
    INT(3, Physical.LONG, Integer.MIN_VALUE, Integer.MAX_VALUE),
    BIGINT(4, Physical.LONG, Long.MIN_VALUE, Long.MAX_VALUE),
    DOUBLE(5, Physical.DOUBLE, 0, 0),
    /** Days since 1970-01-01, range of a 32-bit int. */
    DATE(6, Physical.LONG, Integer.MIN_VALUE, Integer.MAX_VALUE),
    /** Microseconds since 1970-01-01T00:00:00Z (UTC). */
    TIMESTAMP(7, Physical.LONG, Long.MIN_VALUE, Long.MAX_VALUE),
    /** UTF-8 text. */
    VARCHAR(8, Physical.BYTES, 0, 0),
    /**
     * A span of time in microseconds ({@code ts - ts}). A query result type only: tables do not
     * store it ({@link #storable()}), so no segment, WAL record or schema on disk ever holds one.
     */
    INTERVAL(9, Physical.LONG, Long.MIN_VALUE, Long.MAX_VALUE);

    /** How a value of the type is held in a {@link io.quiver.storage.vector.ColumnVector}. */
    public enum Physical { LONG, DOUBLE, BYTES }

    private static final ColumnType[] BY_ID = new ColumnType[10];

    static {
        for (ColumnType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final byte id;
    private final Physical physical;
    private final long minValue;
    private final long maxValue;

    ColumnType(int id, Physical physical, long minValue, long maxValue) {
        this.id = (byte) id;
        this.physical = physical;
        this.minValue = minValue;
        this.maxValue = maxValue;
    }

    /** Stable identifier written to disk (catalog, WAL, segments). Never renumber. */
    public byte id() {
        return id;
    }

    public Physical physical() {
        return physical;
    }

    /** Smallest legal value for LONG-physical types (inclusive). */
    public long minValue() {
        return minValue;
    }

    /** Largest legal value for LONG-physical types (inclusive). */
    public long maxValue() {
        return maxValue;
    }

    /** Whether a table column may have this type (every type but the query-only INTERVAL). */
    public boolean storable() {
        return this != INTERVAL;
    }

    public boolean isLongPhysical() {
        return physical == Physical.LONG;
    }

    public static ColumnType fromId(int id) {
        if (id <= 0 || id >= BY_ID.length || BY_ID[id] == null) {
            throw StorageException.corrupt("unknown column type id [id=" + id + ']');
        }
        return BY_ID[id];
    }

    /** Parses a SQL-ish type name (case-insensitive, with common aliases). */
    public static ColumnType parse(String name) {
        switch (name.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "BOOLEAN", "BOOL": return BOOLEAN;
            case "SMALLINT", "INT2", "SHORT": return SMALLINT;
            case "INT", "INTEGER", "INT4": return INT;
            case "BIGINT", "INT8", "LONG": return BIGINT;
            case "DOUBLE", "DOUBLE PRECISION", "FLOAT8", "FLOAT", "REAL": return DOUBLE;
            case "DATE": return DATE;
            case "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE": return TIMESTAMP;
            case "VARCHAR", "STRING", "TEXT", "CHAR", "SYMBOL": return VARCHAR;
            default: throw StorageException.invalid("unknown column type [type=" + name + ']');
        }
    }
}
