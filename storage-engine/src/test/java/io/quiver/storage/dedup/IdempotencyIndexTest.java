package io.quiver.storage.dedup;

import io.quiver.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdempotencyIndexTest {
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    @Test
    void recordsAndLooksUp() {
        try (IdempotencyIndex idx = IdempotencyIndex.open(dir.resolve("dedup.cm"), 1000, DAY)) {
            assertEquals(-1, idx.lookup("a"));
            idx.record("a", 17, 1_000);
            idx.record(new StringBuilder("b-").append(2), 18, 1_001);
            assertEquals(17, idx.lookup("a"));
            assertEquals(18, idx.lookup("b-2"));
            assertEquals(18, idx.lookup(new StringBuilder("b-2")));
            idx.record("a", 40, 1_002);
            assertEquals(40, idx.lookup("a"));
            assertEquals(2, idx.size());
        }
    }

    @Test
    void survivesCloseAndReopen() {
        Path file = dir.resolve("dedup.cm");
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 10_000, DAY)) {
            for (int i = 0; i < 5_000; i++) {
                idx.record("batch-" + i, i * 3L, 1_000 + i);
            }
        }
        assertTrue(Files.exists(file));
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 10_000, DAY)) {
            assertEquals(5_000, idx.size());
            for (int i = 0; i < 5_000; i++) {
                assertEquals(i * 3L, idx.lookup("batch-" + i), "batch-" + i);
            }
        }
    }

    @Test
    void uncleanShutdownIsRecovered() throws Exception {
        Path file = dir.resolve("dedup.cm");
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 1000, DAY)) {
            idx.record("x", 5, 10);
        }
        // A kill -9 leaves no clean-close marker: the next open goes through recovery.
        Files.delete(file.resolveSibling("dedup.cm.clean"));
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 1000, DAY)) {
            assertEquals(5, idx.lookup("x"));
        }
    }

    @Test
    void prunesByAge() {
        try (IdempotencyIndex idx = IdempotencyIndex.open(dir.resolve("dedup.cm"), 1000, 100)) {
            idx.record("old1", 1, 1_000);
            idx.record("old2", 2, 1_050);
            idx.record("new", 3, 1_200);
            assertEquals(2, idx.prune(1_250)); // cutoff 1_150
            assertEquals(-1, idx.lookup("old1"));
            assertEquals(-1, idx.lookup("old2"));
            assertEquals(3, idx.lookup("new"));
            assertEquals(1, idx.size());
        }
    }

    @Test
    void prunesOldestFirstOverCapacity() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (IdempotencyIndex idx = IdempotencyIndex.open(dir.resolve("dedup.cm"), 100, DAY)) {
            long[] times = new long[150];
            for (int i = 0; i < 150; i++) {
                times[i] = 10_000 + rnd.nextInt(1_000_000);
                idx.record("id" + i, i, times[i]);
            }
            assertEquals(50, idx.prune(2_000_000), "seed=" + seed);
            assertEquals(100, idx.size());
            long[] sorted = times.clone();
            java.util.Arrays.sort(sorted);
            long threshold = sorted[50]; // the 100 newest have times >= this
            for (int i = 0; i < 150; i++) {
                if (times[i] > threshold) {
                    assertEquals(i, idx.lookup("id" + i), "kept id" + i + " seed=" + seed);
                } else if (times[i] < threshold) {
                    assertEquals(-1, idx.lookup("id" + i), "dropped id" + i + " seed=" + seed);
                }
            }
        }
    }

    @Test
    void recordWhenFullPrunesInsteadOfFailing() {
        try (IdempotencyIndex idx = IdempotencyIndex.open(dir.resolve("dedup.cm"), 100, DAY)) {
            for (int i = 0; i < 20_000; i++) {
                idx.record("batch-" + i, i, i);
            }
            assertEquals(19_999, idx.lookup("batch-19999"));
            assertTrue(idx.size() < 20_000);
        }
    }

    @Test
    void rejectsOverLongIds() {
        try (IdempotencyIndex idx = IdempotencyIndex.open(dir.resolve("dedup.cm"), 100, DAY)) {
            String ok = "x".repeat(128);
            idx.record(ok, 1, 1);
            assertEquals(1, idx.lookup(ok));
            String tooLong = "x".repeat(129);
            StorageException e = assertThrows(StorageException.class, () -> idx.record(tooLong, 2, 2));
            assertEquals(StorageException.Kind.INVALID_INPUT, e.kind());
            assertTrue(e.getMessage().contains("length=129"), e.getMessage());
            assertEquals(StorageException.Kind.INVALID_INPUT,
                    assertThrows(StorageException.class, () -> idx.lookup(tooLong)).kind());
        }
    }

    @Test
    void garbageFileIsRecreatedEmpty() throws Exception {
        Path file = dir.resolve("dedup.cm");
        byte[] junk = new byte[64 * 1024];
        new Random(42).nextBytes(junk);
        Files.write(file, junk);
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 1000, DAY)) {
            assertEquals(0, idx.size());
            idx.record("fresh", 9, 1);
            assertEquals(9, idx.lookup("fresh"));
        }
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 1000, DAY)) {
            assertEquals(9, idx.lookup("fresh"));
        }
    }

    @Test
    void fileTruncatedInsideItsDataIsHandled() throws Exception {
        Path file = dir.resolve("dedup.cm");
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 1000, DAY)) {
            for (int i = 0; i < 500; i++) {
                idx.record("id" + i, i, 1);
            }
        }
        long size = Files.size(file);
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size / 2);
        }
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 1000, DAY)) {
            for (int i = 0; i < 500; i++) {
                long seq = idx.lookup("id" + i);
                assertTrue(seq == -1 || seq == i, "id" + i + " -> " + seq);
            }
            idx.record("b", 2, 2);
            assertEquals(2, idx.lookup("b"));
        }
    }

    @Test
    void truncatedFileIsRecreatedEmpty() throws Exception {
        Path file = dir.resolve("dedup.cm");
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 1000, DAY)) {
            idx.record("a", 1, 1);
        }
        long size = Files.size(file);
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Math.min(size / 3, 100));
        }
        try (IdempotencyIndex idx = IdempotencyIndex.open(file, 1000, DAY)) {
            assertFalse(idx.lookup("a") > 1, "whatever survived must not be garbage");
            idx.record("b", 2, 2);
            assertEquals(2, idx.lookup("b"));
        }
    }
}
