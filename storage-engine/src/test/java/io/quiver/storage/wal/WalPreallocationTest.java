package io.quiver.storage.wal;

import io.quiver.storage.Durability;
import io.quiver.storage.StorageException;
import io.quiver.storage.fs.DefaultFilesFacade;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.quiver.storage.wal.WalFixtures.Rec;
import static io.quiver.storage.wal.WalFixtures.buf;
import static io.quiver.storage.wal.WalFixtures.payload;
import static io.quiver.storage.wal.WalFixtures.walFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Zero-filled WAL files prepared ahead of use: records, rolls, trims, crashes and torn records. */
class WalPreallocationTest {
    private static final DefaultFilesFacade FS = DefaultFilesFacade.INSTANCE;
    private static final long PREALLOCATED = WalConfig.MIN_PREALLOCATE_BYTES;
    private static final WalConfig CFG = WalConfig.defaults().withPreallocateBytes(PREALLOCATED);

    @TempDir
    Path dir;

    @Test
    void appendsMoveIntoAPreparedFileWhoseRecordsReplayAfterClose() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        Random rnd = new Random(7);
        try (WalWriter w = WalWriter.open(FS, dir, CFG, 1)) {
            appendUntilPrepared(w, sent, rnd);
            append(w, sent, rnd, 5); // the first append rolls into the prepared file
            Path current = walFiles(dir).getLast();
            ByteBuffer header = readHeader(current);
            assertEquals(WalFormat.VERSION_PREALLOCATED, header.getShort(WalFormat.HEADER_VERSION_OFFSET),
                    "a version-1 reader must refuse a preallocated file rather than cut its zero tail");
            assertTrue((header.getShort(WalFormat.HEADER_FLAGS_OFFSET) & WalFormat.FLAG_PREALLOCATED) != 0);
            assertEquals(PREALLOCATED, Files.size(current), "the file is its full preallocated size while in use");
        }
        for (Path f : walFiles(dir)) {
            assertTrue(Files.size(f) < PREALLOCATED, "closed files are trimmed to their records: " + f + " " + Files.size(f));
        }
        assertFalse(Files.exists(dir.resolve(WalFormat.PREPARED_FILE_NAME)), "close removes an unused prepared file");
        assertReplays(sent, dir, false);
    }

    @Test
    void filesRollBeforeTheyOutgrowThePreallocation() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        Random rnd = new Random(11);
        try (WalWriter w = WalWriter.open(FS, dir, CFG, 1)) {
            for (int round = 0; round < 4; round++) {
                appendUntilPrepared(w, sent, rnd);
                // Fill past one preallocated size: the writer rolls to the next prepared file (or a
                // plain one if it is not ready yet), never writing past the end of a prepared one.
                long written = 0;
                while (written < PREALLOCATED) {
                    written += append(w, sent, rnd, 8);
                }
            }
            for (Path f : walFiles(dir)) {
                assertTrue(Files.size(f) <= PREALLOCATED, "no file outgrows the preallocated size: " + f + " " + Files.size(f));
            }
        }
        assertReplays(sent, dir, false);
    }

    @Test
    void aCrashLeavesAZeroTailThatReplayTrimsWithoutCallingItDamage(@TempDir Path crashed) throws Exception {
        List<byte[]> sent = new ArrayList<>();
        Random rnd = new Random(13);
        try (WalWriter w = WalWriter.open(FS, dir, CFG, 1)) {
            appendUntilPrepared(w, sent, rnd);
            append(w, sent, rnd, 20);
            copyDirectory(dir, crashed); // what a kill -9 leaves: every acknowledged record, then zeros
        }
        Path last = walFiles(crashed).getLast();
        assertEquals(PREALLOCATED, Files.size(last));
        WalReplaySummary summary = assertReplays(sent, crashed, false);
        assertEquals(0, summary.truncatedBytes(), "zeros are not counted as cut damage");
        assertTrue(Files.size(last) < PREALLOCATED, "replay trims the zero tail so the writer counts only records");
        try (WalWriter w = WalWriter.open(FS, crashed, CFG, summary.nextSeq())) {
            append(w, sent, rnd, 3);
        }
        assertReplays(sent, crashed, false);
    }

    @Test
    void aTornRecordInAPreallocatedFileIsStillCut(@TempDir Path crashed) throws Exception {
        List<byte[]> sent = new ArrayList<>();
        Random rnd = new Random(17);
        long lastRecordStart;
        try (WalWriter w = WalWriter.open(FS, dir, CFG, 1)) {
            appendUntilPrepared(w, sent, rnd);
            append(w, sent, rnd, 3);
            lastRecordStart = Files.size(walFiles(dir).getLast()) == PREALLOCATED ? endOfRecords(walFiles(dir).getLast()) : -1;
            append(w, sent, rnd, 1);
            copyDirectory(dir, crashed);
        }
        assertTrue(lastRecordStart > 0);
        Path last = walFiles(crashed).getLast();
        try (var ch = java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[]{1, 2, 3, 4}), lastRecordStart + WalFormat.RECORD_PAYLOAD_OFFSET);
        }
        List<byte[]> expected = sent.subList(0, sent.size() - 1);
        WalReplaySummary summary = assertReplays(expected, crashed, true);
        assertEquals(sent.size() - 1, summary.lastSeq());
        assertEquals(lastRecordStart, Files.size(last), "cut at the start of the torn record");
    }

    @Test
    void aPreparedFileLeftByAnEarlierRunIsRemovedAndNeverReplayed() throws Exception {
        Files.write(dir.resolve(WalFormat.PREPARED_FILE_NAME), new byte[4096]);
        List<byte[]> sent = new ArrayList<>();
        try (WalWriter w = WalWriter.open(FS, dir, CFG, 1)) {
            assertFalse(Files.exists(dir.resolve(WalFormat.PREPARED_FILE_NAME)));
            append(w, sent, new Random(19), 3);
        }
        assertReplays(sent, dir, false);
    }

    @Test
    void closeWaitsForARunningPreparationAndLeavesNoPreparedFile() throws Exception {
        WalConfig big = CFG.withPreallocateBytes(64L << 20); // long enough to still be running at close
        List<byte[]> sent = new ArrayList<>();
        Random rnd = new Random(29);
        try (WalWriter w = WalWriter.open(FS, dir, big, 1)) {
            while (!Files.exists(dir.resolve(WalFormat.PREPARED_FILE_NAME))) {
                append(w, sent, rnd, 50); // 1/8 of the preallocated size starts a preparation
            }
        }
        assertFalse(Files.exists(dir.resolve(WalFormat.PREPARED_FILE_NAME)), "close discards the prepared file");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("quiver-wal-prepare-")
                && t.getName().endsWith(dir.getFileName().toString())), "no preparation thread outlives the writer");
        assertReplays(sent, dir, false);
    }

    @Test
    void noneModeAndZeroNeverPrepare() throws Exception {
        for (WalConfig cfg : List.of(CFG.withDurability(Durability.NONE), CFG.withPreallocateBytes(0))) {
            Path d = Files.createDirectories(dir.resolve(cfg.durability() + "-" + cfg.preallocateBytes()));
            List<byte[]> sent = new ArrayList<>();
            try (WalWriter w = WalWriter.open(FS, d, cfg, 1)) {
                append(w, sent, new Random(23), 200);
                Thread.sleep(50);
                assertFalse(Files.exists(d.resolve(WalFormat.PREPARED_FILE_NAME)), cfg.toString());
            }
            assertReplays(sent, d, false);
        }
    }

    @Test
    void preallocationSizeIsValidated() {
        StorageException e = assertThrows(StorageException.class, () -> CFG.withPreallocateBytes(1000));
        assertTrue(e.getMessage().contains(WalConfig.PREALLOCATE_BYTES_PROP), e.getMessage());
        assertEquals(0, CFG.withPreallocateBytes(0).preallocateBytes());
        assertEquals(PREALLOCATED, CFG.effectiveRollBytes(), "files roll at the preallocated size when it is smaller");
    }

    // ------------------------------------------------------------------ helpers

    /** Appends until the writer has a prepared file ready (it starts one after 1/8 of a file). */
    private void appendUntilPrepared(WalWriter w, List<byte[]> sent, Random rnd) throws Exception {
        Path prepared = dir.resolve(WalFormat.PREPARED_FILE_NAME);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(Files.exists(prepared) && Files.size(prepared) == PREALLOCATED && preparationDone(w))) {
            assertTrue(System.nanoTime() < deadline, "no prepared WAL file after 20 s");
            append(w, sent, rnd, 1);
            Thread.sleep(1);
        }
    }

    /** The prepared file is complete once the writer holds it (it fsyncs before handing it over). */
    private static boolean preparationDone(WalWriter w) {
        return w.hasPreparedFile();
    }

    /** Appends {@code n} records and waits for them to be durable; returns the bytes appended. */
    private static long append(WalWriter w, List<byte[]> sent, Random rnd, int n) throws Exception {
        long bytes = 0;
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] p = payload(sent.size() + 1, rnd);
            WalAppend a = w.append(1, buf(p));
            assertEquals(sent.size() + 1, a.seq());
            sent.add(p);
            futures.add(a.durable());
            bytes += WalFormat.RECORD_OVERHEAD + p.length;
        }
        for (CompletableFuture<Long> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        return bytes;
    }

    private static WalReplaySummary assertReplays(List<byte[]> sent, Path d, boolean corruption) {
        List<Rec> got = new ArrayList<>();
        WalReplaySummary summary = WalReader.replay(FS, d, 0, (seq, type, payload) -> {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            got.add(new Rec(seq, type, b));
        });
        assertEquals(sent.size(), got.size(), "records replayed");
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(i + 1, got.get(i).seq());
            assertArrayEquals(sent.get(i), got.get(i).payload(), "payload of seq " + (i + 1));
        }
        assertEquals(corruption, summary.corruptionFound(), summary.toString());
        return summary;
    }

    private static ByteBuffer readHeader(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return ByteBuffer.wrap(all, 0, WalFormat.HEADER_LENGTH).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Offset just past the last record of a preallocated file (where its zeros start). */
    private static long endOfRecords(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int pos = WalFormat.HEADER_LENGTH;
        while (pos + WalFormat.RECORD_PREFIX_LENGTH <= b.limit() && b.getInt(pos) != 0) {
            pos += WalFormat.RECORD_PREFIX_LENGTH + b.getInt(pos);
        }
        return pos;
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        for (Path f : walFiles(from)) {
            Files.copy(f, to.resolve(f.getFileName()));
        }
    }
}
