package io.quiver.query.plan;

/**
 * A window frame relative to the current row. {@code start}/{@code end}: {@link #UNBOUNDED_PRECEDING},
 * {@link #UNBOUNDED_FOLLOWING}, 0 for CURRENT ROW, -k for k PRECEDING, +k for k FOLLOWING. In RANGE
 * mode only unbounded ends and CURRENT ROW are supported, and CURRENT ROW includes the row's peers
 * (rows equal in the ORDER BY keys), as in PostgreSQL.
 */
public record Frame(boolean rows, long start, long end) {
    public static final long UNBOUNDED_PRECEDING = Long.MIN_VALUE;
    public static final long UNBOUNDED_FOLLOWING = Long.MAX_VALUE;

    /** PostgreSQL's default with ORDER BY: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. */
    public static final Frame RUNNING = new Frame(false, UNBOUNDED_PRECEDING, 0);
    /** The default without ORDER BY (every row is a peer): the whole partition. */
    public static final Frame WHOLE = new Frame(false, UNBOUNDED_PRECEDING, UNBOUNDED_FOLLOWING);

    @Override
    public String toString() {
        return (rows ? "ROWS " : "RANGE ") + bound(start) + " AND " + bound(end);
    }

    private static String bound(long b) {
        if (b == UNBOUNDED_PRECEDING) {
            return "UNBOUNDED PRECEDING";
        }
        if (b == UNBOUNDED_FOLLOWING) {
            return "UNBOUNDED FOLLOWING";
        }
        return b == 0 ? "CURRENT ROW" : b < 0 ? -b + " PRECEDING" : b + " FOLLOWING";
    }
}
