package io.quiver.query.exec;

import io.quiver.query.QueryContext;
import io.quiver.query.catalog.TableHandle;
import io.quiver.storage.scan.TableScan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Execution state of one query shared by its operators: the query's limits, the worker pool, and
 * one {@link TableScan} snapshot per table (opened on first use, closed when the query ends, so a
 * table read twice in one query is read from the same snapshot). {@link #child()} makes a scope
 * that a LIMIT can stop without stopping the rest of the query.
 */
public final class ExecContext implements AutoCloseable {
    private final QueryContext query;
    private final ExecutorService pool;
    private final int parallelism;
    private final Map<String, TableScan> snapshots;
    private final List<TableScan> opened;
    private final ExecContext parent;
    private final AtomicBoolean stop = new AtomicBoolean();

    public ExecContext(QueryContext query, ExecutorService pool, int parallelism) {
        this(query, pool, parallelism, new HashMap<>(), new ArrayList<>(), null);
    }

    private ExecContext(QueryContext query, ExecutorService pool, int parallelism, Map<String, TableScan> snapshots,
                        List<TableScan> opened, ExecContext parent) {
        this.query = query;
        this.pool = pool;
        this.parallelism = parallelism;
        this.snapshots = snapshots;
        this.opened = opened;
        this.parent = parent;
    }

    public ExecContext child() {
        return new ExecContext(query, pool, parallelism, snapshots, opened, this);
    }

    public QueryContext query() {
        return query;
    }

    public ExecutorService pool() {
        return pool;
    }

    public int parallelism() {
        return parallelism;
    }

    /** Asks the producers of this scope to stop early (enough rows): not an error. */
    public void stop() {
        stop.set(true);
    }

    public boolean stopped() {
        return stop.get() || (parent != null && parent.stopped());
    }

    public void checkAlive() {
        query.checkAlive();
    }

    public TableScan snapshot(String table, TableHandle handle) {
        synchronized (snapshots) {
            String key = table.toLowerCase(Locale.ROOT);
            TableScan s = snapshots.get(key);
            if (s == null) {
                s = handle.openScan();
                snapshots.put(key, s);
                opened.add(s);
            }
            return s;
        }
    }

    @Override
    public void close() {
        if (parent != null) {
            return;
        }
        synchronized (snapshots) {
            RuntimeException first = null;
            for (TableScan s : opened) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            opened.clear();
            snapshots.clear();
            if (first != null) {
                throw first;
            }
        }
    }
}
