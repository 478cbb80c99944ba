/**
 * Binding and logical planning: Calcite parse trees become typed {@link io.quiver.query.plan.Expr}
 * and {@link io.quiver.query.plan.Plan} trees (names resolved against the catalog, PostgreSQL type
 * rules, constant folding). Pure heap objects; nothing here holds native memory or snapshots.
 */
package io.quiver.query.plan;
