package io.quiver.query;

/**
 * What {@link QueryEngine#execute} returns: either rows ({@link #cursor()}) for queries, SHOW,
 * DESCRIBE and EXPLAIN, or an update count for DDL and DML.
 */
public final class QueryResult implements AutoCloseable {
    private final ResultCursor cursor;
    private final long updateCount;

    private QueryResult(ResultCursor cursor, long updateCount) {
        this.cursor = cursor;
        this.updateCount = updateCount;
    }

    public static QueryResult rows(ResultCursor cursor) {
        return new QueryResult(cursor, -1);
    }

    public static QueryResult updateCount(long count) {
        return new QueryResult(null, count);
    }

    public boolean hasRows() {
        return cursor != null;
    }

    public ResultCursor cursor() {
        if (cursor == null) {
            throw new IllegalStateException("statement returned an update count, not rows");
        }
        return cursor;
    }

    /** Rows inserted for INSERT, rows deleted for DELETE, 0 for DDL, -1 for statements that return rows. */
    public long updateCount() {
        return updateCount;
    }

    @Override
    public void close() {
        if (cursor != null) {
            cursor.close();
        }
    }
}
