package io.quiver.query.catalog;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.table.RowFilter;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The query engine's catalog over a real {@link StorageEngine}. Every storage failure leaves this
 * class as a {@link QueryException} whose code says what kind of failure it was (see {@link
 * #translate}); the engine is borrowed, not owned: whoever opened it closes it.
 */
public final class StorageQueryCatalog implements QueryCatalog {
    private final StorageEngine storage;

    public StorageQueryCatalog(StorageEngine storage) {
        this.storage = storage;
    }

    public StorageEngine storage() {
        return storage;
    }

    @Override
    public List<String> tableNames() {
        return storage.tableNames();
    }

    @Override
    public Optional<TableHandle> table(String name) {
        return storage.table(name).map(TableAdapter::new);
    }

    @Override
    public TableSchema createTable(TableSchema schema, boolean ifNotExists) {
        try {
            return storage.createTable(schema).schema();
        } catch (StorageException e) {
            if (ifNotExists && e.kind() == StorageException.Kind.ALREADY_EXISTS) {
                Optional<Table> existing = storage.table(schema.name());
                if (existing.isPresent()) {
                    return existing.get().schema();
                }
            }
            throw translate(e);
        } catch (IOException e) {
            throw ioFailure("creating a table failed [table=" + schema.name() + ']', e);
        }
    }

    @Override
    public void dropTable(String name, boolean ifExists) {
        try {
            storage.dropTable(name);
        } catch (StorageException e) {
            if (ifExists && e.kind() == StorageException.Kind.NOT_FOUND) {
                return;
            }
            throw translate(e);
        } catch (IOException e) {
            throw ioFailure("dropping a table failed [table=" + name + ']', e);
        }
    }

    @Override
    public TableSchema addColumn(String table, ColumnDef column) {
        try {
            return storage.addColumn(table, column);
        } catch (StorageException e) {
            throw translate(e);
        } catch (IOException e) {
            throw ioFailure("adding a column failed [table=" + table + ", column=" + column.name() + ']', e);
        }
    }

    /** Appends the rows as one batch (no batch id) and waits until storage acknowledges them durable. */
    @Override
    public long insert(String table, RowBatch rows) {
        try {
            Table t = storage.tableOrThrow(table);
            return t.append(null, rows).join().rows();
        } catch (StorageException e) {
            throw translate(e);
        } catch (CompletionException e) {
            if (e.getCause() instanceof StorageException se) {
                throw translate(se);
            }
            throw QueryException.internal("insert failed [table=" + table + ", cause=" + e.getCause() + ']', e.getCause());
        }
    }

    /** {@link Table#delete}: flushes the memtable, then publishes new delete vectors for the segments hit. */
    @Override
    public long delete(String table, int[] columns, ScanPredicate prune, RowFilter filter) {
        try {
            return storage.tableOrThrow(table).delete(columns, prune, filter);
        } catch (StorageException e) {
            throw translate(e);
        } catch (IOException e) {
            throw ioFailure("deleting rows failed [table=" + table + ']', e);
        }
    }

    /**
     * Maps a storage failure to the query error a client should see: NOT_FOUND names an unknown
     * table or column, ALREADY_EXISTS a duplicate, INVALID_INPUT a bad value (22P02),
     * RESOURCE_EXHAUSTED an insufficient-resources error (53000, retry later), CORRUPT/IO/CLOSED a
     * storage error (58030). The storage message, which names table, column or file, is kept.
     */
    public static QueryException translate(StorageException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        ErrorCode code = switch (e.kind()) {
            case NOT_FOUND -> m.startsWith("column") ? ErrorCode.UNKNOWN_COLUMN : ErrorCode.UNKNOWN_TABLE;
            case ALREADY_EXISTS -> m.contains("column") ? ErrorCode.DUPLICATE_COLUMN : ErrorCode.DUPLICATE_TABLE;
            case INVALID_INPUT -> ErrorCode.INVALID_VALUE;
            case RESOURCE_EXHAUSTED -> ErrorCode.INSUFFICIENT_RESOURCES;
            case CORRUPT, IO, CLOSED -> ErrorCode.STORAGE_ERROR;
        };
        return new QueryException(code, m, 0, 0, e);
    }

    private static QueryException ioFailure(String what, IOException e) {
        return new QueryException(ErrorCode.STORAGE_ERROR, what + " [cause=" + e + ']', 0, 0, new UncheckedIOException(e));
    }

    /** One storage table seen through the query engine's handle. */
    private record TableAdapter(Table table) implements TableHandle {
        @Override
        public TableSchema schema() {
            return table.schema();
        }

        @Override
        public TableScan openScan() {
            try {
                return table.openScan();
            } catch (StorageException e) {
                throw translate(e);
            }
        }
    }
}
