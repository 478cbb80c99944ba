package io.quiver.storage.segment;

import io.quiver.storage.fs.FaultInjectingFilesFacade;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.quiver.storage.segment.SegmentFixtures.FS;
import static io.quiver.storage.segment.SegmentFixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentReaderLifecycleTest {
    private static final int ROWS = 20_000;
    private static final int BLOCK_ROWS = 1000;

    @TempDir
    Path dir;
    Path file;
    long expectedSum;
    final List<ColumnDef> cols = List.of(col("v", ColumnType.BIGINT), col("s", ColumnType.VARCHAR));

    @BeforeEach
    void writeSegment() {
        List<List<Object>> values = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < ROWS; i++) {
            values.get(0).add((long) (i * 7 % 1013));
            values.get(1).add("k" + (i % 17));
            expectedSum += i * 7 % 1013;
        }
        file = dir.resolve("l.seg");
        SegmentFixtures.write(file, cols, values, BLOCK_ROWS, 4096);
    }

    private static boolean mapped(Path file) throws IOException {
        return Files.readString(Path.of("/proc/self/maps")).contains(file.toAbsolutePath().toString());
    }

    private static long sum(SegmentReader r, BlockDecoder scratch, ColumnVector v) {
        long s = 0;
        for (int b = 0; b < r.blockCount(); b++) {
            r.readBlock(0, b, v, scratch);
            for (int i = 0; i < v.size(); i++) {
                s += v.longs[i];
            }
        }
        return s;
    }

    @Test
    void lastReleaseUnmapsAndLaterReadsFailClosed() throws IOException {
        DefaultFilesFacade fs = new DefaultFilesFacade(100);
        SegmentReader r = SegmentReader.open(fs, file);
        assertEquals(0, fs.openFiles(), "channel closed once mapped");
        boolean procMaps = Files.exists(Path.of("/proc/self/maps"));
        if (procMaps) {
            assertTrue(mapped(file));
        }
        assertTrue(r.tryRetain()); // a scan's reference
        r.release(); // the owner's
        assertTrue(r.isOpen());
        BlockDecoder scratch = new BlockDecoder();
        ColumnVector v = new ColumnVector(ColumnType.BIGINT, BLOCK_ROWS);
        assertEquals(expectedSum, sum(r, scratch, v), "scan holding a reference still reads");
        r.release(); // the scan's: the last one
        assertFalse(r.isOpen());
        if (procMaps) {
            assertFalse(mapped(file), "mapping must be gone after the last release");
        }
        assertFalse(r.tryRetain());
        StorageException e = assertThrows(StorageException.class, () -> r.readBlock(0, 0, v, scratch));
        assertEquals(StorageException.Kind.CLOSED, e.kind());
        assertThrows(IllegalStateException.class, r::release);
        SegmentReader.closeQuietly(r);
        SegmentReader.closeQuietly(null);
        // footer metadata lives on the heap and stays readable
        assertEquals(ROWS, r.rowCount());
        assertEquals(0, r.columnZoneMap(0).minLong());
    }

    @Test
    void closeQuietlyReleasesTheOwnersReference() {
        SegmentReader r = SegmentReader.open(FS, file);
        SegmentReader.closeQuietly(r);
        assertFalse(r.isOpen());
    }

    @Test
    void failedMapClosesChannelAndReportsIo() {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        fs.rule(FaultInjectingFilesFacade.Op.MAP).nth(1).fail();
        StorageException e = assertThrows(StorageException.class, () -> SegmentReader.open(fs, file));
        assertEquals(StorageException.Kind.IO, e.kind());
        assertEquals(1, fs.calls(FaultInjectingFilesFacade.Op.CLOSE));
    }

    @Test
    void manyThreadsReadOneSegment() throws Exception {
        SegmentReader r = SegmentReader.open(FS, file);
        int threads = 4;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger scans = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    BlockDecoder scratch = new BlockDecoder();
                    ColumnVector v = new ColumnVector(ColumnType.BIGINT, 16);
                    ColumnVector s = new ColumnVector(ColumnType.VARCHAR, 16);
                    for (int round = 0; round < 20; round++) {
                        assertTrue(r.tryRetain());
                        try {
                            assertEquals(expectedSum, sum(r, scratch, v));
                            int b = round % r.blockCount();
                            r.readBlock(1, b, s, scratch);
                            assertEquals("k" + (b * BLOCK_ROWS % 17), s.getString(0));
                        } finally {
                            r.release();
                        }
                        scans.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts.add(th);
            th.start();
        }
        start.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertNull(failure.get(), () -> "reader thread failed: " + failure.get());
        assertEquals(threads * 20, scans.get());
        assertTrue(r.isOpen());
        r.release();
        assertFalse(r.isOpen());
    }

    /** Readers racing the owner's release either read correct data or fail CLOSED; never anything else. */
    @Test
    void readsRacingTheFinalReleaseFailCleanly() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            SegmentReader r = SegmentReader.open(FS, file);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(2);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread th = new Thread(() -> {
                    BlockDecoder scratch = new BlockDecoder();
                    ColumnVector v = new ColumnVector(ColumnType.BIGINT, 16);
                    started.countDown();
                    try {
                        while (true) {
                            assertEquals(expectedSum, sum(r, scratch, v));
                        }
                    } catch (StorageException e) {
                        if (e.kind() != StorageException.Kind.CLOSED) {
                            failure.compareAndSet(null, e);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                ts.add(th);
                th.start();
            }
            started.await();
            Thread.sleep(2);
            r.release();
            for (Thread th : ts) {
                th.join();
            }
            assertNull(failure.get(), () -> "attempt failed: " + failure.get());
            assertFalse(r.isOpen());
        }
    }
}
