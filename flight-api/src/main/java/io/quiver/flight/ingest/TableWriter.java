package io.quiver.flight.ingest;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.table.AppendResult;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The catalog side of ingest, shared by gRPC, HTTP and Flight: decides what types an incoming
 * batch's columns are decoded into ({@link #plan}), makes the schema changes the batch needs once
 * it has been decoded and validated ({@link #apply}: auto-create the table, add unknown columns as
 * nullable), and appends it. Planning first and changing the catalog only after the values passed
 * validation keeps a rejected batch from leaving anything behind.
 */
public final class TableWriter {
    private final StorageEngine storage;
    private final IngestLimits limits;

    public TableWriter(StorageEngine storage, IngestLimits limits) {
        this.storage = storage;
        this.limits = limits;
    }

    public StorageEngine storage() {
        return storage;
    }

    public IngestLimits limits() {
        return limits;
    }

    /**
     * What one batch needs: the type each incoming column is decoded into ({@code targetTypes}, in
     * the order of the incoming columns), the designated timestamp column, and the table to create or
     * columns to add (empty when the table already fits).
     */
    public record Plan(String table, List<ColumnDef> incoming, ColumnType[] targetTypes, String timestampColumn,
                       TableSchema toCreate, List<ColumnDef> toAdd) {
        /** The decode target: the incoming columns with the types they are stored as. */
        public List<ColumnDef> targetColumns() {
            List<ColumnDef> out = new ArrayList<>(incoming.size());
            for (int i = 0; i < incoming.size(); i++) {
                out.add(new ColumnDef(incoming.get(i).name(), targetTypes[i]));
            }
            return out;
        }

        /** Index of the designated timestamp among the incoming columns; -1 if absent or the table has none. */
        public int timestampIndex() {
            for (int i = 0; i < incoming.size(); i++) {
                if (incoming.get(i).name().equalsIgnoreCase(timestampColumn)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * Checks the incoming columns against the table (or against auto-create rules when it does not
     * exist) without changing anything. {@code timestampHint} names the designated timestamp if the
     * table is created (empty: the first TIMESTAMP column).
     */
    public Plan plan(String table, List<ColumnDef> incoming, String timestampHint) {
        try {
            ColumnDef.validateName(table, "table");
        } catch (StorageException e) {
            throw IngestFailure.invalid(e.getMessage());
        }
        int maxColumns = Math.min(limits.maxColumns(), TableSchema.MAX_COLUMNS);
        if (incoming.size() > maxColumns) {
            throw IngestFailure.invalid("too many columns [table=" + table + ", columns=" + incoming.size() + ", max=" + maxColumns + ']');
        }
        if (incoming.isEmpty()) {
            throw IngestFailure.invalid("batch has no columns [table=" + table + ']');
        }
        Set<String> seen = new HashSet<>();
        for (ColumnDef c : incoming) {
            if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                throw IngestFailure.invalid("column given twice [table=" + table + ", column=" + c.name() + ']', -1, c.name());
            }
        }
        Optional<Table> existing = storage.table(table);
        return existing.isPresent() ? planAgainst(existing.get().schema(), incoming, maxColumns) : planCreate(table, incoming, timestampHint);
    }

    private Plan planAgainst(TableSchema schema, List<ColumnDef> incoming, int maxColumns) {
        ColumnType[] target = new ColumnType[incoming.size()];
        List<ColumnDef> toAdd = new ArrayList<>();
        for (int i = 0; i < incoming.size(); i++) {
            ColumnDef c = incoming.get(i);
            int idx = schema.indexOf(c.name());
            if (idx >= 0) {
                ColumnType have = schema.column(idx).type();
                if (!TypeRules.accepts(have, c.type())) {
                    throw TypeRules.mismatch(schema.name(), schema.column(idx).name(), have, c.type());
                }
                target[i] = have;
            } else if (!limits.autoCreate()) {
                throw IngestFailure.notFound("column does not exist [table=" + schema.name() + ", column=" + c.name() + ']', c.name());
            } else {
                toAdd.add(c);
                target[i] = c.type();
            }
        }
        if (schema.columnCount() + toAdd.size() > maxColumns) {
            throw IngestFailure.invalid("too many columns [table=" + schema.name() + ", columns=" + (schema.columnCount() + toAdd.size())
                    + ", max=" + maxColumns + ']');
        }
        Plan p = new Plan(schema.name(), incoming, target, schema.timestampColumn(), null, List.copyOf(toAdd));
        requireTimestamp(p);
        return p;
    }

    private Plan planCreate(String table, List<ColumnDef> incoming, String timestampHint) {
        if (!limits.autoCreate()) {
            throw IngestFailure.notFound("table does not exist [table=" + table + ']', "");
        }
        String ts = null;
        if (timestampHint != null && !timestampHint.isEmpty()) {
            for (ColumnDef c : incoming) {
                if (c.name().equalsIgnoreCase(timestampHint)) {
                    if (c.type() != ColumnType.TIMESTAMP) {
                        throw IngestFailure.invalid("designated timestamp column must be TIMESTAMP [table=" + table + ", column="
                                + c.name() + ", type=" + c.type() + ']', -1, c.name());
                    }
                    ts = c.name();
                }
            }
            if (ts == null) {
                throw IngestFailure.invalid("designated timestamp column is not in the batch [table=" + table + ", column=" + timestampHint + ']',
                        0, timestampHint);
            }
        } else {
            for (ColumnDef c : incoming) {
                if (c.type() == ColumnType.TIMESTAMP) {
                    ts = c.name();
                    break;
                }
            }
            if (ts == null) {
                throw IngestFailure.invalid("cannot create a table from a batch without a TIMESTAMP column [table=" + table + ']');
            }
        }
        ColumnType[] target = new ColumnType[incoming.size()];
        for (int i = 0; i < target.length; i++) {
            target[i] = incoming.get(i).type();
        }
        TableSchema schema;
        try {
            schema = TableSchema.of(table, ts, incoming);
        } catch (StorageException e) {
            throw IngestFailure.from(e);
        }
        return new Plan(table, incoming, target, ts, schema, List.of());
    }

    private static void requireTimestamp(Plan p) {
        if (p.timestampColumn() != null && p.timestampIndex() < 0) { // a table without one needs none
            throw IngestFailure.invalid("batch has no value for the designated timestamp [table=" + p.table() + ", row=0, column="
                    + p.timestampColumn() + ']', 0, p.timestampColumn());
        }
    }

    /**
     * Makes the plan's schema changes and returns the table, ready for the batch decoded with the
     * plan's target types. Concurrent writers may race to create the same table or add the same
     * column: the loser checks that the winner's types still fit.
     */
    public Table apply(Plan plan) {
        try {
            Table t;
            if (plan.toCreate() != null) {
                try {
                    t = storage.createTable(plan.toCreate());
                } catch (StorageException e) {
                    if (e.kind() != StorageException.Kind.ALREADY_EXISTS) {
                        throw e;
                    }
                    t = storage.tableOrThrow(plan.table());
                }
            } else {
                t = storage.tableOrThrow(plan.table());
            }
            for (ColumnDef c : plan.toAdd()) {
                if (t.schema().indexOf(c.name()) >= 0) {
                    continue;
                }
                try {
                    storage.addColumn(plan.table(), c);
                } catch (StorageException e) {
                    if (e.kind() != StorageException.Kind.ALREADY_EXISTS) {
                        throw e;
                    }
                }
            }
            TableSchema now = t.schema();
            for (int i = 0; i < plan.incoming().size(); i++) {
                String name = plan.incoming().get(i).name();
                int idx = now.indexOf(name);
                if (idx < 0) {
                    throw IngestFailure.notFound("column does not exist [table=" + plan.table() + ", column=" + name + ']', name);
                }
                if (now.column(idx).type() != plan.targetTypes()[i]) {
                    throw TypeRules.mismatch(plan.table(), name, now.column(idx).type(), plan.incoming().get(i).type());
                }
            }
            // Another writer may have created the table first, with a different designated timestamp.
            requireTimestamp(new Plan(plan.table(), plan.incoming(), plan.targetTypes(), now.timestampColumn(), null, List.of()));
            return t;
        } catch (IOException e) {
            throw new IngestFailure(io.quiver.proto.v1.IngestError.Code.UNAVAILABLE, "schema change failed [table=" + plan.table()
                    + ", cause=" + e + ']', -1, "", true, e);
        } catch (StorageException e) {
            throw IngestFailure.from(e);
        }
    }

    /** Appends; the future completes when durable and visible, or fails with an {@link IngestFailure}. */
    public CompletableFuture<AppendResult> append(Table table, String batchId, RowBatch batch) {
        CompletableFuture<AppendResult> f;
        try {
            f = table.append(batchId, batch);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(IngestFailure.from(e));
        }
        return f;
    }

    /** Plan, decode (by the caller, into the plan's target types), apply and append in one go. */
    public CompletableFuture<AppendResult> write(Plan plan, String batchId, RowBatch decoded) {
        Table t;
        try {
            t = apply(plan);
        } catch (IngestFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        return append(t, batchId, decoded);
    }
}
