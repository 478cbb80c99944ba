package io.quiver.query.plan;

/** How a join matches; SEMI and ANTI output only left columns. */
public enum JoinType {
    INNER, LEFT, SEMI, ANTI,
    /** NOT IN: like ANTI, but any NULL on the right (or a NULL left key with a non-empty right) rejects the row. */
    ANTI_NULL_AWARE,
    /** Scalar subquery: every left row with the right's single row (NULLs when empty, error when > 1 row). */
    SINGLE
}
