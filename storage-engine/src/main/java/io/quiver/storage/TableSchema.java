package io.quiver.storage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A table's shape: its columns in order, the designated timestamp column, the sort key used when
 * sealing segments, and the time partitioning. Immutable; {@link #withColumn} returns a new version.
 *
 * <p>A table may have no designated timestamp (a dimension table such as users or tenants): it is
 * then one partition ({@link PartitionBy#NONE}), its rows need no timestamp, and segments keep them
 * in sort-key order, or in the order they were written when the sort key is empty.
 */
public final class TableSchema {
    public static final int MAX_COLUMNS = 1024;

    private final String name;
    private final List<ColumnDef> columns;
    private final int timestampIndex;
    private final List<Integer> sortKey;
    private final PartitionBy partitionBy;
    private final int version;

    public TableSchema(String name, List<ColumnDef> columns, String timestampColumn,
                       List<String> sortKeyColumns, PartitionBy partitionBy, int version) {
        ColumnDef.validateName(name, "table");
        this.name = name;
        this.columns = List.copyOf(columns);
        if (this.columns.isEmpty()) {
            throw StorageException.invalid("a table needs at least one column [table=" + name + ']');
        }
        if (this.columns.size() > MAX_COLUMNS) {
            throw StorageException.invalid("too many columns [table=" + name + ", columns=" + columns.size() + ", max=" + MAX_COLUMNS + ']');
        }
        Set<String> seen = new HashSet<>();
        for (ColumnDef c : this.columns) {
            if (!c.type().storable()) {
                throw StorageException.invalid("a table column cannot have type " + c.type() + ": it is a query result type only;"
                        + " store extract(epoch FROM ...) or a BIGINT of microseconds [table=" + name + ", column=" + c.name() + ']');
            }
            if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                throw StorageException.alreadyExists("duplicate column [table=" + name + ", column=" + c.name() + ']');
            }
        }
        if (timestampColumn == null || timestampColumn.isEmpty()) {
            this.timestampIndex = -1;
            if (partitionBy != PartitionBy.NONE) {
                throw StorageException.invalid("partitioning by time needs a designated timestamp [table=" + name
                        + ", partitionBy=" + partitionBy + "]; name a TIMESTAMP column as the table's timestamp, or partition by NONE");
            }
        } else {
            this.timestampIndex = indexOfOrThrow(timestampColumn);
            if (this.columns.get(timestampIndex).type() != ColumnType.TIMESTAMP) {
                throw StorageException.invalid("designated timestamp column must be TIMESTAMP [table=" + name
                        + ", column=" + timestampColumn + ", type=" + this.columns.get(timestampIndex).type() + ']');
            }
        }
        List<Integer> keys = new ArrayList<>();
        List<String> sk = sortKeyColumns == null ? List.of()
                : sortKeyColumns.stream().filter(k -> k != null && !k.isBlank()).toList();
        if (sk.isEmpty() && timestampIndex >= 0) {
            sk = List.of(timestampColumn);
        }
        for (String k : sk) {
            keys.add(indexOfOrThrow(k));
        }
        this.sortKey = List.copyOf(keys);
        this.partitionBy = Objects.requireNonNull(partitionBy, "partitionBy");
        this.version = version;
    }

    /** A table without a designated timestamp: one partition, rows in {@code sortKey} order (or as written). */
    public static TableSchema withoutTimestamp(String name, List<ColumnDef> columns, List<String> sortKey) {
        return new TableSchema(name, columns, null, sortKey, PartitionBy.NONE, 1);
    }

    /** A DAY-partitioned table sorted by its timestamp. */
    public static TableSchema of(String name, String timestampColumn, List<ColumnDef> columns) {
        return new TableSchema(name, columns, timestampColumn, List.of(), PartitionBy.DAY, 1);
    }

    private int indexOfOrThrow(String column) {
        int i = indexOf(column);
        if (i < 0) {
            throw StorageException.notFound("column does not exist [table=" + name + ", column=" + column + ']');
        }
        return i;
    }

    public String name() {
        return name;
    }

    public List<ColumnDef> columns() {
        return columns;
    }

    public ColumnDef column(int index) {
        return columns.get(index);
    }

    public int columnCount() {
        return columns.size();
    }

    /** Index of a column by name, case-insensitive, or -1. */
    public int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }

    /** Position of the designated timestamp column, or -1 when the table has none. */
    public int timestampIndex() {
        return timestampIndex;
    }

    public boolean hasTimestamp() {
        return timestampIndex >= 0;
    }

    /** The designated timestamp column's name, or null when the table has none. */
    public String timestampColumn() {
        return timestampIndex < 0 ? null : columns.get(timestampIndex).name();
    }

    public List<Integer> sortKey() {
        return sortKey;
    }

    public List<String> sortKeyNames() {
        return sortKey.stream().map(i -> columns.get(i).name()).toList();
    }

    public PartitionBy partitionBy() {
        return partitionBy;
    }

    /** Increases with every schema change; segments record the version they were written with. */
    public int version() {
        return version;
    }

    /** A new schema version with {@code column} appended. */
    public TableSchema withColumn(ColumnDef column) {
        if (indexOf(column.name()) >= 0) {
            throw StorageException.alreadyExists("column already exists [table=" + name + ", column=" + column.name() + ']');
        }
        List<ColumnDef> next = new ArrayList<>(columns);
        next.add(column);
        return new TableSchema(name, next, timestampColumn(), sortKeyNames(), partitionBy, version + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSchema s && s.name.equals(name) && s.columns.equals(columns)
                && s.timestampIndex == timestampIndex && s.sortKey.equals(sortKey)
                && s.partitionBy == partitionBy && s.version == version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, columns, timestampIndex, sortKey, partitionBy, version);
    }

    @Override
    public String toString() {
        return "TableSchema[" + name + ", v" + version + ", " + columns + ", ts=" + timestampColumn()
                + ", sortKey=" + sortKeyNames() + ", partitionBy=" + partitionBy + ']';
    }
}
