/**
 * Vectorized, parallel execution. {@link io.quiver.query.exec.PhysicalPlanner} turns a logical
 * plan into {@link io.quiver.query.exec.PhysicalOp}s that push {@link io.quiver.query.exec.Batch}es
 * (column vectors plus a selection vector) into per-thread sinks. All memory is on the Java heap:
 * every operator instance or per-thread sink owns the vectors it writes and reuses them batch after
 * batch; pipeline breakers (hash tables, row stores) charge their growth to the query's memory
 * budget through {@link io.quiver.query.QueryContext#reserve}, and each worker's scan, filter and
 * projection vectors are charged by a {@link io.quiver.query.exec.VectorBudget}. Table snapshots are opened once per
 * table per query by {@link io.quiver.query.exec.ExecContext} and closed by it when the query ends.
 * {@link io.quiver.query.exec.DeleteFilter} evaluates a DELETE's condition with the same compiled
 * kernels over the blocks storage reads for the delete; it owns only its expression's vectors.
 */
package io.quiver.query.exec;
