package io.quiver.storage.table;

import io.quiver.storage.StorageException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The deleted rows of one segment, as an immutable bitmap over its row positions. Deletes never
 * modify a segment: a new vector (old plus new rows) is written to its own file and published in
 * the manifest; scans skip the rows it marks; compaction drops them for good.
 *
 * <p>File layout (little-endian): {@code u32 magic "QDEL", u16 version, u16 reserved,
 * u64 segment rows, u64 deleted count, u64[ceil(rows/64)] bitmap words, u32 crc32c} over everything
 * before the checksum.
 */
final class DeleteVector {
    static final int MAGIC = 'Q' | 'D' << 8 | 'E' << 16 | 'L' << 24;
    static final short VERSION = 1;
    private static final int HEADER = 4 + 2 + 2 + 8 + 8;

    private final long rows;
    private final long[] words;
    private final long count;

    private DeleteVector(long rows, long[] words, long count) {
        this.rows = rows;
        this.words = words;
        this.count = count;
    }

    static DeleteVector empty(long rows) {
        return new DeleteVector(rows, new long[wordsFor(rows)], 0);
    }

    private static int wordsFor(long rows) {
        return Math.toIntExact((rows + 63) >>> 6);
    }

    long rows() {
        return rows;
    }

    /** Rows marked deleted. */
    long count() {
        return count;
    }

    boolean isDeleted(long row) {
        return (words[(int) (row >>> 6)] & (1L << row)) != 0;
    }

    /** Whether any row in {@code [from, from + n)} is deleted. */
    boolean anyIn(long from, int n) {
        for (long r = from; r < from + n; ) {
            long word = words[(int) (r >>> 6)];
            if (word == 0) {
                r = (r | 63) + 1;
                continue;
            }
            if ((word & (1L << r)) != 0) {
                return true;
            }
            r++;
        }
        return false;
    }

    /** A new vector with {@code positions} (sorted or not, duplicates allowed) also deleted. */
    DeleteVector with(long[] positions, int n) {
        long[] next = words.clone();
        long added = 0;
        for (int i = 0; i < n; i++) {
            long p = positions[i];
            if (p < 0 || p >= rows) {
                throw new IllegalArgumentException("row outside the segment [row=" + p + ", rows=" + rows + ']');
            }
            int w = (int) (p >>> 6);
            long bit = 1L << p;
            if ((next[w] & bit) == 0) {
                next[w] |= bit;
                added++;
            }
        }
        return new DeleteVector(rows, next, count + added);
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + words.length * 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(rows).putLong(count);
        for (long w : words) {
            b.putLong(w);
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    static DeleteVector decode(byte[] bytes, Path file, long expectedRows) {
        if (bytes.length < HEADER + 4) {
            throw StorageException.corrupt("delete vector file too short [file=" + file + ", bytes=" + bytes.length + ']');
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != b.getInt(bytes.length - 4)) {
            throw StorageException.corrupt("delete vector checksum mismatch [file=" + file + ']');
        }
        if (b.getInt() != MAGIC) {
            throw StorageException.corrupt("not a delete vector file [file=" + file + ']');
        }
        short version = b.getShort();
        if (version > VERSION) {
            throw StorageException.corrupt("delete vector written by a newer Quiver [file=" + file + ", version=" + version + ']');
        }
        b.getShort();
        long rows = b.getLong();
        long count = b.getLong();
        if (rows != expectedRows || bytes.length != HEADER + wordsFor(rows) * 8 + 4) {
            throw StorageException.corrupt("delete vector does not match its segment [file=" + file + ", rows=" + rows
                    + ", segmentRows=" + expectedRows + ']');
        }
        long[] words = new long[wordsFor(rows)];
        long bits = 0;
        for (int i = 0; i < words.length; i++) {
            words[i] = b.getLong();
            bits += Long.bitCount(words[i]);
        }
        if (bits != count) {
            throw StorageException.corrupt("delete vector count does not match its bitmap [file=" + file + ']');
        }
        return new DeleteVector(rows, words, count);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeleteVector d && d.rows == rows && Arrays.equals(d.words, words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }
}
