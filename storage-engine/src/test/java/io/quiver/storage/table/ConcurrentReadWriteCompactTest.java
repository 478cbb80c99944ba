package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.memory.NativeMemory;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One writer, three readers, and flushes and compactions running all the time (tiny memtables,
 * aggressive compaction). Every snapshot must hold whole batches only, each once, include every
 * batch acknowledged before it was opened, and never lose a batch an earlier snapshot saw.
 */
class ConcurrentReadWriteCompactTest {
    private static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("batch_no", ColumnType.BIGINT),
            new ColumnDef("size", ColumnType.INT), new ColumnDef("tag", ColumnType.VARCHAR));

    @TempDir
    Path dir;

    private static int sizeOf(long batch) {
        return 1 + (int) (batch % 97);
    }

    private static RowBatch batch(long n) {
        int rows = sizeOf(n);
        RowBatch b = new RowBatch(COLUMNS, rows);
        for (int r = 0; r < rows; r++) {
            b.column(0).appendLong(1_763_856_000_000_000L + (n % 3) * 86_400_000_000L + r);
            b.column(1).appendLong(n);
            b.column(2).appendLong(rows);
            b.column(3).appendString("t" + (n % 5));
        }
        b.syncRowCount();
        return b;
    }

    @Test
    void readersSeeConsistentGrowingSnapshotsWhileFlushAndCompactionRun() throws Exception {
        long heldBefore = NativeMemory.totalHeldBytes();
        StorageConfig cfg = new StorageConfig().memtableFlushBytes(64 * 1024).memtableMaxAgeMs(20).segmentBlockRows(128)
                .compactionMinSegments(3).compactionSmallSegmentRows(1_000_000).backgroundIntervalMs(2);
        List<String> failures = new ArrayList<>();
        AtomicLong ackedUpTo = new AtomicLong(-1);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long snapshotsChecked;
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("c", "ts", COLUMNS));
            Thread writer = new Thread(() -> {
                try {
                    for (long n = 0; n < 3000 && !stop.get(); n++) {
                        t.append("w" + n, batch(n)).join();
                        ackedUpTo.set(n);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    stop.set(true);
                }
            });
            AtomicLong checked = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                readers.add(new Thread(() -> {
                    long previousMax = -1;
                    try {
                        while (!stop.get()) {
                            long ackedBefore = ackedUpTo.get();
                            Map<Long, Integer> seen = readSnapshot(t);
                            for (Map.Entry<Long, Integer> e : seen.entrySet()) {
                                if (e.getValue() != sizeOf(e.getKey())) {
                                    errors.add(new AssertionError("batch " + e.getKey() + " has " + e.getValue() + " rows, expected " + sizeOf(e.getKey())));
                                }
                            }
                            for (long n = 0; n <= ackedBefore; n++) {
                                if (!seen.containsKey(n)) {
                                    errors.add(new AssertionError("acknowledged batch " + n + " missing from a later snapshot"));
                                    break;
                                }
                            }
                            long max = seen.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
                            if (max < previousMax) {
                                errors.add(new AssertionError("snapshot went back in time: " + max + " < " + previousMax));
                            }
                            previousMax = max;
                            checked.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            writer.start();
            readers.forEach(Thread::start);
            writer.join();
            for (Thread r : readers) {
                r.join();
            }
            snapshotsChecked = checked.get();
            for (Throwable e : errors) {
                failures.add(e.toString());
            }
            assertTrue(failures.isEmpty(), failures.subList(0, Math.min(5, failures.size())).toString());
            Map<Long, Integer> last = readSnapshot(t);
            assertEquals(3000, last.size());
            assertTrue(t.segments().size() >= 1, "flushes never ran");
        }
        assertTrue(snapshotsChecked > 20, "readers checked too few snapshots: " + snapshotsChecked);
        assertEquals(heldBefore, NativeMemory.totalHeldBytes(), "native memory leaked");
    }

    private static Map<Long, Integer> readSnapshot(Table t) {
        Map<Long, Integer> rows = new HashMap<>();
        try (TableScan scan = t.openScan()) {
            RowBatch b = new RowBatch(List.of(COLUMNS.get(1)), 256);
            for (ScanSplit split : scan.splits()) {
                try (ScanCursor c = split.open(new int[]{1}, ScanPredicate.ALL)) {
                    while (c.next(b)) {
                        for (int r = 0; r < b.rowCount(); r++) {
                            rows.merge(b.column(0).getLong(r), 1, Integer::sum);
                        }
                    }
                }
            }
        }
        return rows;
    }
}
