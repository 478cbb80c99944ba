package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.BlockCursor;
import io.quiver.storage.scan.LongBlockSummary;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Range filters and block summaries computed on encoded blocks (zone maps, packed FOR values,
 * CONSTANT blocks, and the decoding fallback for the other encodings) agree with the decoded values,
 * row for row, over every encoding the writer picks, with and without NULLs.
 */
class EncodedBlockKernelsTest {
    static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("flag", ColumnType.BOOLEAN),     // FOR width 1, NULLs in some blocks
            new ColumnDef("status", ColumnType.SMALLINT),  // FOR width ~9, mostly one value, NULLs
            new ColumnDef("wide", ColumnType.BIGINT),      // FOR width 50
            new ColumnDef("konst", ColumnType.INT),        // CONSTANT per block
            new ColumnDef("seq", ColumnType.BIGINT),       // DELTA
            new ColumnDef("rnd", ColumnType.BIGINT),       // PLAIN
            new ColumnDef("sparse", ColumnType.INT),       // 94% NULL, all-NULL blocks, negative values
            new ColumnDef("width56", ColumnType.BIGINT),   // FOR at the kernels' widest
            new ColumnDef("width60", ColumnType.BIGINT),   // FOR wider than the kernels take
            new ColumnDef("small", ColumnType.INT),        // FOR width 5, NULLs
            new ColumnDef("octet", ColumnType.INT),        // FOR width 8
            new ColumnDef("mid", ColumnType.INT));         // FOR width 20
    static final int ROWS = 3000;
    static final int BLOCK = 256;
    static final long T0 = 1_763_856_000_000_000L;

    @TempDir
    Path dir;

    private static RowBatch rows(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        RowBatch b = new RowBatch(COLUMNS, ROWS);
        for (int i = 0; i < ROWS; i++) {
            int block = i / BLOCK;
            b.column(0).appendLong(T0 + i * 1000L);
            if (block % 3 == 1 && r.nextInt(7) == 0) {
                b.column(1).appendNull();
            } else {
                b.column(1).appendLong(block == 2 ? 0 : r.nextInt(10) == 0 ? 1 : 0);
            }
            if (block % 2 == 0 && r.nextInt(11) == 0) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendLong(r.nextInt(10) < 8 ? 200 : 100 + r.nextInt(404));
            }
            b.column(3).appendLong((1L << 49) + r.nextLong(1L << 49));
            b.column(4).appendLong(block * 7 - 20);
            b.column(5).appendLong(i * 3L);
            b.column(6).appendLong(r.nextLong());
            if (block == 5 || r.nextInt(100) < 94) {
                b.column(7).appendNull();
            } else {
                b.column(7).appendLong(r.nextInt(2001) - 1000);
            }
            b.column(8).appendLong(-(1L << 55) + r.nextLong(1L << 56));
            b.column(9).appendLong(r.nextLong(1L << 60));
            if (r.nextInt(5) == 0) {
                b.column(10).appendNull();
            } else {
                b.column(10).appendLong(r.nextInt(31) - 3);
            }
            b.column(11).appendLong(i % 256 == 7 ? 0 : i % 256 == 9 ? 255 : r.nextInt(256));
            b.column(12).appendLong(r.nextInt(1 << 20));
        }
        b.syncRowCount();
        return b;
    }

    private static long[][] ranges(SplittableRandom r, ColumnVector v, int rows) {
        long[][] out = new long[24][];
        for (int k = 0; k < out.length; k++) {
            long a = v.longs[r.nextInt(rows)];
            long b = v.longs[r.nextInt(rows)];
            long lo = Math.min(a, b);
            long hi = Math.max(a, b);
            out[k] = switch (k % 8) {
                case 0 -> new long[] {a, a};
                case 1 -> new long[] {lo, hi};
                case 2 -> new long[] {Long.MIN_VALUE, a};
                case 3 -> new long[] {a, Long.MAX_VALUE};
                case 4 -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
                case 5 -> new long[] {hi + 1, hi + 1 + r.nextInt(3)};
                case 6 -> new long[] {1, 0}; // empty
                default -> new long[] {0, 0};
            };
        }
        return out;
    }

    @Test
    void rangeFiltersAndSummariesMatchTheDecodedValues() throws Exception {
        long seed = 20261205;
        StorageConfig cfg = new StorageConfig().segmentBlockRows(BLOCK).compactionEnabled(false).backgroundIntervalMs(3_600_000);
        try (StorageEngine engine = StorageEngine.open(dir, cfg)) {
            Table t = engine.createTable(TableSchema.of("events", "ts", COLUMNS));
            t.append(null, rows(seed)).join();
            t.flush();
            int[] cols = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            SplittableRandom r = new SplittableRandom(seed);
            int summedBlocks = 0;
            int fullBlocks = 0;
            try (TableScan scan = t.openScan()) {
                assertEquals(1, scan.splits().size());
                try (BlockCursor c = scan.splits().get(0).openBlocks(cols, ScanPredicate.ALL)) {
                    LongBlockSummary s = new LongBlockSummary();
                    long[] mask = new long[(BLOCK + 63) / 64];
                    int rows;
                    int block = 0;
                    while ((rows = c.nextBlock()) >= 0) {
                        fullBlocks += rows == BLOCK ? 1 : 0;
                        for (int j = 0; j < cols.length; j++) {
                            ColumnDef def = COLUMNS.get(cols[j]);
                            ColumnVector v = new ColumnVector(def.type(), rows);
                            c.read(j, v);
                            String where = "seed " + seed + ", column " + def.name() + ", block " + block;
                            for (long[] range : ranges(r, v, rows)) {
                                for (boolean negate : new boolean[] {false, true}) {
                                    int words = (rows + 63) >>> 6;
                                    java.util.Arrays.fill(mask, -1L);
                                    if ((rows & 63) != 0) {
                                        mask[words - 1] = (1L << (rows & 63)) - 1;
                                    }
                                    // a row another conjunct already dropped stays dropped
                                    mask[0] &= ~0b1010L;
                                    c.filterRange(j, range[0], range[1], negate, mask);
                                    for (int row = 0; row < rows; row++) {
                                        long x = v.longs[row];
                                        boolean expected = !v.nulls[row] && ((x >= range[0] && x <= range[1]) != negate)
                                                && row != 1 && row != 3;
                                        boolean got = ((mask[row >>> 6] >>> (row & 63)) & 1) != 0;
                                        assertEquals(expected, got, where + ", row " + row + ", range [" + range[0] + ", " + range[1]
                                                + "], negate " + negate + ", value " + (v.nulls[row] ? "NULL" : x));
                                    }
                                    for (int row = rows; row < words * 64; row++) {
                                        assertEquals(0, (mask[row >>> 6] >>> (row & 63)) & 1, where + ": bits past the block stay clear");
                                    }
                                }
                            }
                            long nonNull = 0;
                            long min = Long.MAX_VALUE;
                            long max = Long.MIN_VALUE;
                            java.math.BigInteger sum = java.math.BigInteger.ZERO;
                            for (int row = 0; row < rows; row++) {
                                if (!v.nulls[row]) {
                                    nonNull++;
                                    min = Math.min(min, v.longs[row]);
                                    max = Math.max(max, v.longs[row]);
                                    sum = sum.add(java.math.BigInteger.valueOf(v.longs[row]));
                                }
                            }
                            assertTrue(c.summarize(j, false, s), where + ": count and bounds come from the zone map");
                            assertEquals(nonNull, s.nonNullCount, where);
                            if (nonNull > 0) {
                                assertEquals(min, s.min, where);
                                assertEquals(max, s.max, where);
                            }
                            if (c.summarize(j, true, s)) {
                                assertTrue(s.hasSum, where);
                                assertEquals(sum.longValueExact(), s.sum, where);
                                summedBlocks++;
                            }
                            boolean packedOrConstant = def.name().equals("flag") || def.name().equals("status")
                                    || def.name().equals("wide") || def.name().equals("konst") || def.name().equals("sparse")
                                    || def.name().equals("small") || def.name().equals("octet") || def.name().equals("mid");
                            if (packedOrConstant) {
                                assertTrue(c.summarize(j, true, s), where + ": FOR and CONSTANT blocks sum without decoding");
                            }
                        }
                        block++;
                    }
                }
            }
            assertEquals(ROWS / BLOCK, fullBlocks);
            assertTrue(summedBlocks >= 5 * (ROWS / BLOCK), "sums from packed blocks: " + summedBlocks);
        }
    }
}
