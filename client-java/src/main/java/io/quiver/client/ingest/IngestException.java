package io.quiver.client.ingest;

import io.quiver.client.QuiverException;

/**
 * A batch was rejected and will not be retried: bad schema or value, an unknown table, a batch over
 * a size limit, or retries exhausted. Names the table, batch id, the row within the batch and the
 * column when the server could tell, and {@link #rowOrdinal()}: the 0-based position of that row
 * among all rows added to the ingestor, so a caller can find the offending input.
 */
public final class IngestException extends QuiverException {
    private final String table;
    private final String batchId;
    private final long row;
    private final String column;
    private final long rowOrdinal;
    private final boolean retryable;

    public IngestException(String code, String message, String table, String batchId, long row, String column,
                           long rowOrdinal, boolean retryable, Throwable cause) {
        super(code, message + " [table=" + table + ", batchId=" + batchId
                + (row >= 0 ? ", row=" + row : "") + (column != null && !column.isEmpty() ? ", column=" + column : "")
                + (rowOrdinal >= 0 ? ", rowOrdinal=" + rowOrdinal : "") + ']', cause);
        this.table = table;
        this.batchId = batchId;
        this.row = row;
        this.column = column == null ? "" : column;
        this.rowOrdinal = rowOrdinal;
        this.retryable = retryable;
    }

    public String table() {
        return table;
    }

    public String batchId() {
        return batchId;
    }

    /** Row index within the batch (0-based), or -1 when the error is not about one row. */
    public long row() {
        return row;
    }

    /** The column the error is about, or empty. */
    public String column() {
        return column;
    }

    /** Position of the offending row among all rows added to the ingestor (0-based), or -1. */
    public long rowOrdinal() {
        return rowOrdinal;
    }

    /** True when the error was transient but retries ran out. */
    public boolean retryable() {
        return retryable;
    }
}
