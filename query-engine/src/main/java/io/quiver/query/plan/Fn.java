package io.quiver.query.plan;

/** Scalar functions and operators the engine evaluates. */
public enum Fn {
    ADD, SUB, MUL, DIV, MOD, NEG,
    EQ, NE, LT, LE, GT, GE, IS_DISTINCT, IS_NOT_DISTINCT,
    AND, OR, NOT, IS_NULL, IS_NOT_NULL, IS_TRUE, IS_FALSE, IS_NOT_TRUE, IS_NOT_FALSE,
    /** args: value, then the list. */
    IN,
    /** args: string, pattern[, escape]. */
    LIKE, ILIKE,
    REGEX_MATCH, REGEX_IMATCH, REGEXP_REPLACE,
    /** args: when1, then1, ..., else (always present, may be a NULL literal). */
    CASE,
    COALESCE, NULLIF, CAST,
    /** args: unit literal (VARCHAR), timestamp or date. */
    DATE_TRUNC,
    /** args: interval, timestamp[, origin]. */
    TIME_BUCKET,
    /** args: field literal (VARCHAR), timestamp or date. */
    EXTRACT,
    /** args: timestamp or date, interval; SUB negates. */
    TS_ADD_INTERVAL, TS_SUB_INTERVAL,
    /** date - date = days (INT), date + int. */
    DATE_DIFF_DAYS, DATE_ADD_DAYS, DATE_SUB_DAYS,
    LENGTH, OCTET_LENGTH, LOWER, UPPER, SUBSTRING, CONCAT, TRIM, LTRIM, RTRIM, REPLACE, STARTS_WITH, SPLIT_PART,
    LEFT, RIGHT, REVERSE, POSITION, CONTAINS,
    /** args: string, length, fill. */
    LPAD, RPAD,
    /** args: string, count. */
    REPEAT,
    ABS, ROUND, FLOOR, CEIL, LN, LOG10, EXP, POWER, SQRT, SIGN,
    GREATEST, LEAST, HASH
}
