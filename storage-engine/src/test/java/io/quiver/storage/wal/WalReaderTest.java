package io.quiver.storage.wal;

import io.quiver.storage.Durability;
import io.quiver.storage.StorageException;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.fs.FaultInjectingFilesFacade;
import io.quiver.storage.fs.FaultInjectingFilesFacade.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.quiver.storage.wal.WalFixtures.Rec;
import static io.quiver.storage.wal.WalFixtures.buf;
import static io.quiver.storage.wal.WalFixtures.payload;
import static io.quiver.storage.wal.WalFixtures.replayAll;
import static io.quiver.storage.wal.WalFixtures.walFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WalReaderTest {
    private static final DefaultFilesFacade FS = DefaultFilesFacade.INSTANCE;
    private static final WalConfig BATCH = WalConfig.defaults().withDurability(Durability.BATCH);

    @TempDir
    Path dir;

    /** Writes records 1..n to one file; returns each record's start offset (plus the end at [n]). */
    private long[] writeRecords(Path d, int n, long seed) {
        Random rnd = new Random(seed);
        long[] starts = new long[n + 1];
        try (WalWriter w = WalWriter.open(FS, d, BATCH, 1)) {
            long pos = WalFormat.HEADER_LENGTH;
            for (int i = 1; i <= n; i++) {
                byte[] p = payload(i, rnd);
                starts[i - 1] = pos;
                w.append(WalRecordType.DATA, buf(p));
                pos += WalFormat.RECORD_OVERHEAD + p.length;
            }
            starts[n] = pos;
        }
        return starts;
    }

    @Test
    void tornTailAtEveryOffsetOfTheLastRecordReplaysExactlyTheEarlierOnes() throws Exception {
        long seed = System.nanoTime();
        Path original = dir.resolve("original");
        long[] starts = writeRecords(original, 5, seed);
        byte[] bytes = Files.readAllBytes(original.resolve(WalFormat.fileName(1)));
        List<Rec> expected = replayAll(FS, original, 0);
        long lastStart = starts[4];
        for (long cut = lastStart; cut < starts[5]; cut++) {
            Path d = dir.resolve("cut-" + cut);
            Files.createDirectories(d);
            Path f = d.resolve(WalFormat.fileName(1));
            Files.write(f, Arrays.copyOf(bytes, (int) cut));
            List<Rec> got = new ArrayList<>();
            WalReplaySummary s = WalReader.replay(FS, d, 0, (seq, type, p) -> {
                byte[] b = new byte[p.remaining()];
                p.get(b);
                got.add(new Rec(seq, type, b));
            });
            String ctx = "cut=" + cut + " seed=" + seed;
            assertEquals(4, got.size(), ctx);
            for (int i = 0; i < 4; i++) {
                assertEquals(expected.get(i).seq(), got.get(i).seq(), ctx);
                assertArrayEquals(expected.get(i).payload(), got.get(i).payload(), ctx);
            }
            assertEquals(lastStart, Files.size(f), "file cut back to the last good end, " + ctx);
            assertEquals(cut != lastStart, s.corruptionFound(), ctx);
            assertEquals(cut - lastStart, s.truncatedBytes(), ctx);
            assertEquals(4, s.lastSeq(), ctx);
            assertEquals(5, s.nextSeq(), ctx);
            try (WalWriter w = WalWriter.open(FS, d, BATCH.withDurability(Durability.NONE), s.nextSeq())) {
                assertEquals(5, w.append(WalRecordType.DATA, buf("again".getBytes())).seq(), ctx);
                assertEquals(6, w.append(WalRecordType.DATA, buf("more".getBytes())).seq(), ctx);
            }
            List<Rec> after = replayAll(FS, d, 0);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), after.stream().map(Rec::seq).toList(), ctx);
            assertEquals("again", after.get(4).text(), ctx);
        }
    }

    @Test
    void flippedByteInAMiddleRecordStopsReplayThereAndDropsLaterFiles() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (WalWriter w = WalWriter.open(FS, dir, BATCH, 1)) {
            for (int i = 1; i <= 20; i++) {
                w.append(WalRecordType.DATA, buf(payload(i, rnd)));
                if (i == 10) {
                    w.rollover();
                }
            }
        }
        Path first = dir.resolve(WalFormat.fileName(1));
        List<Rec> all = replayAll(FS, dir, 0);
        // Offset of record 5 in file 1.
        long off = WalFormat.HEADER_LENGTH;
        for (int i = 0; i < 4; i++) {
            off += WalFormat.RECORD_OVERHEAD + all.get(i).payload().length;
        }
        byte[] bytes = Files.readAllBytes(first);
        int flipAt = (int) off + WalFormat.RECORD_PAYLOAD_OFFSET + rnd.nextInt(all.get(4).payload().length);
        bytes[flipAt] ^= 0x40;
        Files.write(first, bytes);

        List<Rec> got = new ArrayList<>();
        WalReplaySummary s = WalReader.replay(FS, dir, 0, (seq, type, p) -> got.add(new Rec(seq, type, new byte[0])));
        assertEquals(List.of(1L, 2L, 3L, 4L), got.stream().map(Rec::seq).toList(), "seed=" + seed);
        assertTrue(s.corruptionFound());
        assertEquals(1, s.filesDeleted());
        assertEquals(off, Files.size(first));
        assertEquals(List.of(first), walFiles(dir), "the later file is deleted: its records follow a gap");
        assertEquals(5, s.nextSeq());
    }

    @Test
    void corruptLengthFieldIsTreatedAsCorruption() throws Exception {
        long[] starts = writeRecords(dir, 3, 1);
        Path f = dir.resolve(WalFormat.fileName(1));
        for (int bad : new int[]{0, 3, Integer.MAX_VALUE, -1, 1 << 29}) {
            Path d = dir.resolve("len" + bad);
            Files.createDirectories(d);
            byte[] bytes = Files.readAllBytes(f);
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) starts[1], bad);
            Files.write(d.resolve(WalFormat.fileName(1)), bytes);
            WalReplaySummary s = WalReader.replay(FS, d, 0, (seq, type, p) -> { });
            assertEquals(1, s.recordsReplayed(), "length=" + bad);
            assertEquals(starts[1], Files.size(d.resolve(WalFormat.fileName(1))), "length=" + bad);
        }
    }

    @Test
    void garbageAfterTheLastRecordIsCutOff() throws Exception {
        long[] starts = writeRecords(dir, 7, 3);
        Path f = dir.resolve(WalFormat.fileName(1));
        for (byte[] junk : List.of(new byte[300], randomBytes(1000, 9), new byte[]{1, 2, 3})) {
            Files.write(f, junk, StandardOpenOption.APPEND);
            WalReplaySummary s = WalReader.replay(FS, dir, 0, (seq, type, p) -> { });
            assertEquals(7, s.recordsReplayed());
            assertEquals(junk.length, s.truncatedBytes());
            assertEquals(starts[7], Files.size(f));
        }
    }

    @Test
    void fileWithATornHeaderIsDeleted() throws Exception {
        writeRecords(dir, 3, 5);
        Path second = dir.resolve(WalFormat.fileName(4));
        Files.write(second, new byte[]{'Q', 'W', 'A'}); // crashed while creating the next file
        WalReplaySummary s = WalReader.replay(FS, dir, 0, (seq, type, p) -> { });
        assertEquals(3, s.recordsReplayed());
        assertTrue(s.corruptionFound());
        assertFalse(Files.exists(second));
        assertEquals(4, s.nextSeq());
    }

    @Test
    void headerOnlyFileRaisesNextSeqSoSeqsAreNeverReused() throws Exception {
        try (WalWriter w = WalWriter.open(FS, dir, BATCH, 1)) {
            w.append(WalRecordType.DATA, buf(new byte[3]));
        }
        Files.write(dir.resolve(WalFormat.fileName(1)), Arrays.copyOf(Files.readAllBytes(dir.resolve(WalFormat.fileName(1))),
                WalFormat.HEADER_LENGTH));
        try (WalWriter w = WalWriter.open(FS, dir, BATCH, 1)) {
            assertEquals(1, w.lastSeq() + 1);
        }
        WalReplaySummary s = WalReader.replay(FS, dir, 0, (seq, type, p) -> { });
        assertEquals(0, s.recordsReplayed());
        assertEquals(-1, s.lastSeq());
        assertEquals(1, s.nextSeq());
    }

    @Test
    void unsupportedVersionIsReportedNotDeleted() throws Exception {
        writeRecords(dir, 2, 7);
        Path f = dir.resolve(WalFormat.fileName(1));
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(WalFormat.HEADER_VERSION_OFFSET, (short) 99);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, WalFormat.HEADER_CRC_OFFSET);
        b.putInt(WalFormat.HEADER_CRC_OFFSET, (int) crc.getValue());
        Files.write(f, bytes);
        StorageException e = assertThrows(StorageException.class, () -> WalReader.replay(FS, dir, 0, (seq, type, p) -> { }));
        assertEquals(StorageException.Kind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("version=99"), e.getMessage());
        assertEquals(bytes.length, Files.size(f), "a file of a newer version is never cut");
    }

    @Test
    void shortReadsAreLoopedOver() throws Exception {
        writeRecords(dir, 50, 11);
        List<Rec> plain = replayAll(FS, dir, 0);
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        FaultInjectingFilesFacade.Rule shortReads = fs.rule(Op.READ).always().shortRead(3);
        List<Rec> viaShortReads = replayAll(fs, dir, 0);
        assertTrue(shortReads.fired() > 50, "short reads happened: " + shortReads.fired());
        assertEquals(plain.size(), viaShortReads.size());
        for (int i = 0; i < plain.size(); i++) {
            assertArrayEquals(plain.get(i).payload(), viaShortReads.get(i).payload());
        }
        assertEquals(Files.size(dir.resolve(WalFormat.fileName(1))), Files.size(dir.resolve(WalFormat.fileName(1))));
    }

    @Test
    void readErrorThrowsIoAndChangesNothing() throws Exception {
        writeRecords(dir, 5, 13);
        Path f = dir.resolve(WalFormat.fileName(1));
        long size = Files.size(f);
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        fs.rule(Op.READ).fail("EIO");
        StorageException e = assertThrows(StorageException.class, () -> replayAll(fs, dir, 0));
        assertEquals(StorageException.Kind.IO, e.kind());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertEquals(size, Files.size(f));
    }

    @Test
    void handlerExceptionPropagatesAndLeavesTheWalAlone() throws Exception {
        writeRecords(dir, 5, 17);
        Path f = dir.resolve(WalFormat.fileName(1));
        long size = Files.size(f);
        IllegalStateException boom = assertThrows(IllegalStateException.class, () -> WalReader.replay(FS, dir, 0, (seq, type, p) -> {
            if (seq == 3) {
                throw new IllegalStateException("handler failed");
            }
        }));
        assertEquals("handler failed", boom.getMessage());
        assertEquals(size, Files.size(f));
    }

    @Test
    void emptyOrMissingDirectoryReplaysNothing() {
        WalReplaySummary s = WalReader.replay(FS, dir.resolve("missing"), 7, (seq, type, p) -> { });
        assertEquals(0, s.recordsReplayed());
        assertEquals(8, s.nextSeq());
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

}
