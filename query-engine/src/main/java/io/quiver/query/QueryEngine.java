package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.query.catalog.TableHandle;
import io.quiver.query.exec.DeleteFilter;
import io.quiver.query.exec.ExecContext;
import io.quiver.query.exec.PhysicalOp;
import io.quiver.query.exec.PhysicalPlanner;
import io.quiver.query.exec.Sink;
import io.quiver.query.parse.StatementCache;
import io.quiver.query.parse.Statement;
import io.quiver.query.plan.Binder;
import io.quiver.query.plan.BoundDelete;
import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Field;
import io.quiver.query.plan.Names;
import io.quiver.query.plan.Plan;
import io.quiver.query.plan.Types;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SQL entry point: parse (Calcite Babel), bind, plan, and run on a fixed worker pool shared by
 * all queries. Each query gets a coordinator thread that drives its operators and streams results
 * into the returned cursor; limits (deadline, memory, result rows, cancel) fail only that query.
 */
public final class QueryEngine implements AutoCloseable {
    private final QueryCatalog catalog;
    private final QueryConfig config;
    private final ExecutorService workers;
    private final ExecutorService coordinators;
    private final StatementCache statements = new StatementCache(256);

    public QueryEngine(QueryCatalog catalog, QueryConfig config) {
        this.catalog = catalog;
        this.config = config;
        this.workers = Executors.newFixedThreadPool(config.parallelism(), named("quiver-query-worker"));
        this.coordinators = Executors.newCachedThreadPool(named("quiver-query-coordinator"));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + '-' + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public QueryConfig config() {
        return config;
    }

    public QueryResult execute(String sql) {
        return execute(sql, QueryOptions.defaults());
    }

    public QueryResult execute(String sql, QueryOptions opts) {
        return execute(sql, opts, null);
    }

    /**
     * As {@link #execute(String, QueryOptions)}, with a query's rows to be read as units of
     * {@code encoder} ({@code cursor().encoded(encoder)}, with this same encoder; null = no preference):
     * the workers encode from the query's first row. Switched only after execute, the rows the
     * workers produced before the switch went through the plain batch path first, at a point that
     * varied per query, and each first use of that rarely taken path threw the workers' compiled
     * fill loop back to the interpreter and recompiled it (~2 CPU-s, bench/RESULTS-flight.md).
     */
    public QueryResult execute(String sql, QueryOptions opts, ResultEncoder<?> encoder) {
        QueryContext ctx = opts.context() == null ? new QueryContext() : opts.context();
        long timeout = opts.timeoutMs() > 0 ? opts.timeoutMs() : config.timeoutMs();
        long memory = opts.memoryMaxBytes() > 0 ? opts.memoryMaxBytes() : config.memoryMaxBytes();
        long maxRows = opts.resultMaxRows() > 0 ? opts.resultMaxRows() : config.resultMaxRows();
        ctx.start(timeout, memory);
        try {
            Statement st = statements.parse(sql);
            return switch (st) {
                case Statement.Query q -> query(q.node(), ctx, maxRows, encoder);
                case Statement.Explain e -> explain(e, ctx);
                case Statement.Insert i -> QueryResult.updateCount(insert(i.node(), ctx));
                case Statement.Delete d -> QueryResult.updateCount(delete(d, ctx));
                case Statement.CreateTable c -> QueryResult.updateCount(createTable(c));
                case Statement.DropTable d -> {
                    storage(() -> catalog.dropTable(d.name(), d.ifExists()), d.name());
                    yield QueryResult.updateCount(0);
                }
                case Statement.AddColumn a -> {
                    storage(() -> catalog.addColumn(a.table(), a.column()), a.table());
                    yield QueryResult.updateCount(0);
                }
                case Statement.ShowTables s -> rows(List.of("name"), List.of(ColumnType.VARCHAR),
                        catalog.tableNames().stream().sorted().map(n -> List.<Object>of(n)).toList());
                case Statement.Describe d -> describe(d);
            };
        } catch (StorageException e) {
            throw StorageQueryCatalog.translate(e);
        }
    }

    private QueryResult query(SqlNode node, QueryContext ctx, long maxRows, ResultEncoder<?> encoder) {
        Plan plan = new Binder(catalog, nowMicros()).bindQuery(node);
        PhysicalOp root = new PhysicalPlanner().plan(plan);
        List<String> names = plan.fields().stream().map(Field::name).toList();
        List<ColumnType> types = plan.fields().stream().map(Field::type).toList();
        StreamingCursor cursor = new StreamingCursor(names, types, ctx, maxRows, encoder);
        coordinators.submit(() -> {
            ExecContext exec = new ExecContext(ctx, workers, config.parallelism());
            try {
                root.run(exec, cursor.sinkFactory());
                ctx.checkAlive();
                cursor.complete();
            } catch (QueryException e) {
                ctx.fail(e);
                cursor.fail(e);
            } catch (StorageException e) {
                QueryException q = StorageQueryCatalog.translate(e);
                ctx.fail(q);
                cursor.fail(q);
            } catch (RuntimeException | Error e) {
                QueryException q = QueryException.internal("query failed: " + e, e);
                ctx.fail(q);
                cursor.fail(q);
            } finally {
                exec.close();
            }
        });
        return QueryResult.rows(cursor);
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private QueryResult explain(Statement.Explain e, QueryContext ctx) {
        Plan plan = new Binder(catalog, nowMicros()).bindQuery(e.query().node());
        PhysicalOp root = new PhysicalPlanner().plan(plan);
        if (e.analyze()) {
            ExecContext exec = new ExecContext(ctx, workers, config.parallelism());
            try {
                root.run(exec, () -> new Sink() {
                    @Override
                    public void accept(io.quiver.query.exec.Batch batch) {
                    }

                    @Override
                    public void finish() {
                    }
                });
            } finally {
                exec.close();
            }
        }
        StringBuilder b = new StringBuilder();
        root.explain(b, 0, e.analyze());
        if (e.analyze()) {
            b.append("peak memory=").append(ctx.memoryPeak()).append(" bytes\n");
        }
        List<List<Object>> lines = new ArrayList<>();
        for (String line : b.toString().split("\n")) {
            lines.add(List.of(line));
        }
        return rows(List.of("plan"), List.of(ColumnType.VARCHAR), lines);
    }

    private QueryResult describe(Statement.Describe d) {
        TableHandle h = catalog.table(d.table()).orElseThrow(() -> QueryException.at(ErrorCode.UNKNOWN_TABLE,
                "table does not exist [table=" + d.table() + ']' + Names.suggestion(d.table(), catalog.tableNames()), d.line(), d.column()));
        TableSchema s = h.schema();
        List<List<Object>> out = new ArrayList<>();
        for (int i = 0; i < s.columnCount(); i++) {
            ColumnDef c = s.column(i);
            String role = i == s.timestampIndex() ? "designated timestamp" : s.sortKey().contains(i) ? "sort key" : "";
            out.add(List.of(c.name(), c.type().name(), role));
        }
        return rows(List.of("column_name", "column_type", "role"), List.of(ColumnType.VARCHAR, ColumnType.VARCHAR, ColumnType.VARCHAR), out);
    }

    /** A small materialised result (SHOW, DESCRIBE, EXPLAIN). */
    private static QueryResult rows(List<String> names, List<ColumnType> types, List<List<Object>> values) {
        List<ColumnDef> defs = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            defs.add(new ColumnDef("c" + i, types.get(i)));
        }
        RowBatch b = new RowBatch(defs, Math.max(1, values.size()));
        for (List<Object> row : values) {
            for (int c = 0; c < row.size(); c++) {
                b.column(c).appendString(String.valueOf(row.get(c)));
            }
        }
        b.syncRowCount();
        return QueryResult.rows(new ResultCursor() {
            private boolean served = values.isEmpty();

            @Override
            public List<String> columnNames() {
                return names;
            }

            @Override
            public List<ColumnType> columnTypes() {
                return types;
            }

            @Override
            public RowBatch next() {
                if (served) {
                    return null;
                }
                served = true;
                return b;
            }

            @Override
            public void close() {
            }
        });
    }

    private long createTable(Statement.CreateTable c) {
        Map<String, String> o = c.options();
        for (String k : o.keySet()) {
            if (!List.of("timestamp", "partition_by", "sort_key").contains(k)) {
                throw QueryException.at(ErrorCode.SYNTAX_ERROR, "unknown table option [option=" + k
                        + "]" + Names.suggestion(k, List.of("timestamp", "partition_by", "sort_key")), c.line(), c.column());
            }
        }
        String ts = o.get("timestamp");
        if (ts == null) {
            // One TIMESTAMP column is the designated timestamp; none makes a table without one (a
            // dimension table: one partition, rows in sort-key or written order); several must be chosen.
            List<ColumnDef> stamps = c.columns().stream().filter(x -> x.type() == ColumnType.TIMESTAMP).toList();
            if (stamps.size() > 1) {
                throw QueryException.at(ErrorCode.SYNTAX_ERROR, "name the designated timestamp column: WITH (timestamp = '<column>')",
                        c.line(), c.column());
            }
            ts = stamps.isEmpty() ? null : stamps.get(0).name();
        }
        List<String> sortKey = o.containsKey("sort_key")
                ? Arrays.stream(o.get("sort_key").split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList() : List.of();
        PartitionBy pb = o.containsKey("partition_by") ? PartitionBy.parse(o.get("partition_by"))
                : ts == null ? PartitionBy.NONE : PartitionBy.DAY;
        TableSchema schema = new TableSchema(c.name(), c.columns(), ts, sortKey, pb, 1);
        catalog.createTable(schema, c.ifNotExists());
        return 0;
    }

    private long insert(SqlInsert ins, QueryContext ctx) {
        SqlIdentifier target = (SqlIdentifier) ins.getTargetTable();
        String table = target.names.get(target.names.size() - 1);
        TableHandle h = catalog.table(table).orElseThrow(() -> QueryException.at(ErrorCode.UNKNOWN_TABLE,
                "table does not exist [table=" + table + ']' + Names.suggestion(table, catalog.tableNames()),
                target.getParserPosition().getLineNum(), target.getParserPosition().getColumnNum()));
        TableSchema schema = h.schema();
        int[] targetCols;
        if (ins.getTargetColumnList() == null) {
            targetCols = new int[schema.columnCount()];
            for (int i = 0; i < targetCols.length; i++) {
                targetCols[i] = i;
            }
        } else {
            targetCols = new int[ins.getTargetColumnList().size()];
            for (int i = 0; i < targetCols.length; i++) {
                SqlIdentifier id = (SqlIdentifier) ins.getTargetColumnList().get(i);
                int idx = schema.indexOf(id.getSimple());
                if (idx < 0) {
                    throw QueryException.at(ErrorCode.UNKNOWN_COLUMN, "column does not exist [table=" + table + ", column=" + id.getSimple()
                            + ']' + Names.suggestion(id.getSimple(), schema.columns().stream().map(ColumnDef::name).toList()),
                            id.getParserPosition().getLineNum(), id.getParserPosition().getColumnNum());
                }
                targetCols[i] = idx;
            }
        }
        Plan source = new Binder(catalog, nowMicros()).bindQuery(ins.getSource());
        if (source.fields().size() != targetCols.length) {
            throw new QueryException(ErrorCode.SYNTAX_ERROR, "INSERT has " + source.fields().size() + " expressions but "
                    + targetCols.length + " target columns");
        }
        // Assignment casts: every table column in schema order; absent columns are NULL.
        List<Expr> exprs = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < schema.columnCount(); c++) {
            ColumnType t = schema.column(c).type();
            int src = -1;
            for (int i = 0; i < targetCols.length; i++) {
                if (targetCols[i] == c) {
                    src = i;
                }
            }
            Expr e;
            if (src < 0) {
                e = new Expr.Lit(null, t);
            } else {
                ColumnType from = source.fields().get(src).type();
                if (!Types.castable(from, t)) {
                    throw new QueryException(ErrorCode.TYPE_MISMATCH, "column is of type " + t + " but expression is of type " + from
                            + " [column=" + schema.column(c).name() + ']');
                }
                e = Binder.coerce(new Expr.Col(src, from), t);
            }
            exprs.add(e);
            fields.add(new Field(null, schema.column(c).name(), t));
        }
        Plan plan = new Plan.Project(source, exprs, fields);
        PhysicalOp root = new PhysicalPlanner().plan(plan);
        RowBatch rows = new RowBatch(schema.columns(), 1024);
        ExecContext exec = new ExecContext(ctx, workers, config.parallelism());
        try {
            root.run(exec, () -> new Sink() {
                @Override
                public void accept(io.quiver.query.exec.Batch b) {
                    synchronized (rows) {
                        int[] idx = b.positions();
                        for (int c = 0; c < schema.columnCount(); c++) {
                            ColumnVector dst = rows.column(c);
                            for (int k = 0; k < b.count; k++) {
                                dst.appendFrom(b.cols[c], idx[k]);
                            }
                        }
                    }
                }

                @Override
                public void finish() {
                }
            });
        } finally {
            exec.close();
        }
        rows.syncRowCount();
        if (rows.rowCount() == 0) {
            return 0;
        }
        String name = schema.name();
        long[] written = {0};
        storage(() -> written[0] = catalog.insert(name, rows), name);
        return written[0];
    }

    /**
     * DELETE runs on the caller's thread: subqueries in its condition run first (they see the table
     * before the delete), then storage reads the bound columns segment by segment (the memtable is
     * flushed first) and asks {@link DeleteFilter} which rows go; nothing is published if the
     * condition fails, the deadline passes or the query is cancelled.
     */
    private long delete(Statement.Delete d, QueryContext ctx) {
        long[] held = {0}; // bytes of subquery values, charged to the budget until the delete is done
        try {
            BoundDelete bound = new Binder(catalog, nowMicros()).bindDelete(d.node(), plan -> firstColumn(plan, ctx, held));
            if (bound.condition() instanceof Expr.Lit) {
                return 0; // WHERE is constantly FALSE or NULL
            }
            String name = bound.schema().name();
            long[] deleted = {0};
            storage(() -> deleted[0] = catalog.delete(name, bound.columns(), DeleteFilter.prunePredicate(bound),
                    new DeleteFilter(bound, ctx)), name);
            return deleted[0];
        } finally {
            ctx.release(held[0]);
        }
    }

    /**
     * Runs a DELETE's subquery to completion under the statement's limits; its first column's values,
     * whose estimated heap size is reserved from the memory budget and added to {@code held}.
     */
    private List<Object> firstColumn(Plan plan, QueryContext ctx, long[] held) {
        PhysicalOp root = new PhysicalPlanner().plan(plan);
        List<Object> values = new ArrayList<>();
        ExecContext exec = new ExecContext(ctx, workers, config.parallelism());
        try {
            root.run(exec, () -> new Sink() {
                @Override
                public void accept(io.quiver.query.exec.Batch b) {
                    int[] idx = b.positions();
                    synchronized (values) {
                        long bytes = 0;
                        for (int k = 0; k < b.count; k++) {
                            Object v = io.quiver.query.exec.ExprEvaluator.valueAt(b.cols[0], idx[k]);
                            values.add(v);
                            bytes += v instanceof String str ? 48 + 2L * str.length() : 24; // boxed value and list slot
                        }
                        held[0] += bytes;
                        ctx.reserve(bytes);
                    }
                }

                @Override
                public void finish() {
                }
            });
            ctx.checkAlive();
        } finally {
            exec.close();
        }
        return values;
    }

    private static void storage(Runnable r, String table) {
        try {
            r.run();
        } catch (StorageException e) {
            throw StorageQueryCatalog.translate(e);
        }
    }

    @Override
    public void close() {
        coordinators.shutdownNow();
        workers.shutdownNow();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
