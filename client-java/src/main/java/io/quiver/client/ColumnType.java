package io.quiver.client;

/**
 * The column types of a Quiver table, as the client names them. Every column is nullable.
 * Values: BOOLEAN, SMALLINT, INT, BIGINT as Java integers; DOUBLE; DATE as days since 1970-01-01;
 * TIMESTAMP as microseconds since the epoch (UTC); VARCHAR as UTF-8 text.
 */
public enum ColumnType {
    BOOLEAN(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BOOLEAN),
    SMALLINT(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_SMALLINT),
    INT(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_INT),
    BIGINT(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BIGINT),
    DOUBLE(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_DOUBLE),
    DATE(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_DATE),
    TIMESTAMP(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_TIMESTAMP),
    VARCHAR(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_VARCHAR);

    private final io.quiver.proto.v1.ColumnType wire;

    ColumnType(io.quiver.proto.v1.ColumnType wire) {
        this.wire = wire;
    }

    /** The protocol enum value. */
    public io.quiver.proto.v1.ColumnType wire() {
        return wire;
    }

    /** True for the types whose values travel in {@code Column.long_values}. */
    public boolean isLongValued() {
        return this != DOUBLE && this != VARCHAR;
    }

    public static ColumnType fromWire(io.quiver.proto.v1.ColumnType wire) {
        for (ColumnType t : values()) {
            if (t.wire == wire) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown column type [type=" + wire + ']');
    }
}
