package io.quiver.query.catalog;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.table.RowFilter;
import io.quiver.storage.vector.RowBatch;

import java.util.List;
import java.util.Optional;

/** The query engine's view of the storage engine: tables to scan, and DDL / DML to apply. */
public interface QueryCatalog {
    List<String> tableNames();

    /** The table with this name, case-insensitive. */
    Optional<TableHandle> table(String name);

    TableSchema createTable(TableSchema schema, boolean ifNotExists);

    void dropTable(String name, boolean ifExists);

    TableSchema addColumn(String table, ColumnDef column);

    /** Appends rows holding every table column in schema order; durable on return; returns rows written. */
    long insert(String table, RowBatch rows);

    /**
     * Deletes the rows for which {@code filter} says so, reading {@code columns} (schema indexes, in
     * that order) to decide; {@code prune} may skip blocks that cannot match. Durable on return;
     * snapshots opened before keep seeing the rows. Returns the rows deleted.
     */
    long delete(String table, int[] columns, ScanPredicate prune, RowFilter filter);
}
