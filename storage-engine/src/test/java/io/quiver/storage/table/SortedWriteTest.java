package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flush and compaction write rows in the table's order (time partition, then the sort key, NULLs
 * first) while holding only a block at a time: out-of-order rows gathered from the memtable,
 * in-order rows streamed, and overlapping segments merged. Checked on random data against the
 * order and the multiset of rows written.
 */
class SortedWriteTest {
    private static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("k", ColumnType.VARCHAR),
            new ColumnDef("id", ColumnType.BIGINT),
            new ColumnDef("x", ColumnType.DOUBLE));
    private static final long DAY = 86_400_000_000L;
    private static final long T0 = 1_763_856_000_000_000L; // 2025-11-23T00:00Z

    @TempDir
    Path dir;

    private static TableSchema schema() {
        return new TableSchema("events", COLUMNS, "ts", List.of("k", "ts"), PartitionBy.DAY, 1);
    }

    /** A row: ts, k (null allowed), id, x; id identifies it. */
    private record Row(long ts, String k, long id, Double x) {
        String describe() {
            return id + "|" + ts + "|" + k + "|" + x;
        }
    }

    private static List<Row> randomRows(Random rnd, long firstId, int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = T0 + (long) (rnd.nextDouble() * 3 * DAY);
            String k = rnd.nextInt(8) == 0 ? null : "key-" + rnd.nextInt(25) + "é".repeat(rnd.nextInt(2));
            rows.add(new Row(ts, k, firstId + i, rnd.nextInt(6) == 0 ? null : rnd.nextGaussian()));
        }
        return rows;
    }

    private static RowBatch batch(List<Row> rows) {
        RowBatch b = new RowBatch(COLUMNS, rows.size());
        for (Row r : rows) {
            b.column(0).appendLong(r.ts());
            if (r.k() == null) {
                b.column(1).appendNull();
            } else {
                b.column(1).appendString(r.k());
            }
            b.column(2).appendLong(r.id());
            if (r.x() == null) {
                b.column(3).appendNull();
            } else {
                b.column(3).appendDouble(r.x());
            }
        }
        b.syncRowCount();
        return b;
    }

    /**
     * Reads every split, checks each is in table order within one partition, and returns the rows
     * by id.
     */
    private static TreeMap<Long, String> readChecked(Table t, String context) {
        TreeMap<Long, String> out = new TreeMap<>();
        try (TableScan scan = t.openScan()) {
            for (ScanSplit split : scan.splits()) {
                RowBatch b = new RowBatch(COLUMNS, 256);
                long partition = Long.MIN_VALUE;
                byte[] prevKey = null;
                boolean prevNull = false;
                long prevTs = Long.MIN_VALUE;
                boolean first = true;
                boolean segment = split.getClass() == SegmentSplit.class;
                try (ScanCursor c = split.open(new int[] {0, 1, 2, 3}, ScanPredicate.ALL)) {
                    while (c.next(b)) {
                        for (int r = 0; r < b.rowCount(); r++) {
                            long ts = b.column(0).getLong(r);
                            boolean kNull = b.column(1).isNull(r);
                            byte[] key = kNull ? null : b.column(1).getString(r).getBytes(StandardCharsets.UTF_8);
                            long id = b.column(2).getLong(r);
                            Row row = new Row(ts, kNull ? null : b.column(1).getString(r), id,
                                    b.column(3).isNull(r) ? null : b.column(3).getDouble(r));
                            if (segment) {
                                long p = PartitionBy.DAY.partitionStart(ts);
                                if (!first) {
                                    assertEquals(partition, p, "a segment holds one partition " + context);
                                    int cmp = prevNull || kNull ? Boolean.compare(!prevNull, !kNull) : Arrays.compareUnsigned(prevKey, key);
                                    assertTrue(cmp < 0 || (cmp == 0 && prevTs <= ts),
                                            "segment rows out of (k, ts) order at id " + id + ' ' + context);
                                }
                                first = false;
                                partition = p;
                                prevKey = key;
                                prevNull = kNull;
                                prevTs = ts;
                            }
                            String previous = out.put(id, row.describe());
                            assertEquals(null, previous, "id " + id + " read twice " + context);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static TreeMap<Long, String> expected(List<Row> rows) {
        TreeMap<Long, String> out = new TreeMap<>();
        for (Row r : rows) {
            out.put(r.id(), r.describe());
        }
        return out;
    }

    @Test
    void flushAndCompactionKeepOrderAndEveryRow() throws Exception {
        long seed = 20_261_123;
        Random rnd = new Random(seed);
        StorageConfig cfg = new StorageConfig().segmentBlockRows(64).segmentMaxRows(700).compactionEnabled(true)
                .compactionMinSegments(3).compactionSmallSegmentRows(100_000).backgroundIntervalMs(3_600_000);
        List<Row> written = new ArrayList<>();
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(schema());
            long nextId = 0;
            for (int flush = 0; flush < 7; flush++) {
                List<Row> rows = randomRows(rnd, nextId, 200 + rnd.nextInt(900));
                if (flush == 3) {
                    // One memtable already in table order: the flush streams it without sorting.
                    rows.sort((a, b) -> {
                        int c = Long.compare(PartitionBy.DAY.partitionStart(a.ts()), PartitionBy.DAY.partitionStart(b.ts()));
                        if (c == 0) {
                            c = a.k() == null || b.k() == null ? Boolean.compare(a.k() != null, b.k() != null)
                                    : Arrays.compareUnsigned(a.k().getBytes(StandardCharsets.UTF_8), b.k().getBytes(StandardCharsets.UTF_8));
                        }
                        return c != 0 ? c : Long.compare(a.ts(), b.ts());
                    });
                }
                nextId += rows.size();
                for (int from = 0; from < rows.size(); from += 250) { // several appends per memtable
                    t.append(null, batch(rows.subList(from, Math.min(rows.size(), from + 250)))).join();
                }
                written.addAll(rows);
                t.flush();
                assertEquals(expected(written), readChecked(t, "after flush " + flush + " seed " + seed));
            }
            int segmentsBefore = t.segments().size();
            int merged = 0;
            for (int n; (n = t.compact()) > 0; ) {
                merged += n;
                assertEquals(expected(written), readChecked(t, "after a compaction, seed " + seed));
            }
            assertTrue(merged >= 3, "compaction ran [merged=" + merged + ", segments before=" + segmentsBefore + ']');
            assertTrue(t.segments().size() < segmentsBefore, "fewer segments after compaction");
            for (SegmentInfo s : t.segments()) {
                assertTrue(s.rows() <= 700, "segment max rows holds after a merge: " + s);
            }
        }
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            assertEquals(expected(written), readChecked(engine.tableOrThrow("events"), "after restart, seed " + seed));
        }
    }

    /**
     * The default sort key (the timestamp alone) with concurrent writers: each writer's batches in
     * time order, interleaved in arrival. Blocks whose rows lie close together are gathered from a
     * bulk read of their neighbourhood, the others (a writer far behind the rest) row by row; both
     * must write every row, NULLs and strings included, in timestamp order.
     */
    @Test
    void interleavedWritersFlushInTimestampOrder() throws Exception {
        Random rnd = new Random(77);
        StorageConfig cfg = new StorageConfig().segmentBlockRows(64).segmentMaxRows(100_000).compactionEnabled(false)
                .backgroundIntervalMs(3_600_000);
        TableSchema schema = new TableSchema("events", COLUMNS, "ts", List.of(), PartitionBy.DAY, 1);
        List<Row> written = new ArrayList<>();
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(schema);
            long nextId = 0;
            for (int round = 0; round < 3; round++) {
                int writers = 2 + round;
                long[] clock = new long[writers];
                for (int w = 0; w < writers; w++) {
                    // round 2: the last writer runs far behind the others (its rows sort to the front)
                    clock[w] = T0 + (round == 2 && w == writers - 1 ? -DAY / 2 : 0);
                }
                for (int b = 0; b < 40; b++) {
                    int w = b % writers;
                    int n = 20 + rnd.nextInt(60);
                    List<Row> rows = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        clock[w] += rnd.nextInt(3) * 1_000L; // equal timestamps within and across writers
                        String k = rnd.nextInt(6) == 0 ? null : "w" + w + "-" + "é".repeat(rnd.nextInt(3)) + rnd.nextInt(1000);
                        rows.add(new Row(clock[w], k, nextId++, rnd.nextInt(5) == 0 ? null : rnd.nextGaussian()));
                    }
                    t.append(null, batch(rows)).join();
                    written.addAll(rows);
                }
                t.flush();
                TreeMap<Long, String> read = new TreeMap<>();
                try (TableScan scan = t.openScan()) {
                    for (ScanSplit split : scan.splits()) {
                        RowBatch b = new RowBatch(COLUMNS, 256);
                        long prevTs = Long.MIN_VALUE;
                        try (ScanCursor c = split.open(new int[] {0, 1, 2, 3}, ScanPredicate.ALL)) {
                            while (c.next(b)) {
                                for (int r = 0; r < b.rowCount(); r++) {
                                    long ts = b.column(0).getLong(r);
                                    assertTrue(ts >= prevTs, "segment rows out of timestamp order, round " + round);
                                    prevTs = ts;
                                    Row row = new Row(ts, b.column(1).isNull(r) ? null : b.column(1).getString(r), b.column(2).getLong(r),
                                            b.column(3).isNull(r) ? null : b.column(3).getDouble(r));
                                    assertEquals(null, read.put(row.id(), row.describe()), "row read twice");
                                }
                            }
                        }
                    }
                }
                assertEquals(expected(written), read, "round " + round);
            }
        }
    }
}
