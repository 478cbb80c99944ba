package io.quiver.query;

/**
 * Per-query limits and the cancel handle. Zero limits fall back to {@link QueryConfig}.
 *
 * @param timeoutMs      deadline relative to the start of {@code execute}
 * @param memoryMaxBytes memory budget of the query
 * @param resultMaxRows  most rows the query may return
 * @param context        the cancel handle; {@code QueryContext.cancel()} may be called from any thread
 */
public record QueryOptions(long timeoutMs, long memoryMaxBytes, long resultMaxRows, QueryContext context) {
    public static QueryOptions defaults() {
        return new QueryOptions(0, 0, 0, new QueryContext());
    }

    public QueryOptions withTimeoutMs(long ms) {
        return new QueryOptions(ms, memoryMaxBytes, resultMaxRows, context);
    }

    public QueryOptions withMemoryMaxBytes(long bytes) {
        return new QueryOptions(timeoutMs, bytes, resultMaxRows, context);
    }

    public QueryOptions withResultMaxRows(long rows) {
        return new QueryOptions(timeoutMs, memoryMaxBytes, rows, context);
    }

    public QueryOptions withContext(QueryContext ctx) {
        return new QueryOptions(timeoutMs, memoryMaxBytes, resultMaxRows, ctx);
    }
}
