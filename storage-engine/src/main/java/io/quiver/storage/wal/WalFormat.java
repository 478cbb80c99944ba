package io.quiver.storage.wal;

import io.quiver.storage.StorageException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Byte layout of WAL files (see {@code storage-engine/docs/wal-format.md}). All integers are
 * little-endian.
 *
 * <pre>
 * file   := header record* [zeros]   (zeros only in a preallocated file: see FLAG_PREALLOCATED)
 * header := u32 magic "QWAL" | u16 version | u16 flags | u64 firstSeq | u32 crc32c(bytes 0..16) | u32 reserved (0)
 * record := u32 length | u32 crc32c(the next length bytes) | u64 seq | u8 type | payload[length - 9]
 * </pre>
 */
public final class WalFormat {
    /** "QWAL" read as a little-endian int. */
    public static final int MAGIC = 'Q' | 'W' << 8 | 'A' << 16 | 'L' << 24;
    /** Version of a file that grows as records are appended. */
    public static final short VERSION = 1;
    /**
     * Version of a preallocated file ({@link #FLAG_PREALLOCATED}): the same layout, but a version-1
     * reader would take its zero tail for damage and delete the files after it, so it must refuse.
     */
    public static final short VERSION_PREALLOCATED = 2;

    /**
     * Header flag: this file was started because the previous file could not be trusted (its fsync
     * or a repair of a failed write failed). Everything in the previous file after its last good
     * record was never acknowledged, so replay may skip a corrupt tail there and go on with this file.
     */
    public static final short FLAG_PREDECESSOR_ABANDONED = 1;
    /**
     * Header flag: the file was zero-filled to its full size before its header was written, so its
     * records end where a record's length field is zero. The zeros after the last record are the
     * unused rest of the file, not damage.
     */
    public static final short FLAG_PREALLOCATED = 2;
    /** Name of the zero-filled file being prepared (or ready) for the next rollover; never replayed. */
    public static final String PREPARED_FILE_NAME = "wal-next.prepared";

    public static final int HEADER_MAGIC_OFFSET = 0;
    public static final int HEADER_VERSION_OFFSET = 4;
    public static final int HEADER_FLAGS_OFFSET = 6;
    public static final int HEADER_FIRST_SEQ_OFFSET = 8;
    public static final int HEADER_CRC_OFFSET = 16;
    public static final int HEADER_LENGTH = 24;

    public static final int RECORD_LENGTH_OFFSET = 0;
    public static final int RECORD_CRC_OFFSET = 4;
    public static final int RECORD_SEQ_OFFSET = 8;
    public static final int RECORD_TYPE_OFFSET = 16;
    public static final int RECORD_PAYLOAD_OFFSET = 17;
    /** Bytes before the CRC-covered part: the length and CRC fields. */
    public static final int RECORD_PREFIX_LENGTH = 8;
    /** Bytes of a record that are not payload. */
    public static final int RECORD_OVERHEAD = RECORD_PAYLOAD_OFFSET;
    /** Smallest legal value of the length field: seq + type with an empty payload. */
    public static final int MIN_RECORD_LENGTH_FIELD = RECORD_OVERHEAD - RECORD_PREFIX_LENGTH;
    /**
     * Hard ceiling of one record, whatever the configuration says, so a corrupt length field can
     * never make replay allocate more than this.
     */
    public static final int MAX_RECORD_BYTES = 1 << 30;

    public static final String FILE_PREFIX = "wal-";
    public static final String FILE_SUFFIX = ".log";
    private static final int SEQ_DIGITS = 20;

    private WalFormat() {
    }

    /** {@code wal-<first seq, 20 digits>.log}: names sort in seq order. */
    public static String fileName(long firstSeq) {
        if (firstSeq < 0) {
            throw new IllegalArgumentException("negative seq " + firstSeq);
        }
        String digits = Long.toString(firstSeq);
        return FILE_PREFIX + "0".repeat(SEQ_DIGITS - digits.length()) + digits + FILE_SUFFIX;
    }

    /** The first seq encoded in a WAL file name, or -1 when the name is not a WAL file's. */
    public static long firstSeqOf(Path file) {
        String name = file.getFileName().toString();
        if (name.length() != FILE_PREFIX.length() + SEQ_DIGITS + FILE_SUFFIX.length()
                || !name.startsWith(FILE_PREFIX) || !name.endsWith(FILE_SUFFIX)) {
            return -1;
        }
        long seq = 0;
        for (int i = FILE_PREFIX.length(); i < FILE_PREFIX.length() + SEQ_DIGITS; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            seq = seq * 10 + (c - '0');
            if (seq < 0) {
                return -1;
            }
        }
        return seq;
    }

    /** Writes a file header into {@code dst} at its position, advancing it. */
    public static void writeHeader(ByteBuffer dst, long firstSeq, short flags) {
        ByteBuffer b = dst.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(HEADER_MAGIC_OFFSET, MAGIC);
        b.putShort(HEADER_VERSION_OFFSET, (flags & FLAG_PREALLOCATED) != 0 ? VERSION_PREALLOCATED : VERSION);
        b.putShort(HEADER_FLAGS_OFFSET, flags);
        b.putLong(HEADER_FIRST_SEQ_OFFSET, firstSeq);
        CRC32C crc = new CRC32C();
        crc.update(b.slice(0, HEADER_CRC_OFFSET));
        b.putInt(HEADER_CRC_OFFSET, (int) crc.getValue());
        b.putInt(HEADER_CRC_OFFSET + 4, 0);
        dst.position(dst.position() + HEADER_LENGTH);
    }

    /** A parsed, checked file header. */
    public record Header(long firstSeq, short flags) {
        public boolean predecessorAbandoned() {
            return (flags & FLAG_PREDECESSOR_ABANDONED) != 0;
        }

        public boolean preallocated() {
            return (flags & FLAG_PREALLOCATED) != 0;
        }
    }

    /**
     * Parses the {@link #HEADER_LENGTH} bytes at {@code src}'s position. Returns null when they are
     * not a valid header (torn or garbage); throws CORRUPT only for a well-formed header of a
     * version this code cannot read, which must never be mistaken for a torn file and deleted.
     */
    public static Header readHeader(ByteBuffer src, Path file) {
        ByteBuffer b = src.slice(src.position(), HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(HEADER_MAGIC_OFFSET) != MAGIC) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(b.slice(0, HEADER_CRC_OFFSET));
        if ((int) crc.getValue() != b.getInt(HEADER_CRC_OFFSET)) {
            return null;
        }
        short version = b.getShort(HEADER_VERSION_OFFSET);
        short flags = b.getShort(HEADER_FLAGS_OFFSET);
        if (version != VERSION && version != VERSION_PREALLOCATED) {
            throw StorageException.corrupt("unsupported WAL format version [file=" + file + ", version=" + version
                    + ", supported=" + VERSION + ".." + VERSION_PREALLOCATED + ']');
        }
        if ((version == VERSION_PREALLOCATED) != ((flags & FLAG_PREALLOCATED) != 0)) {
            return null; // a valid CRC over contradicting fields: not written by any writer, so garbage
        }
        return new Header(b.getLong(HEADER_FIRST_SEQ_OFFSET), flags);
    }
}
