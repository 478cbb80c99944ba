package io.quiver.storage.segment;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

import java.util.zip.CRC32C;

/**
 * Turns one block of one column into stored bytes: null bitmap + encoded values (encoder chosen by
 * analysis), then LZ4 when that saves at least ~10%, then a CRC32C of what is stored. One instance
 * per writer; reuses its buffers, so the result fields are valid until the next {@link #encode}.
 */
final class BlockEncoder {
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

    private final ByteSink encoded;
    private byte[] compressed = new byte[0];
    private final CRC32C crc = new CRC32C();
    private long[] scratchA = new long[0];
    private long[] scratchB = new long[0];
    private final StringDictionaryBuilder dictionary = new StringDictionaryBuilder();
    final BlockStats stats = new BlockStats();

    // ---- result of the last encode ----
    Encoding encoding;
    int flags;
    int decodedLength;
    int storedLength;
    int crc32c;

    BlockEncoder(int blockRows) {
        encoded = new ByteSink(blockRows * 8 + 64);
    }

    /** Encodes rows {@code [0, rows)} of {@code values}, whose null slots hold neutral values. */
    void encode(ColumnVector values, int rows, ColumnType type) {
        ensureScratch(rows);
        stats.clear();
        encoded.clear();
        boolean[] nulls = values.nulls;
        int nullCount = 0;
        for (int i = 0; i < rows; i++) {
            nullCount += nulls[i] ? 1 : 0;
        }
        stats.nullCount = nullCount;
        if (SegmentFormat.hasNullBitmap(rows, nullCount)) {
            writeNullBitmap(nulls, rows);
        }
        encoding = switch (type.physical()) {
            case LONG -> LongCodec.encode(values.longs, nulls, rows, nullCount, scratchA, scratchB, encoded, stats);
            case DOUBLE -> DoubleCodec.encode(values.doubles, nulls, rows, nullCount, scratchA, encoded, stats);
            case BYTES -> VarcharCodec.encode(values.bytes, values.offsets, nulls, rows, nullCount, scratchA,
                    dictionary, encoded, stats);
        };
        decodedLength = encoded.length();
        compress();
    }

    private void writeNullBitmap(boolean[] nulls, int rows) {
        int at = encoded.skip(SegmentFormat.nullBitmapLength(rows));
        byte[] dst = encoded.array();
        for (int i = 0; i < rows; i += 8) {
            int b = 0;
            for (int j = 0, n = Math.min(8, rows - i); j < n; j++) {
                b |= (nulls[i + j] ? 1 : 0) << j;
            }
            dst[at + (i >>> 3)] = (byte) b;
        }
    }

    private void compress() {
        int max = LZ4.maxCompressedLength(decodedLength);
        if (compressed.length < max) {
            compressed = new byte[max];
        }
        int len = LZ4.compress(encoded.array(), 0, decodedLength, compressed, 0, max);
        if (len <= decodedLength * SegmentFormat.LZ4_MAX_RATIO) {
            flags = SegmentFormat.FLAG_LZ4;
            storedLength = len;
        } else {
            flags = 0;
            storedLength = decodedLength;
        }
        crc.reset();
        crc.update(storedBytes(), 0, storedLength);
        crc32c = (int) crc.getValue();
    }

    /** The bytes to store: {@code [0, storedLength)}. */
    byte[] storedBytes() {
        return (flags & SegmentFormat.FLAG_LZ4) != 0 ? compressed : encoded.array();
    }

    private void ensureScratch(int rows) {
        if (scratchA.length < rows) {
            scratchA = new long[rows];
            scratchB = new long[rows];
        }
    }
}
