package io.quiver.storage.segment;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static io.quiver.storage.segment.SegmentFixtures.FS;
import static io.quiver.storage.segment.SegmentFixtures.col;
import static io.quiver.storage.segment.SegmentFixtures.readColumn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentCorruptionTest {
    @TempDir
    Path dir;
    Path file;
    List<List<Object>> values;
    final List<ColumnDef> cols = List.of(col("id", ColumnType.BIGINT), col("name", ColumnType.VARCHAR));

    @BeforeEach
    void writeSegment() {
        values = List.of(new ArrayList<>(), new ArrayList<>());
        Random rnd = new Random(3);
        for (int i = 0; i < 1000; i++) {
            values.get(0).add((long) rnd.nextInt(100_000));
            values.get(1).add("name-" + rnd.nextInt(50));
        }
        file = dir.resolve("c.seg");
        SegmentFixtures.write(file, cols, values, 250, 1000);
    }

    private static void flipByte(Path f, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x5A);
        }
    }

    private static void writeIntLe(Path f, long offset, int value) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
        }
    }

    @Test
    void flippedByteFailsOnlyThatBlock() throws IOException {
        long offset;
        int len;
        SegmentReader first = SegmentReader.open(FS, file);
        offset = first.blockFileOffset(0, 2);
        len = first.blockStoredLength(0, 2);
        first.release();
        flipByte(file, offset + len / 2);

        SegmentReader r = SegmentReader.open(FS, file); // the footer is intact: open succeeds
        try {
            BlockDecoder scratch = new BlockDecoder();
            ColumnVector v = new ColumnVector(ColumnType.BIGINT, 250);
            StorageException e = assertThrows(StorageException.class, () -> r.readBlock(0, 2, v, scratch));
            assertEquals(StorageException.Kind.CORRUPT, e.kind());
            assertEquals("segment block checksum mismatch [file=" + file + ", column=id, block=2]", e.getMessage());
            // every other block of that column, and the same block of the other column, still read
            for (int b : new int[]{0, 1, 3}) {
                r.readBlock(0, b, v, scratch);
                for (int i = 0; i < v.size(); i++) {
                    assertEquals(values.get(0).get(b * 250 + i), v.getLong(i));
                }
            }
            assertEquals(values.get(1), readColumn(r, 1, scratch));
            assertThrows(StorageException.class, () -> r.verifyAllBlocks(scratch));
        } finally {
            r.release();
        }
    }

    @Test
    void truncatedFileIsCorruptAtOpen() throws IOException {
        long size = Files.size(file);
        for (long keep : new long[]{size - 1, size - 30, size / 2, 20, 5, 0}) {
            Path t = dir.resolve("t" + keep + ".seg");
            byte[] all = Files.readAllBytes(file);
            Files.write(t, java.util.Arrays.copyOf(all, (int) keep));
            StorageException e = assertThrows(StorageException.class, () -> SegmentReader.open(FS, t), "keep=" + keep);
            assertEquals(StorageException.Kind.CORRUPT, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("file=" + t), e.getMessage());
        }
    }

    @Test
    void garbageAndBadMagicAreCorrupt() throws IOException {
        Path g = dir.resolve("garbage.seg");
        byte[] junk = new byte[4096];
        new Random(11).nextBytes(junk);
        Files.write(g, junk);
        StorageException e = assertThrows(StorageException.class, () -> SegmentReader.open(FS, g));
        assertEquals(StorageException.Kind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("bad magic") && e.getMessage().contains(g.toString()), e.getMessage());

        flipByte(file, 0);
        e = assertThrows(StorageException.class, () -> SegmentReader.open(FS, file));
        assertTrue(e.getMessage().startsWith("not a segment file (bad magic in header) [file=" + file), e.getMessage());
    }

    @Test
    void footerDamageIsCorruptAtOpen() throws IOException {
        long size = Files.size(file);
        flipByte(file, size - SegmentFormat.TRAILER_LENGTH - 10);
        StorageException e = assertThrows(StorageException.class, () -> SegmentReader.open(FS, file));
        assertEquals("segment footer checksum mismatch [file=" + file + ']', e.getMessage());
    }

    @Test
    void newerFormatVersionIsRejectedClearly() throws IOException {
        writeIntLe(file, SegmentFormat.HEADER_VERSION_OFFSET, SegmentFormat.FORMAT_VERSION + 1);
        SegmentVersionException e = assertThrows(SegmentVersionException.class, () -> SegmentReader.open(FS, file));
        assertEquals(SegmentFormat.FORMAT_VERSION + 1, e.version());
        assertTrue(e.getMessage().contains("newer than this server supports") && e.getMessage().contains("file=" + file),
                e.getMessage());

        // a header that claims the current version but a trailer from the future is rejected as well
        writeIntLe(file, SegmentFormat.HEADER_VERSION_OFFSET, SegmentFormat.FORMAT_VERSION);
        long trailer = Files.size(file) - SegmentFormat.TRAILER_LENGTH;
        writeIntLe(file, trailer + SegmentFormat.TRAILER_VERSION_OFFSET, 99);
        assertThrows(SegmentVersionException.class, () -> SegmentReader.open(FS, file));

        writeIntLe(file, trailer + SegmentFormat.TRAILER_VERSION_OFFSET, SegmentFormat.FORMAT_VERSION);
        SegmentReader r = SegmentReader.open(FS, file);
        assertEquals(SegmentFormat.FORMAT_VERSION, r.formatVersion());
        r.release();
    }

    @Test
    void missingFileIsNotFound() {
        StorageException e = assertThrows(StorageException.class, () -> SegmentReader.open(FS, dir.resolve("nope.seg")));
        assertEquals(StorageException.Kind.NOT_FOUND, e.kind());
    }

    /** A chunk whose checksum matches but whose bytes do not decode (a writer bug, or a forged file). */
    @Test
    void checksummedButUndecodableChunkIsReported() {
        // FOR_BITPACK header claiming width 70
        byte[] bytes = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).putLong(0).put((byte) 70).array();
        BlockDecoder.BadChunkException e = decodeForged(bytes, Encoding.FOR_BITPACK, ColumnType.BIGINT, 4);
        assertTrue(e.getMessage().contains("bit width 70"), e.getMessage());

        // FOR_BITPACK for 100 rows at width 8 with only 10 packed bytes
        bytes = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN).putLong(0).put((byte) 8).array();
        e = decodeForged(bytes, Encoding.FOR_BITPACK, ColumnType.BIGINT, 100);
        assertTrue(e.getMessage().contains("block too short"), e.getMessage());

        // dictionary with one entry but a code of 3
        ByteSink s = new ByteSink(64);
        s.putInt(1);
        s.putInt(1);
        s.putInt(1);
        s.putByte(0);
        s.putByte('x');
        s.putByte(2);
        s.putByte(0b11);
        e = decodeForged(java.util.Arrays.copyOf(s.array(), s.length()), Encoding.DICTIONARY, ColumnType.VARCHAR, 1);
        assertTrue(e.getMessage().contains("dictionary code 3"), e.getMessage());
    }

    private static BlockDecoder.BadChunkException decodeForged(byte[] bytes, Encoding enc, ColumnType type, int rows) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        ColumnVector out = new ColumnVector(type, rows);
        BlockDecoder.BadChunkException e = assertThrows(BlockDecoder.BadChunkException.class, () -> new BlockDecoder().decode(
                MemorySegment.ofArray(bytes), 0, bytes.length, bytes.length, 0, (int) crc.getValue(), enc, rows, 0, type, out));
        assertInstanceOf(RuntimeException.class, e);
        return e;
    }
}
