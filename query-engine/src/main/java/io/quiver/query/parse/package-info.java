/**
 * SQL text to {@link io.quiver.query.parse.Statement}: Calcite's Babel parser plus the statement
 * heads it lacks. Holds no memory beyond the parse trees it returns.
 */
package io.quiver.query.parse;
