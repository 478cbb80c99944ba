package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.TableHandle;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.scan.RowBatchScan;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.table.RowFilter;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory {@link QueryCatalog} for tests: each table is a list of immutable RowBatch chunks
 * (one split each, so parallel paths run), served through {@link RowBatchScan}; optional exact
 * column statistics per split exercise the COUNT/MIN/MAX-from-stats path.
 */
final class MemoryCatalog implements QueryCatalog {
    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final int splitRows;
    private final boolean stats;

    MemoryCatalog(int splitRows, boolean stats) {
        this.splitRows = splitRows;
        this.stats = stats;
    }

    private final class Table implements TableHandle {
        volatile TableSchema schema;
        final List<RowBatch> chunks = new ArrayList<>();

        Table(TableSchema schema) {
            this.schema = schema;
        }

        @Override
        public TableSchema schema() {
            return schema;
        }

        @Override
        public TableScan openScan() {
            List<RowBatch> snapshot;
            synchronized (chunks) {
                snapshot = List.copyOf(chunks);
            }
            TableSchema s = schema;
            RowBatchScan inner = new RowBatchScan(s, snapshot, 1024);
            if (!stats) {
                return inner;
            }
            List<ScanSplit> splits = new ArrayList<>();
            for (int i = 0; i < snapshot.size(); i++) {
                splits.add(new StatsSplit(inner.splits().get(i), snapshot.get(i)));
            }
            return new TableScan() {
                @Override
                public TableSchema schema() {
                    return s;
                }

                @Override
                public List<ScanSplit> splits() {
                    return splits;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private record StatsSplit(ScanSplit inner, RowBatch batch) implements ScanSplit {
        @Override
        public long rowCount() {
            return inner.rowCount();
        }

        @Override
        public ColumnStats columnStats(int column) {
            ColumnVector v = batch.column(column);
            long nulls = 0;
            long minL = Long.MAX_VALUE;
            long maxL = Long.MIN_VALUE;
            double minD = Double.POSITIVE_INFINITY;
            double maxD = Double.NEGATIVE_INFINITY;
            boolean nan = false;
            String minS = null;
            String maxS = null;
            for (int r = 0; r < batch.rowCount(); r++) {
                if (v.isNull(r)) {
                    nulls++;
                    continue;
                }
                switch (v.type().physical()) {
                    case LONG -> {
                        minL = Math.min(minL, v.getLong(r));
                        maxL = Math.max(maxL, v.getLong(r));
                    }
                    case DOUBLE -> {
                        double d = v.getDouble(r);
                        if (Double.isNaN(d)) {
                            nan = true;
                        } else {
                            minD = Math.min(minD, d);
                            maxD = Math.max(maxD, d);
                        }
                    }
                    case BYTES -> {
                        String s = v.getString(r);
                        minS = minS == null || ScanPredicate.compareUtf8(s, minS) < 0 ? s : minS;
                        maxS = maxS == null || ScanPredicate.compareUtf8(s, maxS) > 0 ? s : maxS;
                    }
                }
            }
            long n = batch.rowCount();
            return switch (v.type().physical()) {
                case LONG -> ColumnStats.ofLongs(n, nulls, minL, maxL);
                case DOUBLE -> ColumnStats.ofDoubles(n, nulls, minD, maxD, nan);
                case BYTES -> ColumnStats.ofStrings(n, nulls, minS, maxS);
            };
        }

        @Override
        public ScanCursor open(int[] columns, ScanPredicate predicate) {
            return inner.open(columns, predicate);
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    @Override
    public List<String> tableNames() {
        return tables.values().stream().map(t -> t.schema.name()).sorted().toList();
    }

    @Override
    public Optional<TableHandle> table(String name) {
        return Optional.ofNullable(tables.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public TableSchema createTable(TableSchema schema, boolean ifNotExists) {
        Table t = new Table(schema);
        Table prev = tables.putIfAbsent(schema.name().toLowerCase(Locale.ROOT), t);
        if (prev != null) {
            if (ifNotExists) {
                return prev.schema;
            }
            throw StorageException.alreadyExists("table already exists [table=" + schema.name() + ']');
        }
        return schema;
    }

    @Override
    public void dropTable(String name, boolean ifExists) {
        if (tables.remove(name.toLowerCase(Locale.ROOT)) == null && !ifExists) {
            throw StorageException.tableDoesNotExist(name);
        }
    }

    @Override
    public TableSchema addColumn(String table, ColumnDef column) {
        Table t = tables.get(table.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw StorageException.tableDoesNotExist(table);
        }
        synchronized (t.chunks) {
            TableSchema next = t.schema.withColumn(column);
            List<RowBatch> widened = new ArrayList<>();
            for (RowBatch b : t.chunks) {
                RowBatch w = new RowBatch(next.columns(), b.rowCount());
                for (int c = 0; c < next.columnCount(); c++) {
                    for (int r = 0; r < b.rowCount(); r++) {
                        if (c < b.columnCount()) {
                            w.column(c).appendFrom(b.column(c), r);
                        } else {
                            w.column(c).appendNull();
                        }
                    }
                }
                w.syncRowCount();
                widened.add(w);
            }
            t.chunks.clear();
            t.chunks.addAll(widened);
            t.schema = next;
            return next;
        }
    }

    @Override
    public long insert(String table, RowBatch rows) {
        Table t = tables.get(table.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw StorageException.tableDoesNotExist(table);
        }
        synchronized (t.chunks) {
            for (int from = 0; from < rows.rowCount(); from += splitRows) {
                int n = Math.min(splitRows, rows.rowCount() - from);
                RowBatch chunk = new RowBatch(t.schema.columns(), n);
                for (int c = 0; c < rows.columnCount(); c++) {
                    for (int r = from; r < from + n; r++) {
                        chunk.column(c).appendFrom(rows.column(c), r);
                    }
                }
                chunk.syncRowCount();
                t.chunks.add(chunk);
            }
        }
        return rows.rowCount();
    }

    /**
     * Replaces every chunk with a matching row by a copy without those rows (chunks are immutable,
     * so snapshots opened before keep the old ones). Ignores {@code prune}: every chunk is evaluated.
     */
    @Override
    public long delete(String table, int[] columns, ScanPredicate prune, RowFilter filter) {
        Table t = tables.get(table.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw StorageException.tableDoesNotExist(table);
        }
        long deleted = 0;
        synchronized (t.chunks) {
            List<ColumnDef> defs = new ArrayList<>();
            for (int c : columns) {
                defs.add(t.schema.column(c));
            }
            for (int k = 0; k < t.chunks.size(); k++) {
                RowBatch chunk = t.chunks.get(k);
                ColumnVector[] vectors = new ColumnVector[columns.length];
                for (int c = 0; c < columns.length; c++) {
                    vectors[c] = chunk.column(columns[c]);
                }
                boolean[] matches = new boolean[chunk.rowCount()];
                filter.evaluate(new RowBatch(defs, vectors, chunk.rowCount()), matches);
                int hits = 0;
                for (boolean m : matches) {
                    hits += m ? 1 : 0;
                }
                if (hits == 0) {
                    continue;
                }
                RowBatch kept = new RowBatch(t.schema.columns(), Math.max(1, chunk.rowCount() - hits));
                for (int c = 0; c < chunk.columnCount(); c++) {
                    for (int r = 0; r < chunk.rowCount(); r++) {
                        if (!matches[r]) {
                            kept.column(c).appendFrom(chunk.column(c), r);
                        }
                    }
                }
                kept.syncRowCount();
                t.chunks.set(k, kept);
                deleted += hits;
            }
        }
        return deleted;
    }

    /** Appends a prepared batch as one split (bulk loading in tests and benchmarks). */
    void appendChunk(String table, RowBatch chunk) {
        Table t = tables.get(table.toLowerCase(Locale.ROOT));
        synchronized (t.chunks) {
            t.chunks.add(chunk);
        }
    }
}
