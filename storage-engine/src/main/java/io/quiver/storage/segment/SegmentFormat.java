package io.quiver.storage.segment;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte layout of a segment file as named constants (see {@code docs/segment-format.md}). Every
 * multi-byte number in a segment is little-endian.
 */
final class SegmentFormat {
    /** "QSEG" as bytes 'Q','S','E','G' read as a little-endian int. */
    static final int MAGIC = 'Q' | ('S' << 8) | ('E' << 16) | ('G' << 24);
    /** The version this code writes. Bump on any layout change and keep reading the older ones. */
    static final int FORMAT_VERSION = 2;
    /** The oldest version this code reads. */
    static final int MIN_FORMAT_VERSION = 1;

    // ---- header: magic(4) version(4) reserved(8) ----
    static final int HEADER_MAGIC_OFFSET = 0;
    static final int HEADER_VERSION_OFFSET = 4;
    static final int HEADER_LENGTH = 16;

    // ---- trailer, the last bytes of the file: footerOffset(8) footerLength(4) footerCrc(4) version(4) magic(4) ----
    static final int TRAILER_FOOTER_OFFSET_OFFSET = 0;
    static final int TRAILER_FOOTER_LENGTH_OFFSET = 8;
    static final int TRAILER_FOOTER_CRC_OFFSET = 12;
    static final int TRAILER_VERSION_OFFSET = 16;
    static final int TRAILER_MAGIC_OFFSET = 20;
    static final int TRAILER_LENGTH = 24;

    /** Chunk flag: the stored bytes are an LZ4 block that decompresses to the decoded bytes. */
    static final int FLAG_LZ4 = 1;

    /** Largest block the writer accepts; keeps every encoded size comfortably inside an int. */
    static final int MAX_BLOCK_ROWS = 1 << 20;
    static final int DEFAULT_BLOCK_ROWS = 8192;

    /** VARCHAR zone-map bounds longer than this many UTF-8 bytes are not stored (flagged unknown). */
    static final int MAX_VARCHAR_BOUND_BYTES = 64;

    /** Store the LZ4 form only when it is at most this fraction of the encoded size (saves >= ~10%). */
    static final double LZ4_MAX_RATIO = 0.9;

    /** Readable slack after any scratch buffer, so bit unpacking may read a whole long past the end. */
    static final int SCRATCH_PADDING = 16;

    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private SegmentFormat() {
    }

    /** Bytes of a null bitmap for {@code rows} rows (bit i, LSB first, set = row i is null). */
    static int nullBitmapLength(int rows) {
        return (rows + 7) >>> 3;
    }

    /** Whether a chunk with this many nulls carries a null bitmap: only when some but not all rows are null. */
    static boolean hasNullBitmap(int rows, int nullCount) {
        return nullCount > 0 && nullCount < rows;
    }
}
