package io.quiver.query.plan;

/** Aggregate functions. */
public enum AggFn {
    COUNT_STAR, COUNT, SUM, AVG, MIN, MAX, ANY_VALUE,
    STDDEV_SAMP, STDDEV_POP, VAR_SAMP, VAR_POP,
    /** Exact continuous quantile; param is the fraction. */
    QUANTILE_CONT,
    /** Exact discrete quantile (percentile_disc); param is the fraction. */
    QUANTILE_DISC,
    /** Quantile within a bounded relative error; param is the fraction. */
    APPROX_QUANTILE,
    APPROX_COUNT_DISTINCT,
    BOOL_AND, BOOL_OR
}
