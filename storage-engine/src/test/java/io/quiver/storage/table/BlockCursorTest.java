package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.BlockCursor;
import io.quiver.storage.scan.DictionaryRows;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Block-by-block reading (late materialisation) agrees with the eager cursor, value for value. */
class BlockCursorTest {
    static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("id", ColumnType.BIGINT),
            new ColumnDef("color", ColumnType.VARCHAR),   // few values: dictionary blocks
            new ColumnDef("note", ColumnType.VARCHAR));   // unique values: plain blocks
    static final long T0 = 1_763_856_000_000_000L;
    static final String[] COLORS = {"red", "green", "blue", "a-rather-long-colour-name-beyond-sixteen-bytes", ""};

    @TempDir
    Path dir;

    private static RowBatch rows(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        RowBatch b = new RowBatch(COLUMNS, count);
        for (int i = 0; i < count; i++) {
            b.column(0).appendLong(T0 + i * 1000L);
            b.column(1).appendLong(i);
            if (r.nextInt(9) == 0) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendString(COLORS[r.nextInt(COLORS.length)]);
            }
            b.column(3).appendString("note-" + i + "-" + r.nextInt(1_000_000));
        }
        b.syncRowCount();
        return b;
    }

    @Test
    void codesPlusSelectedStringsEqualTheEagerRead() throws Exception {
        long seed = 20261123;
        StorageConfig cfg = new StorageConfig().segmentBlockRows(256).compactionEnabled(false).backgroundIntervalMs(3_600_000);
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(seed, 2000)).join();
            t.flush();
            int[] cols = {1, 2, 3};
            try (TableScan scan = t.openScan()) {
                ScanSplit split = scan.splits().get(0);
                List<String> eager = new ArrayList<>();
                RowBatch b = new RowBatch(List.of(COLUMNS.get(1), COLUMNS.get(2), COLUMNS.get(3)), 256);
                try (ScanCursor c = split.open(cols, ScanPredicate.ALL)) {
                    while (c.next(b)) {
                        for (int r = 0; r < b.rowCount(); r++) {
                            eager.add(b.column(0).getLong(r) + "|" + b.column(1).getString(r) + "|" + b.column(2).getString(r));
                        }
                    }
                }
                assertEquals(2000, eager.size());

                List<String> late = new ArrayList<>();
                ColumnVector id = new ColumnVector(ColumnType.BIGINT, 256);
                ColumnVector color = new ColumnVector(ColumnType.VARCHAR, 256);
                ColumnVector note = new ColumnVector(ColumnType.VARCHAR, 256);
                int[] sel = new int[256];
                int dictionaryBlocks = 0;
                try (BlockCursor c = split.openBlocks(cols, ScanPredicate.ALL)) {
                    assertNotNull(c, "a segment without deletes reads block by block");
                    int rows;
                    while ((rows = c.nextBlock()) >= 0) {
                        c.readCodes(1, color);
                        assertEquals(rows, color.size());
                        if (color.dictCodes != null) {
                            dictionaryBlocks++;
                            assertEquals(0, color.byteSize(), "codes only: no strings written yet");
                        }
                        // keep every third row, as a filter would
                        int n = 0;
                        for (int r = 0; r < rows; r += 3) {
                            sel[n++] = r;
                        }
                        if (color.dictCodes != null) {
                            DictionaryRows.materializeSelected(color, rows, sel, n);
                        }
                        c.read(0, id);
                        c.readCodes(2, note);
                        assertNull(note.dictCodes, "unique strings are stored plain and decode in full");
                        for (int k = 0; k < n; k++) {
                            int r = sel[k];
                            late.add(id.getLong(r) + "|" + color.getString(r) + "|" + note.getString(r));
                        }
                    }
                    assertEquals(c.blocksRead(), 8);
                }
                assertTrue(dictionaryBlocks > 0, "the colour column must have dictionary blocks");
                List<String> everyThird = new ArrayList<>();
                for (String row : eager) {
                    if (Long.parseLong(row.substring(0, row.indexOf('|'))) % 256 % 3 == 0) {
                        everyThird.add(row);
                    }
                }
                assertEquals(everyThird, late, "seed " + seed);
            }
        }
    }

    @Test
    void zoneMapsSkipBlocksAndDeletedRowsFallBackToTheEagerCursor() throws Exception {
        StorageConfig cfg = new StorageConfig().segmentBlockRows(256).compactionEnabled(false).backgroundIntervalMs(3_600_000);
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(7, 2000)).join();
            t.flush();
            ScanPredicate late = ScanPredicate.of(List.of(new ScanPredicate.LongRange(1, 1900, Long.MAX_VALUE)));
            try (TableScan scan = t.openScan()) {
                try (BlockCursor c = scan.splits().get(0).openBlocks(new int[]{1}, late)) {
                    ColumnVector id = new ColumnVector(ColumnType.BIGINT, 256);
                    assertEquals(2000 - 7 * 256, c.nextBlock(), "only the last block may match");
                    c.read(0, id);
                    assertEquals(1792, id.getLong(0));
                    assertEquals(-1, c.nextBlock());
                    assertEquals(7, c.blocksSkipped());
                    assertEquals(1, c.blocksRead());
                }
            }
            t.append(null, rows(8, 10)).join();
            try (TableScan scan = t.openScan()) {
                assertNull(scan.splits().get(1).openBlocks(new int[]{1}, ScanPredicate.ALL), "a memtable has no blocks to defer");
            }
        }
    }

    /**
     * Cursors share their thread's block decoder: two open on one thread, read in turns over
     * different columns and segments (one of them handed to another thread half way), still give
     * every value of the eager read.
     */
    @Test
    void cursorsSharingAThreadsDecoderReadInTurns() throws Exception {
        StorageConfig cfg = new StorageConfig().segmentBlockRows(128).compactionEnabled(false).backgroundIntervalMs(3_600_000);
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(1, 1000)).join();
            t.flush();
            t.append(null, rows(2, 1000)).join();
            t.flush();
            try (TableScan scan = t.openScan()) {
                List<ScanSplit> splits = scan.splits();
                assertTrue(splits.size() >= 2, "two segments");
                List<String> alone = new ArrayList<>();
                List<String> together = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    try (ScanCursor c = splits.get(s).open(new int[] {3 - s}, ScanPredicate.ALL)) {
                        RowBatch b = new RowBatch(List.of(COLUMNS.get(3 - s)), 128);
                        while (c.next(b)) {
                            for (int r = 0; r < b.rowCount(); r++) {
                                alone.add(s + ":" + b.column(0).getString(r));
                            }
                        }
                    }
                }
                RowBatch[] batches = {new RowBatch(List.of(COLUMNS.get(3)), 128), new RowBatch(List.of(COLUMNS.get(2)), 128)};
                List<List<String>> seen = List.of(new ArrayList<>(), new ArrayList<>());
                try (ScanCursor a = splits.get(0).open(new int[] {3}, ScanPredicate.ALL);
                     ScanCursor b = splits.get(1).open(new int[] {2}, ScanPredicate.ALL)) {
                    ScanCursor[] cursors = {a, b};
                    boolean[] open = {true, true};
                    for (int turn = 0; open[0] || open[1]; turn++) {
                        int s = turn % 2;
                        if (!open[s]) {
                            continue;
                        }
                        ScanCursor c = cursors[s];
                        RowBatch batch = batches[s];
                        boolean more;
                        if (turn == 7) {
                            java.util.concurrent.CompletableFuture<Boolean> f =
                                    java.util.concurrent.CompletableFuture.supplyAsync(() -> c.next(batch));
                            more = f.get();
                        } else {
                            more = c.next(batch);
                        }
                        open[s] = more;
                        for (int r = 0; more && r < batch.rowCount(); r++) {
                            seen.get(s).add(s + ":" + batch.column(0).getString(r));
                        }
                    }
                }
                together.addAll(seen.get(0));
                together.addAll(seen.get(1));
                assertEquals(alone, together);
            }
        }
    }
}
