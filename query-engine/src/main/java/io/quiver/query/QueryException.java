package io.quiver.query;

/**
 * Every failure of a query. Messages follow {@code what happened [key=value ...]}; syntax and
 * binding errors carry the 1-based line and column of the offending token (0 when unknown).
 */
public final class QueryException extends RuntimeException {
    private final ErrorCode code;
    private final int line;
    private final int column;

    public QueryException(ErrorCode code, String message) {
        this(code, message, 0, 0, null);
    }

    public QueryException(ErrorCode code, String message, int line, int column, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.line = line;
        this.column = column;
    }

    public ErrorCode code() {
        return code;
    }

    public String sqlState() {
        return code.sqlState();
    }

    /** 1-based line of the error in the SQL text, or 0. */
    public int line() {
        return line;
    }

    /** 1-based column of the error in the SQL text, or 0. */
    public int column() {
        return column;
    }

    public static QueryException at(ErrorCode code, String message, int line, int column) {
        String where = line > 0 ? " [line=" + line + ", column=" + column + ']' : "";
        return new QueryException(code, message + where, line, column, null);
    }

    public static QueryException unsupported(String what) {
        return new QueryException(ErrorCode.UNSUPPORTED, "not supported [feature=" + what + ']');
    }

    public static QueryException divisionByZero() {
        return new QueryException(ErrorCode.DIVISION_BY_ZERO, "division by zero");
    }

    public static QueryException overflow(String type) {
        return new QueryException(ErrorCode.NUMERIC_OVERFLOW, "numeric value out of range [type=" + type + ']');
    }

    public static QueryException internal(String message, Throwable cause) {
        return new QueryException(ErrorCode.INTERNAL, message, 0, 0, cause);
    }
}
