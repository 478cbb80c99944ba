package io.quiver.storage.wal;

import io.quiver.storage.Durability;
import io.quiver.storage.StorageException;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.fs.FaultInjectingFilesFacade;
import io.quiver.storage.fs.FaultInjectingFilesFacade.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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

class WalWriterTest {
    private static final DefaultFilesFacade FS = DefaultFilesFacade.INSTANCE;

    @TempDir
    Path dir;

    @Test
    void roundTripsManyRecordsAcrossRollovers() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Map<Long, byte[]> sent = new HashMap<>();
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        WalConfig cfg = WalConfig.defaults().withFileRollBytes(8 * 1024);
        try (WalWriter w = WalWriter.open(FS, dir, cfg, 1)) {
            for (int i = 0; i < 2_000; i++) {
                byte[] p = payload(i + 1, rnd);
                WalAppend a = w.append(1 + rnd.nextInt(200), buf(p));
                assertEquals(i + 1, a.seq(), "seed=" + seed);
                sent.put(a.seq(), p);
                futures.add(a.durable());
                if (i % 300 == 299) {
                    assertEquals(i + 1, w.rollover(), "rollover returns the closed file's last seq, seed=" + seed);
                }
            }
            assertEquals(2_000, w.lastSeq());
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            long onDisk = 0;
            for (Path p : walFiles(dir)) {
                onDisk += Files.size(p);
            }
            assertEquals(onDisk, w.totalBytes());
        }
        List<Path> files = walFiles(dir);
        assertTrue(files.size() > 10, "size rolls and explicit rolls made files: " + files.size());
        assertEquals(Path.of(WalFormat.fileName(1)), files.getFirst().getFileName());
        assertEquals("wal-00000000000000000001.log", files.getFirst().getFileName().toString());
        List<Rec> got = replayAll(FS, dir, 0);
        assertEquals(2_000, got.size(), "seed=" + seed);
        for (int i = 0; i < got.size(); i++) {
            Rec r = got.get(i);
            assertEquals(i + 1, r.seq());
            assertArrayEquals(sent.get(r.seq()), r.payload(), "seq " + r.seq() + " seed=" + seed);
        }
        assertEquals(1_000, replayAll(FS, dir, 1_000).size());
        // Every file but the first starts where the previous one ended.
        for (Path p : files) {
            long first = WalFormat.firstSeqOf(p);
            assertTrue(got.stream().anyMatch(r -> r.seq() == first) || Files.size(p) == WalFormat.HEADER_LENGTH, p.toString());
        }
    }

    @Test
    void reopenContinuesAfterReplay() {
        try (WalWriter w = WalWriter.open(FS, dir, WalConfig.defaults(), 1)) {
            for (int i = 0; i < 5; i++) {
                w.append(WalRecordType.DATA, buf(new byte[]{(byte) i}));
            }
        }
        WalReplaySummary s = WalReader.replay(FS, dir, 0, (seq, type, p) -> { });
        assertEquals(5, s.recordsReplayed());
        assertEquals(5, s.lastSeq());
        assertEquals(6, s.nextSeq());
        assertFalse(s.corruptionFound());
        try (WalWriter w = WalWriter.open(FS, dir, WalConfig.defaults(), s.nextSeq())) {
            assertEquals(6, w.append(WalRecordType.DATA, buf(new byte[]{6})).seq());
        }
        List<Rec> got = replayAll(FS, dir, 3);
        assertEquals(List.of(4L, 5L, 6L), got.stream().map(Rec::seq).toList());
    }

    @Test
    void refusesToOpenBehindRecordsThatWereNotReplayed() {
        try (WalWriter w = WalWriter.open(FS, dir, WalConfig.defaults(), 1)) {
            w.append(WalRecordType.DATA, buf(new byte[8]));
            w.append(WalRecordType.DATA, buf(new byte[8]));
        }
        StorageException e = assertThrows(StorageException.class, () -> WalWriter.open(FS, dir, WalConfig.defaults(), 1));
        assertEquals(StorageException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("replay it first"), e.getMessage());
    }

    @Test
    void fsyncFutureCompletesOnlyAfterForceOnTheFile() throws Exception {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        CountDownLatch forceEntered = new CountDownLatch(1);
        CountDownLatch releaseForce = new CountDownLatch(1);
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults(), 1)) {
            long forcesBefore = fs.calls(Op.FORCE, "wal-.*");
            fs.rule(Op.FORCE).onFiles("wal-.*").run(() -> {
                forceEntered.countDown();
                releaseForce.await(10, TimeUnit.SECONDS);
            });
            AtomicLong forcesSeenAtCompletion = new AtomicLong(-1);
            WalAppend a = w.append(WalRecordType.DATA, buf(new byte[100]));
            CompletableFuture<Void> observed = a.durable().thenRun(() -> forcesSeenAtCompletion.set(fs.calls(Op.FORCE, "wal-.*")));
            assertTrue(forceEntered.await(5, TimeUnit.SECONDS), "the flusher fsyncs soon after an append");
            Thread.sleep(50);
            assertFalse(a.durable().isDone(), "FSYNC future must wait for the fsync to return");
            releaseForce.countDown();
            assertEquals(1L, a.durable().get(5, TimeUnit.SECONDS));
            observed.get(5, TimeUnit.SECONDS);
            assertTrue(forcesSeenAtCompletion.get() > forcesBefore, "force was called before completion");
        }
    }

    @Test
    void batchAndNoneFuturesDoNotWaitForFsync() throws Exception {
        for (Durability d : List.of(Durability.BATCH, Durability.NONE)) {
            Path sub = dir.resolve(d.name());
            FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
            CountDownLatch release = new CountDownLatch(1);
            try (WalWriter w = WalWriter.open(fs, sub, WalConfig.defaults().withDurability(d), 1)) {
                long forcesBefore = fs.calls(Op.FORCE);
                fs.rule(Op.FORCE).always().run(() -> release.await(10, TimeUnit.SECONDS));
                WalAppend a = w.append(WalRecordType.DATA, buf(new byte[10]));
                assertTrue(a.durable().isDone(), d + " future is complete when append returns");
                assertEquals(1L, a.durable().getNow(-1L));
                if (d == Durability.NONE) {
                    Thread.sleep(30);
                    assertEquals(forcesBefore, fs.calls(Op.FORCE), "NONE never fsyncs on its own");
                }
                release.countDown();
            }
            assertEquals(1, replayAll(FS, sub, 0).size());
        }
    }

    @Test
    void batchModeStillFsyncsOnTheInterval() throws Exception {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults().withDurability(Durability.BATCH), 1)) {
            long before = fs.calls(Op.FORCE, "wal-.*");
            w.append(WalRecordType.DATA, buf(new byte[10]));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (fs.calls(Op.FORCE, "wal-.*") == before && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(fs.calls(Op.FORCE, "wal-.*") > before, "BATCH fsyncs in the background");
        }
    }

    @Test
    void groupCommitSharesFsyncsUnderLoad() throws Exception {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        int n = 2_000;
        try (WalWriter w = WalWriter.open(fs, dir, WalConfig.defaults().withGroupCommitIntervalUs(2_000), 1)) {
            long before = fs.calls(Op.FORCE, "wal-.*");
            List<CompletableFuture<Long>> fs2 = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs2.add(w.append(WalRecordType.DATA, buf(new byte[64])).durable());
            }
            CompletableFuture.allOf(fs2.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            long forces = fs.calls(Op.FORCE, "wal-.*") - before;
            assertTrue(forces >= 1 && forces < n / 4, "many appends share an fsync: forces=" + forces);
        }
    }

    @Test
    void concurrentAppendersGetUniqueDenseSeqsInReplayOrder() throws Exception {
        int threads = 8;
        int perThread = 400;
        Map<Long, String> bySeq = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<Long>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        try (WalWriter w = WalWriter.open(FS, dir, WalConfig.defaults().withGroupCommitIntervalUs(200).withFileRollBytes(64 * 1024), 1)) {
            List<Thread> ts = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        String text = "t" + id + "-" + i;
                        WalAppend a = w.append(WalRecordType.DATA, buf(text.getBytes()));
                        bySeq.put(a.seq(), text);
                        all.add(a.durable());
                        if (id == 0 && i % 100 == 50) {
                            w.rollover();
                        }
                    }
                });
                th.start();
                ts.add(th);
            }
            start.countDown();
            for (Thread th : ts) {
                th.join(30_000);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertEquals(threads * perThread, w.lastSeq());
        }
        assertEquals(threads * perThread, bySeq.size(), "seqs are unique");
        for (long s = 1; s <= threads * perThread; s++) {
            assertTrue(bySeq.containsKey(s), "seqs are dense: missing " + s);
        }
        List<Rec> got = replayAll(FS, dir, 0);
        assertEquals(threads * perThread, got.size());
        int[] nextPerThread = new int[threads];
        for (int i = 0; i < got.size(); i++) {
            Rec r = got.get(i);
            assertEquals(i + 1, r.seq(), "replay order is seq order");
            assertEquals(bySeq.get(r.seq()), r.text());
            String[] parts = r.text().substring(1).split("-");
            int t = Integer.parseInt(parts[0]);
            assertEquals(nextPerThread[t]++, Integer.parseInt(parts[1]), "one thread's records keep their order");
        }
    }

    @Test
    void rejectsRecordsOverTheSizeLimit() {
        try (WalWriter w = WalWriter.open(FS, dir, WalConfig.defaults().withMaxRecordBytes(1024), 1)) {
            w.append(WalRecordType.DATA, buf(new byte[1024 - WalFormat.RECORD_OVERHEAD]));
            StorageException e = assertThrows(StorageException.class,
                    () -> w.append(WalRecordType.DATA, buf(new byte[2000])));
            assertEquals(StorageException.Kind.INVALID_INPUT, e.kind());
            assertTrue(e.getMessage().contains("size=2017") && e.getMessage().contains("limit=1024"), e.getMessage());
            assertEquals(2, w.append(WalRecordType.DATA, buf(new byte[1])).seq(), "a rejected record takes no seq");
            assertEquals(StorageException.Kind.INVALID_INPUT,
                    assertThrows(StorageException.class, () -> w.append(0, buf(new byte[1]))).kind());
        }
    }

    @Test
    void refusesAppendsOverTheTotalLimitUntilFilesAreDeleted() {
        WalConfig cfg = WalConfig.defaults().withMaxRecordBytes(1024).withMaxTotalBytes(4096);
        try (WalWriter w = WalWriter.open(FS, dir, cfg, 1)) {
            byte[] p = new byte[1000 - WalFormat.RECORD_OVERHEAD];
            int ok = 0;
            StorageException full = null;
            for (int i = 0; i < 10 && full == null; i++) {
                try {
                    w.append(WalRecordType.DATA, buf(p));
                    ok++;
                } catch (StorageException e) {
                    full = e;
                }
            }
            assertEquals(4, ok, "24 header bytes + 4 x 1000 fit in 4096");
            assertEquals(StorageException.Kind.RESOURCE_EXHAUSTED, full.kind());
            assertTrue(full.getMessage().contains("limit=4096"), full.getMessage());
            assertEquals(4, w.rollover());
            w.deleteFilesUpTo(4);
            assertEquals(WalFormat.HEADER_LENGTH, w.totalBytes());
            assertEquals(5, w.append(WalRecordType.DATA, buf(p)).seq());
        }
    }

    @Test
    void closeCompletesPendingFuturesAndRefusesLaterCalls() throws Exception {
        WalConfig cfg = WalConfig.defaults().withGroupCommitIntervalUs(60_000_000L).withSyncThresholdBytes(1L << 40);
        WalWriter w = WalWriter.open(FS, dir, cfg, 1);
        WalAppend first = w.append(WalRecordType.DATA, buf(new byte[4]));
        first.durable().get(5, TimeUnit.SECONDS); // the first append after a quiet period syncs at once
        WalAppend second = w.append(WalRecordType.DATA, buf(new byte[4]));
        WalAppend third = w.append(WalRecordType.DATA, buf(new byte[4]));
        Thread.sleep(50);
        assertFalse(second.durable().isDone(), "inside the group-commit interval nothing syncs");
        w.close();
        assertEquals(2L, second.durable().getNow(-1L));
        assertEquals(3L, third.durable().getNow(-1L));
        assertEquals(StorageException.Kind.CLOSED,
                assertThrows(StorageException.class, () -> w.append(WalRecordType.DATA, buf(new byte[1]))).kind());
        assertEquals(StorageException.Kind.CLOSED, assertThrows(StorageException.class, w::rollover).kind());
        w.close(); // idempotent
        assertEquals(3, replayAll(FS, dir, 0).size());
    }

    @Test
    void closeWithFailingFsyncFailsPendingFutures() throws Exception {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        WalConfig cfg = WalConfig.defaults().withGroupCommitIntervalUs(60_000_000L).withSyncThresholdBytes(1L << 40);
        WalWriter w = WalWriter.open(fs, dir, cfg, 1);
        w.append(WalRecordType.DATA, buf(new byte[4])).durable().get(5, TimeUnit.SECONDS);
        WalAppend pending = w.append(WalRecordType.DATA, buf(new byte[4]));
        fs.rule(Op.FORCE).always().fail();
        w.close();
        assertTrue(pending.durable().isCompletedExceptionally());
        Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class, () -> pending.durable().get()).getCause();
        assertEquals(StorageException.Kind.IO, ((StorageException) cause).kind());
    }

    @Test
    void deleteFilesUpToDeletesOnlyWholeFilesAndNeverTheCurrentOne() throws Exception {
        try (WalWriter w = WalWriter.open(FS, dir, WalConfig.defaults(), 1)) {
            for (int i = 0; i < 10; i++) {
                w.append(WalRecordType.DATA, buf(new byte[50]));
            }
            assertEquals(10, w.rollover());
            for (int i = 0; i < 10; i++) {
                w.append(WalRecordType.DATA, buf(new byte[50]));
            }
            assertEquals(20, w.rollover());
            for (int i = 0; i < 5; i++) {
                w.append(WalRecordType.DATA, buf(new byte[50]));
            }
            assertEquals(3, walFiles(dir).size());
            long before = w.totalBytes();
            w.deleteFilesUpTo(9);
            assertEquals(3, walFiles(dir).size(), "file 1..10 still holds seq 10");
            w.deleteFilesUpTo(15);
            assertEquals(List.of(WalFormat.fileName(11), WalFormat.fileName(21)),
                    walFiles(dir).stream().map(p -> p.getFileName().toString()).toList());
            assertEquals(before - (WalFormat.HEADER_LENGTH + 10 * (50 + WalFormat.RECORD_OVERHEAD)), w.totalBytes());
            w.deleteFilesUpTo(1_000);
            assertEquals(List.of(WalFormat.fileName(21)), walFiles(dir).stream().map(p -> p.getFileName().toString()).toList());
            assertEquals(25, w.rollover());
            assertEquals(25, w.rollover(), "rolling an empty file is a no-op");
        }
        assertEquals(List.of(21L, 22L, 23L, 24L, 25L), replayAll(FS, dir, 0).stream().map(Rec::seq).toList());
    }

    @Test
    void recordBytesOnDiskAreTheDocumentedLayout() throws Exception {
        try (WalWriter w = WalWriter.open(FS, dir, WalConfig.defaults(), 42)) {
            w.append(7, ByteBuffer.wrap(new byte[]{1, 2, 3}));
        }
        byte[] f = Files.readAllBytes(dir.resolve(WalFormat.fileName(42)));
        ByteBuffer b = ByteBuffer.wrap(f).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(WalFormat.HEADER_LENGTH + WalFormat.RECORD_OVERHEAD + 3, f.length);
        assertEquals('Q', f[0]);
        assertEquals('L', f[3]);
        assertEquals(1, b.getShort(4));
        assertEquals(42, b.getLong(8));
        int at = WalFormat.HEADER_LENGTH;
        assertEquals(9 + 3, b.getInt(at));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(f, at + 8, 12);
        assertEquals((int) crc.getValue(), b.getInt(at + 4));
        assertEquals(42, b.getLong(at + 8));
        assertEquals(7, f[at + 16]);
        assertArrayEquals(new byte[]{1, 2, 3}, Arrays.copyOfRange(f, at + 17, at + 20));
    }
}
