package io.quiver.query;

/** Why a query failed, with the SQLSTATE a PostgreSQL client would expect for it. */
public enum ErrorCode {
    SYNTAX_ERROR("42601"),
    UNKNOWN_TABLE("42P01"),
    UNKNOWN_COLUMN("42703"),
    AMBIGUOUS_COLUMN("42702"),
    DUPLICATE_TABLE("42P07"),
    DUPLICATE_COLUMN("42701"),
    UNKNOWN_FUNCTION("42883"),
    GROUPING_ERROR("42803"),
    TYPE_MISMATCH("42804"),
    INVALID_VALUE("22P02"),
    DIVISION_BY_ZERO("22012"),
    NUMERIC_OVERFLOW("22003"),
    CARDINALITY_VIOLATION("21000"),
    QUERY_TIMEOUT("57014"),
    QUERY_CANCELLED("57014"),
    MEMORY_LIMIT("53200"),
    RESULT_LIMIT("54000"),
    /** A storage limit was reached (memtable full, WAL behind, open files, disk): retry later. */
    INSUFFICIENT_RESOURCES("53000"),
    UNSUPPORTED("0A000"),
    STORAGE_ERROR("58030"),
    INTERNAL("XX000");

    private final String sqlState;

    ErrorCode(String sqlState) {
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }

    /** Errors caused by the query text or data, as opposed to limits and engine faults. */
    public boolean isUserError() {
        return switch (this) {
            case QUERY_TIMEOUT, QUERY_CANCELLED, MEMORY_LIMIT, RESULT_LIMIT, INSUFFICIENT_RESOURCES, STORAGE_ERROR, INTERNAL -> false;
            default -> true;
        };
    }
}
