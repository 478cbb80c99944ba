package io.quiver.storage.wal;

/**
 * Record types the WAL layer defines. The record layer treats payloads as opaque bytes; types 1..63
 * are reserved for this package, 64..255 are free for the table layer. Type 0 is never valid, so a
 * zero-filled region never parses as a record.
 */
public final class WalRecordType {
    /** Payload: a {@link DataRecordCodec} encoding (batch id, schema version, row batch). */
    public static final int DATA = 1;
    /** First type the table layer may use. */
    public static final int FIRST_TABLE_TYPE = 64;
    public static final int MAX_TYPE = 255;

    private WalRecordType() {
    }

    static boolean isValid(int type) {
        return type >= 1 && type <= MAX_TYPE;
    }
}
