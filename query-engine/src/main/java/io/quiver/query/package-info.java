/**
 * The query engine's public face: {@link io.quiver.query.QueryEngine} (execute SQL), its
 * configuration and per-query options, the cancel handle {@link io.quiver.query.QueryContext}, the
 * streaming {@link io.quiver.query.ResultCursor} and {@link io.quiver.query.QueryException} with
 * SQLSTATE codes. Result batches handed to the reader are fresh heap RowBatches the reader owns.
 */
package io.quiver.query;
