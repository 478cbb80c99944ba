package io.quiver.client.query;

/**
 * What running a statement of unknown kind gave: rows (a query, SHOW, DESCRIBE, EXPLAIN) to read and
 * close, or the count of rows an update changed (0 for DDL).
 */
public sealed interface StatementResult {
    record Rows(QueryStream stream) implements StatementResult {
    }

    record Updated(long rowCount) implements StatementResult {
    }
}
