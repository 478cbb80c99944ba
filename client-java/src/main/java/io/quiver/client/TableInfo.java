package io.quiver.client;

/** What {@link QuiverClient#describeTable} returns: the table's schema and its row count at that moment. */
public record TableInfo(TableDefinition definition, long rowCount) {}
