package io.quiver.query.plan;

/** One ORDER BY key over an input column. NULL placement follows PostgreSQL unless given. */
public record SortKey(int column, boolean descending, boolean nullsFirst) {}
