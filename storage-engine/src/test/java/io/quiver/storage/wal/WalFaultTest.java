package io.quiver.storage.wal;

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
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.quiver.storage.wal.WalFixtures.Rec;
import static io.quiver.storage.wal.WalFixtures.buf;
import static io.quiver.storage.wal.WalFixtures.replayAll;
import static io.quiver.storage.wal.WalFixtures.walFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every error path of the WAL writer, driven through {@link FaultInjectingFilesFacade}. */
class WalFaultTest {
    private static final DefaultFilesFacade FS = DefaultFilesFacade.INSTANCE;

    @TempDir
    Path dir;

    private final FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();

    private static ByteBuffer text(String s) {
        return buf(s.getBytes());
    }

    private static StorageException ioFailure(java.util.concurrent.CompletableFuture<Long> f) {
        Throwable t = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS)).getCause();
        StorageException e = (StorageException) t;
        assertEquals(StorageException.Kind.IO, e.kind());
        return e;
    }

    @Test
    void failedPartialWriteFailsOnlyThatAppendAndLeavesNoPartialRecord() throws Exception {
        Path file = dir.resolve(WalFormat.fileName(1));
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("one")).durable().get(5, TimeUnit.SECONDS);
            long goodEnd = Files.size(file);
            fs.rule(Op.WRITE).onFiles("wal-.*").partialWrite(11);
            StorageException e = assertThrows(StorageException.class, () -> w.append(WalRecordType.DATA, text("two-fails")));
            assertEquals(StorageException.Kind.IO, e.kind());
            assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
            assertEquals(goodEnd, Files.size(file), "the partial record was cut off");
            WalAppend next = w.append(WalRecordType.DATA, text("three"));
            assertEquals(2, next.seq(), "the failed append took no seq");
            assertEquals(2L, next.durable().get(5, TimeUnit.SECONDS));
        }
        WalReplaySummary s = WalReader.replay(FS, dir, 0, (seq, type, p) -> { });
        assertFalse(s.corruptionFound(), "the file was never poisoned");
        assertEquals(List.of("one", "three"), replayAll(FS, dir, 0).stream().map(Rec::text).toList());
    }

    @Test
    void failedWriteWhoseUndoAlsoFailsAbandonsTheFileAndReplayGoesOn() throws Exception {
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("one")).durable().get(5, TimeUnit.SECONDS);
            fs.rule(Op.WRITE).onFiles("wal-.*").partialWrite(11);
            fs.rule(Op.TRUNCATE).onFiles("wal-.*").fail();
            assertThrows(StorageException.class, () -> w.append(WalRecordType.DATA, text("two-fails")));
            assertEquals(11 + WalFormat.HEADER_LENGTH + WalFormat.RECORD_OVERHEAD + 3,
                    Files.size(dir.resolve(WalFormat.fileName(1))), "the garbage stays: nothing is rewritten");
            WalAppend next = w.append(WalRecordType.DATA, text("three"));
            assertEquals(2, next.seq());
            next.durable().get(5, TimeUnit.SECONDS);
            w.append(WalRecordType.DATA, text("four")).durable().get(5, TimeUnit.SECONDS);
        }
        List<Path> files = walFiles(dir);
        assertEquals(2, files.size(), "a new file was started after the abandoned one");
        byte[] header = Files.readAllBytes(files.get(1));
        short flags = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getShort(WalFormat.HEADER_FLAGS_OFFSET);
        assertEquals(WalFormat.FLAG_PREDECESSOR_ABANDONED, flags);
        List<Rec> got = replayAll(FS, dir, 0);
        assertEquals(List.of("one", "three", "four"), got.stream().map(Rec::text).toList(),
                "the torn tail of the abandoned file is skipped, the next file is replayed");
        assertEquals(List.of(1L, 2L, 3L), got.stream().map(Rec::seq).toList());
    }

    @Test
    void failedFsyncFailsPendingFuturesAndLaterAppendsWork() throws Exception {
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("durable")).durable().get(5, TimeUnit.SECONDS);
            FaultInjectingFilesFacade.Rule fsyncFails = fs.rule(Op.FORCE).onFiles("wal-.*").always().fail("EIO");
            WalAppend lost = w.append(WalRecordType.DATA, text("not-durable"));
            StorageException e = ioFailure(lost.durable());
            assertTrue(e.getMessage().contains("fsync failed"), e.getMessage());
            // While fsyncs keep failing, no record is acknowledged (the new file cannot be made durable).
            ioFailure(w.append(WalRecordType.DATA, text("x")).durable());
            fsyncFails.remove();
            WalAppend after = w.append(WalRecordType.DATA, text("after"));
            assertEquals(4, after.seq());
            assertEquals(4L, after.durable().get(5, TimeUnit.SECONDS));
        }
        List<Path> files = walFiles(dir);
        assertEquals(List.of(WalFormat.fileName(1), WalFormat.fileName(3), WalFormat.fileName(4)),
                files.stream().map(p -> p.getFileName().toString()).toList());
        List<Rec> got = replayAll(FS, dir, 0);
        // The records whose futures failed may or may not come back (here the page cache kept them):
        // that is why the table skips DATA records whose batch id it has already seen.
        assertEquals(List.of("durable", "not-durable", "x", "after"), got.stream().map(Rec::text).toList());
    }

    @Test
    void lostPagesInAnAbandonedFileDoNotCostLaterFiles() throws Exception {
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("durable")).durable().get(5, TimeUnit.SECONDS);
            FaultInjectingFilesFacade.Rule fsyncFails = fs.rule(Op.FORCE).onFiles("wal-.*").fail("EIO");
            ioFailure(w.append(WalRecordType.DATA, text("lost-1")).durable());
            fsyncFails.remove();
            w.append(WalRecordType.DATA, text("after-1")).durable().get(5, TimeUnit.SECONDS);
            w.append(WalRecordType.DATA, text("after-2")).durable().get(5, TimeUnit.SECONDS);
        }
        // Simulate the kernel having dropped the failed page: zero the unacknowledged record.
        Path first = dir.resolve(WalFormat.fileName(1));
        byte[] bytes = Files.readAllBytes(first);
        int lostAt = WalFormat.HEADER_LENGTH + WalFormat.RECORD_OVERHEAD + "durable".length();
        java.util.Arrays.fill(bytes, lostAt, bytes.length, (byte) 0);
        Files.write(first, bytes);
        WalReplaySummary[] s = new WalReplaySummary[1];
        List<String> got = new java.util.ArrayList<>();
        s[0] = WalReader.replay(FS, dir, 0, (seq, type, p) -> {
            byte[] b = new byte[p.remaining()];
            p.get(b);
            got.add(new String(b));
        });
        assertEquals(List.of("durable", "after-1", "after-2"), got);
        assertTrue(s[0].corruptionFound());
        assertEquals(0, s[0].filesDeleted(), "acknowledged records in the next file survive");
        assertEquals(lostAt, Files.size(first));
    }

    @Test
    void diskFullThenSpaceBack() throws Exception {
        Path file = dir.resolve(WalFormat.fileName(1));
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("before")).durable().get(5, TimeUnit.SECONDS);
            long size = Files.size(file);
            fs.setDiskFull(true);
            for (int i = 0; i < 3; i++) {
                StorageException e = assertThrows(StorageException.class, () -> w.append(WalRecordType.DATA, text("full")));
                assertEquals(StorageException.Kind.IO, e.kind());
                assertTrue(e.getMessage().contains(FaultInjectingFilesFacade.DISK_FULL_MESSAGE), e.getMessage());
                assertEquals(size, Files.size(file));
            }
            fs.setDiskFull(false);
            WalAppend a = w.append(WalRecordType.DATA, text("after"));
            assertEquals(2, a.seq());
            a.durable().get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of("before", "after"), replayAll(FS, dir, 0).stream().map(Rec::text).toList());
        assertFalse(WalReader.replay(FS, dir, 0, (seq, type, p) -> { }).corruptionFound());
    }

    @Test
    void failedOpenAtRolloverKeepsTheCurrentFileUsable() throws Exception {
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("one"));
            fs.rule(Op.OPEN).onFiles("wal-.*").fail("EMFILE");
            StorageException e = assertThrows(StorageException.class, w::rollover);
            assertEquals(StorageException.Kind.IO, e.kind());
            assertTrue(e.getMessage().contains(WalFormat.fileName(2)), e.getMessage());
            WalAppend two = w.append(WalRecordType.DATA, text("two"));
            assertEquals(2, two.seq());
            two.durable().get(5, TimeUnit.SECONDS);
            assertEquals(2, w.rollover());
            w.append(WalRecordType.DATA, text("three")).durable().get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of(WalFormat.fileName(1), WalFormat.fileName(3)),
                walFiles(dir).stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(List.of("one", "two", "three"), replayAll(FS, dir, 0).stream().map(Rec::text).toList());
    }

    @Test
    void failedOpenOfTheFirstFileFailsOpen() {
        fs.rule(Op.OPEN).onFiles("wal-.*").fail();
        StorageException e = assertThrows(StorageException.class, () -> WalWriter.open(fs, dir, WalConfig.defaults(), 1));
        assertEquals(StorageException.Kind.IO, e.kind());
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            assertEquals(1, w.append(WalRecordType.DATA, text("ok")).seq());
        }
    }

    @Test
    void failedHeaderWriteOfANewFileFailsTheAppendUntilItWorks() throws Exception {
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("one")).durable().get(5, TimeUnit.SECONDS);
            // Abandon the file (fsync fails), then make creating the next one fail twice.
            FaultInjectingFilesFacade.Rule fsyncFails = fs.rule(Op.FORCE).onFiles("wal-.*").fail();
            ioFailure(w.append(WalRecordType.DATA, text("lost")).durable());
            fsyncFails.remove();
            fs.rule(Op.WRITE).onFiles("wal-.*").times(2).fail();
            assertThrows(StorageException.class, () -> w.append(WalRecordType.DATA, text("x")));
            assertThrows(StorageException.class, () -> w.append(WalRecordType.DATA, text("y")));
            WalAppend ok = w.append(WalRecordType.DATA, text("three"));
            assertEquals(3, ok.seq());
            ok.durable().get(5, TimeUnit.SECONDS);
        }
        List<Rec> got = replayAll(FS, dir, 0);
        assertEquals("three", got.getLast().text());
        assertEquals(3, got.getLast().seq());
    }

    /** A new file whose directory entry cannot be fsynced: its records fail (never acked) until it can. */
    @Test
    void failedDirectoryFsyncOfANewFileFailsItsRecordsUntilItWorks() throws Exception {
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("one")).durable().get(5, TimeUnit.SECONDS);
            w.rollover();
            FaultInjectingFilesFacade.Rule dirFsyncFails = fs.rule(Op.FSYNC_DIRECTORY).always().fail();
            ioFailure(w.append(WalRecordType.DATA, text("x")).durable());
            ioFailure(w.append(WalRecordType.DATA, text("y")).durable());
            dirFsyncFails.remove();
            WalAppend ok = w.append(WalRecordType.DATA, text("three"));
            ok.durable().get(5, TimeUnit.SECONDS);
        }
        List<Rec> got = replayAll(FS, dir, 0);
        assertEquals("one", got.getFirst().text());
        assertEquals("three", got.getLast().text());
    }

    /**
     * The table rolls its WAL under its write lock, which every append needs: the roll must not
     * wait for fsyncs of the new file. Its directory entry is fsynced by the group commit, outside
     * the append lock, and a record in it is acknowledged only after that.
     */
    @Test
    void rolloverDoesNotWaitForTheNewFilesFsyncsButItsRecordsDo() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("one")).durable().get(5, TimeUnit.SECONDS);
            fs.rule(Op.FSYNC_DIRECTORY).always().run(() -> release.await(30, TimeUnit.SECONDS));
            try {
                java.util.concurrent.CompletableFuture<Long> roll = java.util.concurrent.CompletableFuture.supplyAsync(w::rollover);
                assertEquals(1L, roll.get(5, TimeUnit.SECONDS), "the roll waited for a directory fsync");
                java.util.concurrent.CompletableFuture<WalAppend> append =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> w.append(WalRecordType.DATA, text("two")));
                WalAppend two = append.get(5, TimeUnit.SECONDS);
                Thread.sleep(200);
                assertFalse(two.durable().isDone(), "acknowledged before the new file's directory entry was fsynced");
            } finally {
                release.countDown();
            }
            w.append(WalRecordType.DATA, text("three")).durable().get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of("one", "two", "three"), replayAll(FS, dir, 0).stream().map(Rec::text).toList());
    }

    @Test
    void failedDeleteIsReportedAndRetried() throws Exception {
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, text("one"));
            w.rollover();
            w.append(WalRecordType.DATA, text("two"));
            fs.rule(Op.DELETE).onFiles("wal-.*").fail();
            StorageException e = assertThrows(StorageException.class, () -> w.deleteFilesUpTo(1));
            assertTrue(e.getMessage().contains(WalFormat.fileName(1)), e.getMessage());
            assertEquals(2, walFiles(dir).size());
            w.deleteFilesUpTo(1);
            assertEquals(1, walFiles(dir).size());
        }
    }
}
