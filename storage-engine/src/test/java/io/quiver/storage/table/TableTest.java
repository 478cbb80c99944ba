package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.fs.FaultInjectingFilesFacade;
import io.quiver.storage.fs.FaultInjectingFilesFacade.Op;
import io.quiver.storage.memory.NativeMemory;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A table end to end on real files: write, read, flush, compact, restart, limits and faults. */
class TableTest {
    static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("id", ColumnType.BIGINT),
            new ColumnDef("name", ColumnType.VARCHAR),
            new ColumnDef("score", ColumnType.DOUBLE),
            new ColumnDef("flag", ColumnType.BOOLEAN));
    static final long DAY = 86_400_000_000L;
    static final long T0 = 1_763_856_000_000_000L; // 2025-11-23T00:00Z

    @TempDir
    Path dir;
    private long heldBefore;

    @BeforeEach
    void recordNativeMemory() {
        heldBefore = NativeMemory.totalHeldBytes();
    }

    @AfterEach
    void noNativeMemoryOrFileDescriptorLeaked() throws Exception {
        assertEquals(heldBefore, NativeMemory.totalHeldBytes(), "native memory leaked by the test");
        assertEquals(openFdsBefore, openFileDescriptors(), "file descriptors leaked by the test");
    }

    private long openFdsBefore;

    @BeforeEach
    void recordFileDescriptors() throws Exception {
        openFdsBefore = openFileDescriptors();
    }

    /** Open files of this process that point into the test's directory. */
    private long openFileDescriptors() throws Exception {
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(dir.toString())) {
                        n++;
                    }
                } catch (java.io.IOException gone) {
                    // closed while listing
                }
            }
        }
        return n;
    }

    static StorageConfig smallConfig() {
        return new StorageConfig().segmentBlockRows(128).compactionEnabled(false).backgroundIntervalMs(3_600_000);
    }

    static RowBatch rows(long firstId, int count, long tsBase) {
        RowBatch b = new RowBatch(COLUMNS, count);
        for (int i = 0; i < count; i++) {
            long id = firstId + i;
            b.column(0).appendLong(tsBase + id * 1000);
            b.column(1).appendLong(id);
            if (id % 10 == 3) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendString("n" + id + (id % 4 == 0 ? "é" : ""));
            }
            if (id % 7 == 0) {
                b.column(3).appendNull();
            } else {
                b.column(3).appendDouble(id / 2.0);
            }
            b.column(4).appendLong(id % 2);
        }
        b.syncRowCount();
        return b;
    }

    /** Every row of the table as id -> "name|score|flag", checking rows against their generator. */
    static List<Long> readIds(Table t) {
        List<Long> ids = new ArrayList<>();
        try (TableScan scan = t.openScan()) {
            int[] cols = new int[scan.schema().columnCount()];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = i;
            }
            for (ScanSplit split : scan.splits()) {
                RowBatch b = new RowBatch(scan.schema().columns(), 256);
                try (ScanCursor c = split.open(cols, ScanPredicate.ALL)) {
                    while (c.next(b)) {
                        for (int r = 0; r < b.rowCount(); r++) {
                            long id = b.column(1).getLong(r);
                            assertEquals(id % 10 == 3 ? null : "n" + id + (id % 4 == 0 ? "é" : ""), b.column(2).getString(r), "name of " + id);
                            if (id % 7 == 0) {
                                assertTrue(b.column(3).isNull(r), "score of " + id);
                            } else {
                                assertEquals(id / 2.0, b.column(3).getDouble(r), "score of " + id);
                            }
                            assertEquals(id % 2, b.column(4).getLong(r), "flag of " + id);
                            ids.add(id);
                        }
                    }
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void rowsAreVisibleOnAckAndSurviveFlushAndRestart() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            for (int b = 0; b < 10; b++) {
                AppendResult r = t.append("b" + b, rows(b * 100L, 100, T0)).get(10, TimeUnit.SECONDS);
                assertEquals(100, r.rows());
                assertFalse(r.duplicate());
                assertEquals(range(0, (b + 1) * 100L), readIds(t), "visible after ack of batch " + b);
            }
            assertEquals(1000, t.flush());
            assertFalse(t.segments().isEmpty());
            assertEquals(range(0, 1000), readIds(t));
            t.append("b10", rows(1000, 50, T0)).join();
        }
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.tableOrThrow("EVENTS");
            assertEquals(range(0, 1050), readIds(t));
        }
    }

    @Test
    void unflushedRowsReplayFromTheWalAfterAnUncleanClose() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append("a", rows(0, 300, T0)).join();
            t.flush();
            t.append("b", rows(300, 300, T0)).join();
            engine.close(false); // as if the process died: the memtable is dropped, the WAL stays
        }
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.tableOrThrow("events");
            assertEquals(range(0, 600), readIds(t));
            AppendResult again = t.append("b", rows(300, 300, T0)).join();
            assertTrue(again.duplicate(), "a retried batch id after restart must not be written twice");
            assertEquals(range(0, 600), readIds(t));
        }
    }

    @Test
    void duplicateBatchIdIsAcknowledgedWithoutWritingTwice() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            AppendResult first = t.append("same", rows(0, 10, T0)).join();
            AppendResult second = t.append("same", rows(0, 10, T0)).join();
            assertTrue(second.duplicate());
            assertEquals(first.seq(), second.seq());
            t.flush();
            assertTrue(t.append("same", rows(0, 10, T0)).join().duplicate(), "still known after flush");
            assertEquals(range(0, 10), readIds(t));
        }
    }

    @Test
    void rowsSplitIntoTimePartitionsAndSortByTimestamp() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            // Three days, written newest first: each partition gets its own segment, rows sorted by ts.
            t.append(null, rows(0, 100, T0 + 2 * DAY)).join();
            t.append(null, rows(100, 100, T0)).join();
            t.append(null, rows(200, 100, T0 + DAY)).join();
            t.flush();
            List<SegmentInfo> segs = t.segments();
            assertEquals(3, segs.size(), segs.toString());
            assertEquals(List.of("2025-11-23", "2025-11-24", "2025-11-25"), segs.stream().map(SegmentInfo::partition).sorted().toList());
            for (SegmentInfo s : segs) {
                assertTrue(Files.exists(dir.resolve("tables/events").resolve(s.path())), s.path());
            }
            try (TableScan scan = t.openScan()) {
                for (ScanSplit split : scan.splits()) {
                    RowBatch b = new RowBatch(scan.schema().columns(), 256);
                    long prev = Long.MIN_VALUE;
                    try (ScanCursor c = split.open(new int[]{0}, ScanPredicate.ALL)) {
                        while (c.next(b)) {
                            for (int r = 0; r < b.rowCount(); r++) {
                                assertTrue(b.column(0).getLong(r) >= prev, "segment not sorted by ts");
                                prev = b.column(0).getLong(r);
                            }
                        }
                    }
                }
            }
            assertEquals(range(0, 300), readIds(t));
        }
    }

    @Test
    void zoneMapsSkipBlocksAndAnswerStatistics() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(0, 1280, T0)).join();
            t.flush();
            t.append(null, rows(1280, 10, T0)).join(); // memtable part
            try (TableScan scan = t.openScan()) {
                ScanSplit segment = scan.splits().get(0);
                ColumnStats ids = segment.columnStats(1);
                assertEquals(0, ids.minLong());
                assertEquals(1279, ids.maxLong());
                assertEquals(1280, ids.rowCount());
                ScanSplit memtable = scan.splits().get(1);
                assertEquals(1280, memtable.columnStats(1).minLong());
                ScanPredicate onlyLate = ScanPredicate.of(List.of(new ScanPredicate.LongRange(1, 1200, Long.MAX_VALUE)));
                RowBatch b = new RowBatch(List.of(COLUMNS.get(1)), 256);
                try (ScanCursor c = segment.open(new int[]{1}, onlyLate)) {
                    long rows = 0;
                    while (c.next(b)) {
                        rows += b.rowCount();
                    }
                    assertEquals(128, rows, "only the last block may match");
                    assertEquals(9, c.blocksSkipped());
                    assertEquals(1, c.blocksRead());
                }
            }
        }
    }

    @Test
    void addedColumnReadsNullForOlderRowsInSegmentsMemtableAndWal() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(0, 10, T0)).join();
            t.flush();
            t.append(null, rows(10, 10, T0)).join();
            engine.addColumn("events", new ColumnDef("extra", ColumnType.INT));
            List<ColumnDef> withExtra = new ArrayList<>(COLUMNS);
            withExtra.add(new ColumnDef("extra", ColumnType.INT));
            RowBatch b = new RowBatch(withExtra, 5);
            RowBatch base = rows(20, 5, T0);
            for (int c = 0; c < COLUMNS.size(); c++) {
                for (int r = 0; r < 5; r++) {
                    b.column(c).appendFrom(base.column(c), r);
                }
            }
            for (int r = 0; r < 5; r++) {
                b.column(5).appendLong(r + 100);
            }
            b.syncRowCount();
            t.append(null, b).join();
            engine.close(false);
        }
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.tableOrThrow("events");
            assertEquals(6, t.schema().columnCount());
            assertEquals(range(0, 25), readIds(t));
            List<Object[]> rows = idsAndExtras(t);
            for (Object[] row : rows) {
                long id = (Long) row[0];
                if (id < 20) {
                    assertNull(row[1], "row " + id);
                } else {
                    assertEquals(id - 20 + 100, row[1], "row " + id);
                }
            }
            assertEquals(25, rows.size());
        }
    }

    /** A segment scanned before ADD COLUMN maps the new schema afresh after it (its column map is kept per schema). */
    @Test
    void segmentScannedBeforeAndAfterAddColumnReadsTheNewColumnAsNull() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = oneSegmentOfTen(engine);
            engine.addColumn("events", new ColumnDef("extra", ColumnType.INT));
            List<Object[]> rows = idsAndExtras(t);
            for (int r = 0; r < rows.size(); r++) {
                assertEquals((long) r, rows.get(r)[0]);
                assertNull(rows.get(r)[1], "row " + r);
            }
            assertEquals(10, rows.size());
            assertEquals(range(0, 10), readIds(t));
        }
    }

    /** (id, extra) of every row, split by split, read as the columns 1 and 5 of a segment or memtable split. */
    private static List<Object[]> idsAndExtras(Table t) {
        List<Object[]> rows = new ArrayList<>();
        try (TableScan scan = t.openScan()) {
            for (ScanSplit split : scan.splits()) {
                RowBatch out = new RowBatch(List.of(new ColumnDef("id", ColumnType.BIGINT), new ColumnDef("extra", ColumnType.INT)), 256);
                try (ScanCursor c = split.open(new int[]{1, 5}, ScanPredicate.ALL)) {
                    while (c.next(out)) {
                        for (int r = 0; r < out.rowCount(); r++) {
                            rows.add(new Object[] {out.column(0).getLong(r), out.column(1).getObject(r)});
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** An events table with rows 0..9 in one segment, scanned once (so its reader has mapped the schema). */
    private Table oneSegmentOfTen(StorageEngine engine) throws Exception {
        Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
        t.append(null, rows(0, 10, T0)).join();
        t.flush();
        assertEquals(range(0, 10), readIds(t));
        return t;
    }

    @Test
    void compactionMergesSmallSegmentsWithoutDisturbingReaders() throws Exception {
        StorageConfig cfg = smallConfig().compactionEnabled(true).compactionMinSegments(3).compactionSmallSegmentRows(10_000);
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            for (int i = 0; i < 5; i++) {
                t.append(null, rows(i * 100L, 100, T0)).join();
                t.flush();
            }
            assertEquals(5, t.segments().size());
            TableScan pinned = t.openScan(); // a reader that started before the compaction
            assertEquals(5, t.compact());
            assertEquals(1, t.segments().size());
            assertEquals(range(0, 500), readIds(t));
            long rows = 0;
            for (ScanSplit s : pinned.splits()) {
                RowBatch b = new RowBatch(List.of(COLUMNS.get(1)), 256);
                try (ScanCursor c = s.open(new int[]{1}, ScanPredicate.ALL)) {
                    while (c.next(b)) {
                        rows += b.rowCount();
                    }
                }
            }
            pinned.close();
            assertEquals(500, rows, "a reader pinned before compaction still reads its segments");
            long files;
            try (var stream = Files.walk(dir.resolve("tables/events"))) {
                files = stream.filter(p -> p.toString().endsWith(".qseg")).count();
            }
            assertEquals(1, files, "compacted-away segment files are deleted");
        }
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            assertEquals(range(0, 500), readIds(engine.tableOrThrow("events")));
        }
    }

    @Test
    void invalidBatchesAreRejectedWholeAndNamed() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            RowBatch unknown = new RowBatch(List.of(new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("nope", ColumnType.INT)), 1);
            unknown.column(0).appendLong(T0);
            unknown.column(1).appendLong(1);
            unknown.syncRowCount();
            StorageException e1 = assertThrows(StorageException.class, () -> t.append(null, unknown));
            assertTrue(e1.getMessage().contains("column=nope"), e1.getMessage());

            RowBatch wrongType = new RowBatch(List.of(new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("id", ColumnType.VARCHAR)), 1);
            wrongType.column(0).appendLong(T0);
            wrongType.column(1).appendString("x");
            wrongType.syncRowCount();
            StorageException e2 = assertThrows(StorageException.class, () -> t.append(null, wrongType));
            assertTrue(e2.getMessage().contains("column=id") && e2.getMessage().contains("expected=BIGINT"), e2.getMessage());

            RowBatch noTs = rows(0, 3, T0);
            RowBatch missing = new RowBatch(COLUMNS, 3);
            for (int c = 0; c < COLUMNS.size(); c++) {
                for (int r = 0; r < 3; r++) {
                    if (c == 0 && r == 2) {
                        missing.column(c).appendNull();
                    } else {
                        missing.column(c).appendFrom(noTs.column(c), r);
                    }
                }
            }
            missing.syncRowCount();
            StorageException e3 = assertThrows(StorageException.class, () -> t.append(null, missing));
            assertTrue(e3.getMessage().contains("row=2"), e3.getMessage());
            assertEquals(0, t.rowCount(), "nothing of a rejected batch is written");
        }
    }

    @Test
    void aBatchRefusedForMemoryIsNeverReplayed() throws Exception {
        // Many appends in flight at once (not joined): each is checked against the memtable limit
        // before its WAL append, counting the batches still waiting for their fsync. A batch that
        // were refused only at apply time would already be in the WAL and come back at restart.
        StorageConfig cfg = smallConfig().memtableMaxBytes(256 * 1024).memtableFlushBytes(1L << 40).memtableFullWaitMs(0);
        List<Long> acknowledged = new ArrayList<>();
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            Map<Long, CompletableFuture<AppendResult>> inFlight = new java.util.LinkedHashMap<>();
            int refusedAtOnce = 0;
            for (long first = 0; first < 20_000; first += 100) {
                try {
                    inFlight.put(first, t.append(null, rows(first, 100, T0)));
                } catch (StorageException e) {
                    assertEquals(StorageException.Kind.RESOURCE_EXHAUSTED, e.kind());
                    refusedAtOnce++;
                }
            }
            int failedLater = 0;
            for (Map.Entry<Long, CompletableFuture<AppendResult>> e : inFlight.entrySet()) {
                try {
                    e.getValue().join();
                    acknowledged.addAll(range(e.getKey(), e.getKey() + 100));
                } catch (CompletionException ex) {
                    failedLater++;
                }
            }
            assertTrue(refusedAtOnce > 0, "the limit was reached");
            assertEquals(0, failedLater, "no batch fails after its WAL append");
            assertEquals(acknowledged, readIds(t));
        }
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            assertEquals(acknowledged, readIds(engine.tableOrThrow("events")), "after restart: exactly the acknowledged rows");
        }
    }

    @Test
    void anAppendAtTheMemtableLimitWaitsForAFlushInsteadOfFailing() throws Exception {
        StorageConfig cfg = smallConfig().memtableMaxBytes(256 * 1024).memtableFlushBytes(1L << 40).memtableFullWaitMs(60_000);
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            int batches = 40; // ~4x what the limit holds
            Thread writer = new Thread(() -> {
                try {
                    for (int b = 0; b < batches; b++) {
                        t.append(null, rows(b * 500L, 500, T0)).join();
                        written.addAndGet(500);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            writer.start();
            int flushes = 0;
            while (writer.isAlive()) {
                // The writer fills the memtable, then blocks at the limit until a flush makes room.
                long before = written.get();
                Thread.sleep(300);
                if (writer.isAlive() && written.get() == before) {
                    assertTrue(writer.getState() == Thread.State.WAITING || writer.getState() == Thread.State.TIMED_WAITING,
                            "a writer at the limit waits: " + writer.getState());
                    assertTrue(t.memtableBytes() > 0);
                    t.flush();
                    flushes++;
                }
            }
            writer.join();
            assertEquals(null, failure.get(), "no append was refused");
            assertTrue(flushes >= 2, "the limit was reached more than once: " + flushes);
            assertEquals(range(0, batches * 500L), readIds(t));
        }
    }

    @Test
    void anAppendWaitingForRoomIsRefusedAfterItsWaitAndFailsClosedWhenTheTableCloses() throws Exception {
        StorageConfig cfg = smallConfig().memtableMaxBytes(256 * 1024).memtableFlushBytes(1L << 40).memtableFullWaitMs(300);
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            long id = 0;
            StorageException full = null;
            long refusedAfterNanos = 0;
            while (full == null) {
                long start = System.nanoTime();
                try {
                    t.append(null, rows(id, 500, T0)).join();
                    id += 500;
                } catch (StorageException e) {
                    full = e;
                    refusedAfterNanos = System.nanoTime() - start;
                }
            }
            assertEquals(StorageException.Kind.RESOURCE_EXHAUSTED, full.kind());
            assertTrue(full.getMessage().contains("waitedMs=300"), full.getMessage());
            assertTrue(refusedAfterNanos >= 300_000_000L, "refused only after the wait: " + refusedAfterNanos / 1_000_000 + " ms");
            assertEquals(range(0, id), readIds(t), "nothing lost, nothing partial");
        }
        StorageConfig longWait = cfg.memtableFullWaitMs(60_000);
        try (StorageEngine engine = StorageEngine.open(dir, longWait)) {
            Table t = engine.tableOrThrow("events");
            long id = 1_000_000;
            java.util.concurrent.CompletableFuture<Void> blocked = null;
            while (blocked == null) { // fill to the limit, then leave one append waiting
                long first = id;
                java.util.concurrent.CompletableFuture<Void> f = java.util.concurrent.CompletableFuture.runAsync(
                        () -> t.append(null, rows(first, 500, T0)).join(), java.util.concurrent.Executors.newSingleThreadExecutor());
                try {
                    f.get(2, java.util.concurrent.TimeUnit.SECONDS);
                    id += 500;
                } catch (java.util.concurrent.TimeoutException e) {
                    blocked = f;
                }
            }
            java.util.concurrent.CompletableFuture<Void> waiting = blocked;
            assertTrue(!waiting.isDone(), "the last append is still waiting for room");
            t.close(false);
            java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> waiting.get(10, java.util.concurrent.TimeUnit.SECONDS));
            StorageException closed = (StorageException) (e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause());
            assertEquals(StorageException.Kind.CLOSED, closed.kind(), closed.getMessage());
        }
    }

    @Test
    void memtableHardLimitRejectsWritesUntilAFlush() throws Exception {
        StorageConfig cfg = smallConfig().memtableMaxBytes(256 * 1024).memtableFlushBytes(1L << 40).memtableFullWaitMs(0);
        long[] lastId = new long[1];
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            long id = 0;
            StorageException full = null;
            for (int i = 0; i < 1000 && full == null; i++) {
                try {
                    t.append(null, rows(id, 500, T0)).join();
                    id += 500;
                } catch (StorageException e) {
                    full = e;
                } catch (CompletionException e) {
                    full = (StorageException) e.getCause();
                }
            }
            assertTrue(full != null, "the memtable limit never triggered");
            assertEquals(StorageException.Kind.RESOURCE_EXHAUSTED, full.kind());
            assertTrue(full.getMessage().contains("limit="), full.getMessage());
            assertEquals(range(0, id), readIds(t), "nothing lost, nothing partial");
            lastId[0] = id;
            t.flush();
            t.append(null, rows(id, 500, T0)).join();
            assertEquals(range(0, id + 500), readIds(t));
        }
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            // The refused batch was refused before its WAL append: a replay does not bring it back.
            assertEquals(range(0, lastId[0] + 500), readIds(engine.tableOrThrow("events")), "after restart");
        }
    }

    @Test
    void failedFsyncFailsTheIngestAndTheTableRecovers() throws Exception {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade(new DefaultFilesFacade(1000));
        StorageConfig cfg = smallConfig().durability(Durability.FSYNC);
        try (StorageEngine engine = StorageEngine.open(dir, cfg, fs)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append("ok1", rows(0, 10, T0)).join();
            var rule = fs.rule(Op.FORCE).onFiles("wal-.*").nth(1).fail("EIO injected");
            CompletionException failed = assertThrows(CompletionException.class, () -> t.append("bad", rows(10, 10, T0)).join());
            assertTrue(failed.getCause() instanceof StorageException, failed.toString());
            assertEquals(1, rule.fired());
            rule.remove();
            assertEquals(range(0, 10), readIds(t), "a batch whose fsync failed is not visible");
            t.append("bad", rows(10, 10, T0)).join(); // the client's retry
            t.append("ok2", rows(20, 10, T0)).join();
            assertEquals(range(0, 30), readIds(t));
            engine.close(false);
        }
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            assertEquals(range(0, 30), readIds(engine.tableOrThrow("events")), "exactly once after restart");
        }
    }

    /**
     * A merge of several segments can take seconds under load; a flush must not wait for it, or the
     * active memtable grows past its limit and writes are refused. Here the merge's first segment
     * write is held until the test lets it go, and a flush must finish meanwhile; then both publish
     * and every row is there, before and after a restart.
     */
    @Test
    void flushDoesNotWaitForARunningCompaction() throws Exception {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade(new DefaultFilesFacade(1000));
        StorageConfig cfg = smallConfig().compactionEnabled(true).compactionMinSegments(3).compactionSmallSegmentRows(1_000_000);
        // Own threads: the common pool may have a single worker on a small machine.
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (StorageEngine engine = StorageEngine.open(dir, cfg, fs)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            for (int i = 0; i < 3; i++) {
                t.append("s" + i, rows(i * 100L, 100, T0)).join();
                t.flush();
            }
            java.util.concurrent.CountDownLatch merging = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            fs.rule(Op.WRITE).onFiles("seg-.*").nth(1).run(() -> {
                merging.countDown();
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            });
            java.util.concurrent.CompletableFuture<Integer> compaction = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return t.compact();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, threads);
            assertTrue(merging.await(10, java.util.concurrent.TimeUnit.SECONDS), "the merge started writing");
            t.append("during", rows(300, 100, T0)).join();
            java.util.concurrent.CompletableFuture<Long> flush = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return t.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, threads);
            try {
                assertEquals(100L, flush.get(10, java.util.concurrent.TimeUnit.SECONDS), "the flush finished while the merge was held");
            } finally {
                release.countDown();
            }
            assertEquals(3, compaction.get(30, java.util.concurrent.TimeUnit.SECONDS), "the merge replaced its three inputs");
            assertEquals(range(0, 400), readIds(t));
            assertEquals(2, t.segments().size(), "the merged segment and the one flushed during the merge");
        } finally {
            threads.shutdownNow();
        }
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.tableOrThrow("events");
            assertEquals(range(0, 400), readIds(t), "after restart");
            assertEquals(2, t.segments().size());
        }
    }

    @Test
    void fullDiskFailsIngestClearlyAndWritesResumeWhenSpaceIsBack() throws Exception {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade(new DefaultFilesFacade(1000));
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig(), fs)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append("a", rows(0, 10, T0)).join();
            fs.setDiskFull(true);
            Exception e = assertThrows(Exception.class, () -> t.append("b", rows(10, 10, T0)).join());
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            assertTrue(cause.getMessage().contains("No space left"), cause.getMessage());
            assertThrows(Exception.class, t::flush, "a flush cannot write segments on a full disk");
            fs.setDiskFull(false);
            t.append("b", rows(10, 10, T0)).join();
            t.flush();
            assertEquals(range(0, 20), readIds(t));
        }
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            assertEquals(range(0, 20), readIds(engine.tableOrThrow("events")));
        }
    }

    @Test
    void openFileLimitIsEnforcedWithAClearError() throws Exception {
        StorageConfig cfg = smallConfig().maxOpenFiles(3);
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            engine.createTable(TableSchema.of("t1", "ts", COLUMNS));
            Exception e = assertThrows(Exception.class, () -> {
                for (int i = 2; i < 10; i++) {
                    engine.createTable(TableSchema.of("t" + i, "ts", COLUMNS));
                }
            });
            assertTrue(e.getMessage().contains("open file limit"), e.getMessage());
            assertEquals(range(0, 0), readIds(engine.tableOrThrow("t1")));
        }
    }

    @Test
    void corruptSegmentBlockFailsOnlyItsReadsAndNamesFileColumnAndBlock() throws Exception {
        Path segFile;
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(0, 1280, T0)).join();
            t.flush();
            segFile = dir.resolve("tables/events").resolve(t.segments().get(0).path());
        }
        // Corrupt the middle of the file: some block of some column.
        byte[] bytes = Files.readAllBytes(segFile);
        bytes[bytes.length / 3] ^= 0x5A;
        Files.write(segFile, bytes);
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.tableOrThrow("events");
            StorageException e = assertThrows(StorageException.class, () -> readIds(t));
            assertEquals(StorageException.Kind.CORRUPT, e.kind());
            assertTrue(e.getMessage().contains("file=") && e.getMessage().contains("column=") && e.getMessage().contains("block="),
                    e.getMessage());
            t.append(null, rows(5000, 10, T0 + DAY)).join(); // the table still takes writes
            assertEquals(10, t.rowCount() - 1280);
        }
    }

    @Test
    void segmentMaxRowsCutsAFlushIntoSeveralSegments() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig().segmentMaxRows(300))) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(0, 1000, T0)).join();
            t.flush();
            List<SegmentInfo> segs = t.segments();
            assertEquals(4, segs.size(), segs.toString());
            assertEquals(List.of(300L, 300L, 300L, 100L), segs.stream().map(SegmentInfo::rows).toList());
            assertEquals(range(0, 1000), readIds(t));
        }
    }

    @Test
    void walSizeLimitRejectsWritesUntilAFlushFreesIt() throws Exception {
        StorageConfig cfg = smallConfig().walMaxRecordBytes(64 * 1024).walMaxBytes(256 * 1024).walFileBytes(64 * 1024)
                .memtableFlushBytes(1L << 40);
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            long id = 0;
            StorageException full = null;
            while (full == null && id < 1_000_000) {
                try {
                    t.append(null, rows(id, 200, T0)).join();
                    id += 200;
                } catch (StorageException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "the WAL limit never triggered");
            assertEquals(StorageException.Kind.RESOURCE_EXHAUSTED, full.kind(), full.getMessage());
            assertTrue(full.getMessage().contains("limit="), full.getMessage());
            StorageException tooBig = assertThrows(StorageException.class, () -> t.append(null, rows(0, 5000, T0)));
            assertEquals(StorageException.Kind.INVALID_INPUT, tooBig.kind(), tooBig.getMessage());
            t.flush(); // the flush checkpoints the WAL and deletes its files
            assertTrue(t.walBytes() < 64 * 1024, "WAL not truncated after flush: " + t.walBytes());
            t.append(null, rows(id, 200, T0)).join();
            assertEquals(range(0, id + 200), readIds(t));
        }
    }

    /** Deletes rows whose id is in [from, to) or divisible by {@code every}. */
    private static long deleteIds(Table t, long from, long to, long every) throws Exception {
        return t.delete(new int[]{1}, ScanPredicate.ALL, (rows, matches) -> {
            for (int r = 0; r < rows.rowCount(); r++) {
                long id = rows.column(0).getLong(r);
                matches[r] = (id >= from && id < to) || (every > 0 && id % every == 0);
            }
        });
    }

    @Test
    void deletesHideRowsAtOnceSurviveRestartAndCompactionDropsThem() throws Exception {
        StorageConfig cfg = smallConfig().compactionEnabled(true).compactionMinSegments(100);
        List<Long> expected = new ArrayList<>();
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(0, 1000, T0)).join();
            t.flush();
            t.append(null, rows(1000, 500, T0 + DAY)).join(); // still in the memtable: DELETE flushes it first
            // ids 100..299 and every 4th: over a fifth of each segment, so compaction rewrites both
            long deleted = 0;
            for (long id = 0; id < 1500; id++) {
                if ((id >= 100 && id < 300) || id % 4 == 0) {
                    deleted++;
                } else {
                    expected.add(id);
                }
            }
            assertEquals(deleted, deleteIds(t, 100, 300, 4));
            assertEquals(expected, readIds(t));
            assertEquals(0, deleteIds(t, 100, 300, 0), "deleting deleted rows again deletes nothing");
            try (TableScan scan = t.openScan()) {
                assertEquals(expected.size(), scan.rowCount());
                for (ScanSplit split : scan.splits()) {
                    assertNull(split.columnStats(1), "stats of a segment with deletes are not exact any more");
                }
            }
        }
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.tableOrThrow("events");
            assertEquals(expected, readIds(t), "deletes survive a restart");
            long before = t.segments().stream().mapToLong(SegmentInfo::rows).sum();
            assertEquals(expected.size(), before);
            while (t.compact() > 0) {
                // rewrite every segment that is at least a fifth deleted
            }
            assertEquals(expected, readIds(t));
            try (TableScan scan = t.openScan()) {
                for (ScanSplit split : scan.splits()) {
                    assertTrue(split.columnStats(1) != null, "a rewritten segment has exact stats again: " + split.describe());
                }
            }
            try (var files = Files.walk(dir.resolve("tables/events"))) {
                assertEquals(0, files.filter(p -> p.getFileName().toString().contains(".del-")).count(),
                        "delete vector files are removed with their segments");
            }
        }
    }

    @Test
    void intervalIsAQueryTypeOnlyAndNoTableStoresIt() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            List<ColumnDef> withInterval = new java.util.ArrayList<>(COLUMNS);
            withInterval.add(new ColumnDef("age", ColumnType.INTERVAL));
            StorageException e = assertThrows(StorageException.class, () -> engine.createTable(TableSchema.of("ages", "ts", withInterval)));
            assertEquals(StorageException.Kind.INVALID_INPUT, e.kind());
            assertTrue(e.getMessage().contains("column=age") && e.getMessage().contains("INTERVAL"), e.getMessage());
            assertTrue(engine.table("ages").isEmpty());
            assertFalse(Files.exists(dir.resolve("tables/ages")));
        }
    }

    @Test
    void dropTableRemovesFilesAndNameCanBeReused() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, smallConfig())) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(0, 10, T0)).join();
            t.flush();
            StorageException dup = assertThrows(StorageException.class, () -> engine.createTable(TableSchema.of("EVENTS", "ts", COLUMNS)));
            assertEquals(StorageException.Kind.ALREADY_EXISTS, dup.kind());
            engine.dropTable("events");
            assertFalse(Files.exists(dir.resolve("tables/events")));
            assertTrue(engine.table("events").isEmpty());
            StorageException gone = assertThrows(StorageException.class, () -> engine.dropTable("events"));
            assertEquals(StorageException.Kind.NOT_FOUND, gone.kind());
            Table again = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            assertEquals(0, again.rowCount());
        }
    }
}
