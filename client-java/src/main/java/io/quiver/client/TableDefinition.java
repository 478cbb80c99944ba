package io.quiver.client;

import io.quiver.proto.v1.ColumnSchema;
import io.quiver.proto.v1.PartitionBy;
import io.quiver.proto.v1.TableSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A table's schema as the client sees it: columns, the designated timestamp column ("" when the table
 * has none), the sort key (empty = the timestamp) and the time partitioning ({@code NONE, HOUR, DAY,
 * MONTH, YEAR}; a table without a timestamp is NONE).
 * {@code version} is set by the server (0 in a definition the client builds).
 */
public record TableDefinition(String name, List<ColumnDefinition> columns, String timestampColumn,
                              List<String> sortKey, String partitionBy, int version) {
    public TableDefinition {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        Objects.requireNonNull(timestampColumn, "timestampColumn");
        sortKey = sortKey == null ? List.of() : List.copyOf(sortKey);
        partitionBy = partitionBy == null ? "DAY" : partitionBy.toUpperCase(Locale.ROOT);
    }

    /**
     * A table without a designated timestamp (a dimension table): one partition, rows need no
     * timestamp and stay in the order they were written ({@code timestampColumn} is "").
     */
    public static TableDefinition withoutTimestamp(String name, ColumnDefinition... columns) {
        return new TableDefinition(name, List.of(columns), "", List.of(), "NONE", 0);
    }

    public boolean hasTimestamp() {
        return !timestampColumn.isEmpty();
    }

    /** A DAY-partitioned table sorted by its timestamp. */
    public static TableDefinition of(String name, String timestampColumn, ColumnDefinition... columns) {
        return new TableDefinition(name, List.of(columns), timestampColumn, List.of(), "DAY", 0);
    }

    public TableSchema toWire() {
        TableSchema.Builder b = TableSchema.newBuilder().setName(name).setTimestampColumn(timestampColumn)
                .addAllSortKey(sortKey).setPartitionBy(PartitionBy.valueOf("PARTITION_BY_" + partitionBy));
        for (ColumnDefinition c : columns) {
            b.addColumns(ColumnSchema.newBuilder().setName(c.name()).setType(c.type().wire()));
        }
        return b.build();
    }

    public static TableDefinition fromWire(TableSchema s) {
        List<ColumnDefinition> cols = new ArrayList<>(s.getColumnsCount());
        for (ColumnSchema c : s.getColumnsList()) {
            cols.add(new ColumnDefinition(c.getName(), ColumnType.fromWire(c.getType())));
        }
        String partition = s.getPartitionBy() == PartitionBy.PARTITION_BY_UNSPECIFIED
                ? "DAY" : s.getPartitionBy().name().substring("PARTITION_BY_".length());
        return new TableDefinition(s.getName(), cols, s.getTimestampColumn(), s.getSortKeyList(), partition, s.getVersion());
    }
}
