package io.quiver.flight.ingest;

import java.util.List;

/**
 * A {@code quiver.v1.IngestRequest} as {@link IngestRequestReader} reads it off the wire: the
 * scalar fields, and each column's packed values in exactly sized primitive arrays that the decoder
 * hands to the storage engine's vectors without copying them again. A request whose bytes do not
 * parse is a {@code WireBatch} too, carrying the parser's complaint in {@link #malformed()}, so the
 * service can answer INVALID_ARGUMENT (gRPC would report a marshaller failure as UNKNOWN).
 */
public final class WireBatch {
    private final String table;
    private final String batchId;
    private final long rowCount;
    private final String timestampColumn;
    private final List<Column> columns;
    private final String malformed;

    WireBatch(String table, String batchId, long rowCount, String timestampColumn, List<Column> columns, String malformed) {
        this.table = table;
        this.batchId = batchId;
        this.rowCount = rowCount;
        this.timestampColumn = timestampColumn;
        this.columns = columns;
        this.malformed = malformed;
    }

    static WireBatch malformed(String problem) {
        return new WireBatch("", "", 0, "", List.of(), problem);
    }

    public String table() {
        return table;
    }

    public String batchId() {
        return batchId;
    }

    /** The request's {@code row_count} (a uint32, so 0 to 2^32-1). */
    public long rowCount() {
        return rowCount;
    }

    public String timestampColumn() {
        return timestampColumn;
    }

    public List<Column> columns() {
        return columns;
    }

    /** Why the bytes did not parse, or null when they did. */
    public String malformed() {
        return malformed;
    }

    /**
     * One {@code quiver.v1.Column}: the value arrays hold {@code *Count} values (the arrays may be
     * longer only while parsing; the reader trims nothing, the counts are the truth).
     */
    public static final class Column {
        static final long[] NO_LONGS = new long[0];
        static final double[] NO_DOUBLES = new double[0];
        static final int[] NO_INTS = new int[0];
        static final byte[] NO_BYTES = new byte[0];

        String name = "";
        /** The wire enum number of {@code quiver.v1.ColumnType}; unknown numbers are kept, as proto3 does. */
        int type;
        long[] longs = NO_LONGS;
        int longCount;
        double[] doubles = NO_DOUBLES;
        int doubleCount;
        byte[] stringData = NO_BYTES;
        int[] stringLengths = NO_INTS;
        int stringLengthCount;
        byte[] nullBitmap = NO_BYTES;

        public String name() {
            return name;
        }

        public int type() {
            return type;
        }

        public int longCount() {
            return longCount;
        }

        public int doubleCount() {
            return doubleCount;
        }

        public int stringLengthCount() {
            return stringLengthCount;
        }
    }
}
