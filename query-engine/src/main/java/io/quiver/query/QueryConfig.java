package io.quiver.query;

import java.util.Map;

/**
 * Server-wide query defaults. A {@link QueryOptions} value of 0 means "use the default here".
 *
 * @param timeoutMs      {@value #TIMEOUT_MS_PROP}: wall-clock limit of one query, 0 = none
 * @param memoryMaxBytes {@value #MEMORY_MAX_BYTES_PROP}: bytes one query may hold in hash tables,
 *                       sort buffers and join builds
 * @param resultMaxRows  {@value #RESULT_MAX_ROWS_PROP}: rows one query may return, 0 = none
 * @param parallelism    {@value #PARALLELISM_PROP}: worker threads shared by all queries
 */
public record QueryConfig(long timeoutMs, long memoryMaxBytes, long resultMaxRows, int parallelism) {
    public static final String TIMEOUT_MS_PROP = "query.timeout.ms";
    public static final String MEMORY_MAX_BYTES_PROP = "query.memory.max.bytes";
    public static final String RESULT_MAX_ROWS_PROP = "query.result.max.rows";
    public static final String PARALLELISM_PROP = "query.parallelism";

    /** Five minutes: long enough for scans of large tables, short enough to free a stuck slot. */
    public static final long TIMEOUT_MS_DEFAULT = 300_000;
    /** 1 GiB per query. */
    public static final long MEMORY_MAX_BYTES_DEFAULT = 1L << 30;
    /** Ten million rows: more than any dashboard reads; exports should page. */
    public static final long RESULT_MAX_ROWS_DEFAULT = 10_000_000;

    public QueryConfig {
        if (timeoutMs < 0 || memoryMaxBytes <= 0 || resultMaxRows < 0 || parallelism <= 0) {
            throw new IllegalArgumentException("invalid query config [timeoutMs=" + timeoutMs + ", memoryMaxBytes="
                    + memoryMaxBytes + ", resultMaxRows=" + resultMaxRows + ", parallelism=" + parallelism + ']');
        }
    }

    public static QueryConfig defaults() {
        return new QueryConfig(TIMEOUT_MS_DEFAULT, MEMORY_MAX_BYTES_DEFAULT, RESULT_MAX_ROWS_DEFAULT,
                Runtime.getRuntime().availableProcessors());
    }

    /** Reads the dotted keys above from a map (e.g. the server's config file); missing keys keep defaults. */
    public static QueryConfig from(Map<String, String> props) {
        QueryConfig d = defaults();
        return new QueryConfig(
                Long.parseLong(props.getOrDefault(TIMEOUT_MS_PROP, Long.toString(d.timeoutMs))),
                Long.parseLong(props.getOrDefault(MEMORY_MAX_BYTES_PROP, Long.toString(d.memoryMaxBytes))),
                Long.parseLong(props.getOrDefault(RESULT_MAX_ROWS_PROP, Long.toString(d.resultMaxRows))),
                Integer.parseInt(props.getOrDefault(PARALLELISM_PROP, Integer.toString(d.parallelism))));
    }

    public QueryConfig withParallelism(int threads) {
        return new QueryConfig(timeoutMs, memoryMaxBytes, resultMaxRows, threads);
    }
}
