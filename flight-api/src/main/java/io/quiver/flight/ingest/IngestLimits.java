package io.quiver.flight.ingest;

/**
 * Limits every ingest door enforces before anything is written, and whether unknown tables and
 * columns are created from the data.
 *
 * @param maxRowsPerBatch most rows in one batch (a bigger batch is RESOURCE_EXHAUSTED / 413)
 * @param maxColumns      most columns in one batch (and a table); the storage engine's own cap is 1024
 * @param maxStringBytes  longest VARCHAR value in UTF-8 bytes
 * @param autoCreate      create a missing table from the first batch and add unknown columns (QuestDB/InfluxDB style)
 */
public record IngestLimits(int maxRowsPerBatch, int maxColumns, int maxStringBytes, boolean autoCreate) {
    public static final int MAX_ROWS_PER_BATCH_DEFAULT = 1_000_000;
    public static final int MAX_COLUMNS_DEFAULT = io.quiver.storage.TableSchema.MAX_COLUMNS;
    public static final int MAX_STRING_BYTES_DEFAULT = 64 * 1024;

    public static IngestLimits defaults() {
        return new IngestLimits(MAX_ROWS_PER_BATCH_DEFAULT, MAX_COLUMNS_DEFAULT, MAX_STRING_BYTES_DEFAULT, true);
    }

    public IngestLimits {
        if (maxRowsPerBatch <= 0 || maxColumns <= 0 || maxStringBytes <= 0) {
            throw new IllegalArgumentException("ingest limits must be positive [rows=" + maxRowsPerBatch
                    + ", columns=" + maxColumns + ", stringBytes=" + maxStringBytes + ']');
        }
    }
}
