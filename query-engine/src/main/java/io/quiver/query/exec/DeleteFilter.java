package io.quiver.query.exec;

import io.quiver.query.QueryContext;
import io.quiver.query.plan.BoundDelete;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.table.RowFilter;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

/**
 * A DELETE's condition as the storage engine's {@link RowFilter}: each batch storage reads (the
 * bound columns, in order) is evaluated with the same compiled vector kernels a query's WHERE uses,
 * and a row is deleted only where the condition is TRUE (NULL keeps it, as in SQL). The query's
 * deadline and cancel handle are checked per batch, so an expired or cancelled DELETE throws before
 * storage publishes anything. Called by one thread at a time (storage evaluates segments in turn).
 */
public final class DeleteFilter implements RowFilter {
    private final VecExpr condition;
    private final QueryContext query;
    private final ColumnVector[] columns;
    private final Batch batch;

    public DeleteFilter(BoundDelete delete, QueryContext query) {
        this.condition = delete.condition() == null ? null : ExprCompiler.compile(delete.condition());
        this.query = query;
        this.columns = new ColumnVector[delete.columns().length];
        this.batch = new Batch(columns, 0);
    }

    /** The zone-map predicate from the condition's {@code column op constant} conjuncts: segments' blocks that cannot match are not read. */
    public static ScanPredicate prunePredicate(BoundDelete delete) {
        return delete.condition() == null ? ScanPredicate.ALL : PhysicalPlanner.zoneMapPredicate(delete.asScan());
    }

    @Override
    public void evaluate(RowBatch rows, boolean[] matches) {
        query.checkAlive();
        int n = rows.rowCount();
        if (condition == null) {
            java.util.Arrays.fill(matches, 0, n, true);
            return;
        }
        for (int c = 0; c < columns.length; c++) {
            columns[c] = rows.column(c);
        }
        batch.set(columns, n);
        ColumnVector verdict = condition.eval(batch, batch.positions(), n);
        long[] v = verdict.longs;
        boolean[] nulls = verdict.nulls;
        boolean anyNull = verdict.hasNulls; // without nulls the mask may hold stale values
        for (int r = 0; r < n; r++) {
            matches[r] = v[r] != 0 && !(anyNull && nulls[r]);
        }
    }
}
