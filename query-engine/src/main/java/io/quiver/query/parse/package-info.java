/**
 * SQL text to {@link io.quiver.query.parse.Statement}: Calcite's Babel parser plus the statement
 * heads it lacks, and {@link io.quiver.query.parse.InfixCasts}, which gives {@code ::} PostgreSQL's
 * precedence in the tree Calcite returns. Holds no memory beyond the parse trees it returns.
 */
package io.quiver.query.parse;
