package io.quiver.storage.segment;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.quiver.storage.segment.SegmentFixtures.FS;
import static io.quiver.storage.segment.SegmentFixtures.col;
import static io.quiver.storage.segment.SegmentFixtures.readColumn;
import static io.quiver.storage.segment.SegmentFixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentRoundTripTest {
    @TempDir
    Path dir;

    private static final List<ColumnDef> ALL_TYPES = List.of(
            col("flag", ColumnType.BOOLEAN), col("small", ColumnType.SMALLINT), col("i", ColumnType.INT),
            col("big", ColumnType.BIGINT), col("price", ColumnType.DOUBLE), col("day", ColumnType.DATE),
            col("ts", ColumnType.TIMESTAMP), col("name", ColumnType.VARCHAR));

    /** Every type, with nulls, an all-null block, a partial last block, written in odd-sized batches. */
    @Test
    void everyTypeRoundTripsWithNullsAcrossBlocks() throws Exception {
        int rows = 1000;
        int blockRows = 128; // 7 full blocks + a partial one of 104 rows
        List<List<Object>> values = new ArrayList<>();
        for (int c = 0; c < ALL_TYPES.size(); c++) {
            values.add(new ArrayList<>());
        }
        for (int r = 0; r < rows; r++) {
            boolean allNullBlock = r >= 256 && r < 384; // block 2 is entirely null in every column
            boolean isNull = allNullBlock || r % 7 == 3;
            values.get(0).add(isNull ? null : r % 3 == 0);
            values.get(1).add(isNull ? null : (long) (short) (r * 37));
            values.get(2).add(isNull ? null : (long) (r * 100_003));
            values.get(3).add(isNull ? null : r * 1_000_000_007L - 5);
            values.get(4).add(isNull ? null : r * 0.25 - 3);
            values.get(5).add(isNull ? null : (long) (19_000 + r / 10));
            values.get(6).add(isNull ? null : 1_700_000_000_000_000L + r * 1000L);
            values.get(7).add(isNull ? null : r % 5 == 0 ? "" : "név-" + (r % 13) + "-日本");
        }
        Path file = dir.resolve("all.seg");
        write(file, ALL_TYPES, values, blockRows, 77);
        assertFalse(Files.exists(dir.resolve("all.seg.tmp")), "temp file left behind");

        SegmentReader r = SegmentReader.open(FS, file);
        try {
            assertEquals(rows, r.rowCount());
            assertEquals(ALL_TYPES, r.columns());
            assertEquals(8, r.blockCount());
            assertEquals(128, r.blockRowCount(0));
            assertEquals(104, r.blockRowCount(7));
            assertEquals(896, r.blockFirstRow(7));
            assertEquals(SegmentFixtures.meta(), r.meta());
            assertEquals("42", r.meta().property("walSeq"));
            assertEquals(Files.size(file), r.sizeBytes());
            assertEquals(file, r.file());
            assertEquals(3, r.columnIndex("BIG"));
            assertEquals(-1, r.columnIndex("added_later"));
            BlockDecoder scratch = new BlockDecoder();
            for (int c = 0; c < ALL_TYPES.size(); c++) {
                assertEquals(values.get(c).size(), rows);
                List<Object> got = readColumn(r, c, scratch);
                assertEquals(values.get(c), got, "column " + ALL_TYPES.get(c).name());
            }
            // the all-null block: every column says so in its zone map
            for (int c = 0; c < ALL_TYPES.size(); c++) {
                ZoneMap z = r.zoneMap(c, 2);
                assertEquals(128, z.nullCount(), "column " + c);
                assertFalse(z.hasBounds());
            }
        } finally {
            r.release();
        }
    }

    @Test
    void nullSlotsHoldNeutralValues() {
        List<ColumnDef> cols = List.of(col("a", ColumnType.BIGINT), col("d", ColumnType.DOUBLE), col("s", ColumnType.VARCHAR));
        List<List<Object>> values = List.of(
                Arrays.asList(5L, null, 7L, null),
                Arrays.asList(1.5, null, 2.5, null),
                Arrays.asList("x", null, "yy", null));
        Path file = dir.resolve("n.seg");
        write(file, cols, values, 8192, 100);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            BlockDecoder scratch = new BlockDecoder();
            ColumnVector a = new ColumnVector(ColumnType.BIGINT, 4);
            r.readBlock(0, 0, a, scratch);
            assertTrue(a.hasNulls);
            assertArrayEquals(new long[]{5, 0, 7, 0}, Arrays.copyOf(a.longs, 4));
            assertArrayEquals(new boolean[]{false, true, false, true}, Arrays.copyOf(a.nulls, 4));
            ColumnVector d = new ColumnVector(ColumnType.DOUBLE, 4);
            r.readBlock(1, 0, d, scratch);
            assertEquals(0.0, d.doubles[1]);
            ColumnVector s = new ColumnVector(ColumnType.VARCHAR, 4);
            r.readBlock(2, 0, s, scratch);
            assertEquals(0, s.stringLength(1));
            assertEquals(0, s.stringLength(3));
            assertEquals("yy", s.getString(2));
        } finally {
            r.release();
        }
    }

    @Test
    void mostlyNullDoublesStoreOnlyTheirValues() {
        List<ColumnDef> cols = List.of(col("sparse", ColumnType.DOUBLE), col("half", ColumnType.DOUBLE), col("third", ColumnType.DOUBLE),
                col("words", ColumnType.DOUBLE));
        double[] specials = {Double.NaN, -0.0, Double.POSITIVE_INFINITY, -Double.MAX_VALUE, Double.MIN_VALUE, 12.25};
        List<Object> sparse = new ArrayList<>();
        List<Object> half = new ArrayList<>();
        List<Object> third = new ArrayList<>();
        // whole 64-row words of values between words of NULLs, and a value in the last row of a short block's tail
        List<Object> words = new ArrayList<>();
        int rows = 2 * 8192 + 1000;
        for (int i = 0; i < rows; i++) {
            sparse.add(i % 17 == 3 ? specials[(i / 17) % specials.length] : null);
            half.add(i % 2 == 0 ? null : i * 0.5);
            third.add(i % 3 == 0 ? null : -i * 0.25);
            words.add((i / 64) % 3 == 1 || i == rows - 1 || i % 8192 == 0 ? i * 1.5 : null);
        }
        Path file = dir.resolve("sparse.seg");
        write(file, cols, List.of(sparse, half, third, words), 8192, 5000);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            BlockDecoder scratch = new BlockDecoder();
            assertEquals(sparse, readColumn(r, 0, scratch)); // Double.equals: NaN equals NaN, -0.0 differs from 0.0
            assertEquals(half, readColumn(r, 1, scratch));
            assertEquals(third, readColumn(r, 2, scratch));
            assertEquals(words, readColumn(r, 3, scratch));
            for (int b = 0; b < 3; b++) {
                assertEquals(Encoding.SPARSE, r.blockEncoding(3, b), "words: block " + b);
                assertEquals(Encoding.SPARSE, r.blockEncoding(0, b), "block " + b);
                assertEquals(Encoding.SPARSE, r.blockEncoding(1, b), "half NULL: block " + b);
                assertEquals(Encoding.PLAIN, r.blockEncoding(2, b), "a third NULL: block " + b);
            }
            ColumnVector d = new ColumnVector(ColumnType.DOUBLE, 8192);
            r.readBlock(0, 0, d, scratch);
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(d.doubles[3 + 17]), "-0.0 keeps its sign");
            assertEquals(0.0, d.doubles[4], "NULL rows read as 0.0");
            ZoneMap z = r.zoneMap(0, 0);
            assertTrue(z.hasNaN());
            assertEquals(-Double.MAX_VALUE, z.minDouble());
            assertEquals(Double.POSITIVE_INFINITY, z.maxDouble());
        } finally {
            r.release();
        }
    }

    /**
     * Null bitmaps expanded 64 rows per word (the Vector API path) and by the byte loop for a
     * block's tail: NULLs at every density, in runs across word boundaries, in blocks of row counts
     * that are and are not multiples of 64 and 8.
     */
    @Test
    void nullBitmapsOfEveryDensityAndBlockTailReadBack() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(64);
        List<ColumnDef> cols = List.of(col("x", ColumnType.BIGINT), col("d", ColumnType.DOUBLE));
        for (int blockRows : new int[] {8192, 1000, 67, 64}) {
            List<Object> xs = new ArrayList<>();
            List<Object> ds = new ArrayList<>();
            int rows = 3 * blockRows + blockRows / 3 + 5;
            for (int i = 0; i < rows; i++) {
                int percent = new int[] {0, 3, 50, 94, 100}[(i / 97) % 5];
                boolean run = (i / 64) % 7 == 3; // a whole word of NULLs now and then
                xs.add(run || random.nextInt(100) < percent ? null : (Object) (long) i);
                ds.add(run || random.nextInt(100) < percent ? null : (Object) (i * 0.5));
            }
            Path file = dir.resolve("nulls-" + blockRows + ".seg");
            write(file, cols, List.of(xs, ds), blockRows, 5000);
            SegmentReader r = SegmentReader.open(FS, file);
            try {
                BlockDecoder scratch = new BlockDecoder();
                assertEquals(xs, readColumn(r, 0, scratch), "block rows " + blockRows);
                assertEquals(ds, readColumn(r, 1, scratch), "block rows " + blockRows);
            } finally {
                r.release();
            }
        }
    }

    @Test
    void extremesSurvive() {
        List<ColumnDef> cols = List.of(col("a", ColumnType.BIGINT), col("d", ColumnType.DOUBLE));
        List<Object> longs = Arrays.asList(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, null);
        List<Object> doubles = Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                Double.MIN_VALUE, -Double.MAX_VALUE, null);
        Path file = dir.resolve("x.seg");
        write(file, cols, List.of(longs, doubles), 8192, 3);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            BlockDecoder scratch = new BlockDecoder();
            assertEquals(longs, readColumn(r, 0, scratch));
            List<Object> gotDoubles = readColumn(r, 1, scratch);
            assertEquals(doubles, gotDoubles); // Double.equals: NaN equals NaN, -0.0 differs from 0.0
            ColumnVector d = new ColumnVector(ColumnType.DOUBLE, 8);
            r.readBlock(1, 0, d, scratch);
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(d.doubles[3]));

            ZoneMap zl = r.zoneMap(0, 0);
            assertEquals(Long.MIN_VALUE, zl.minLong());
            assertEquals(Long.MAX_VALUE, zl.maxLong());
            assertEquals(1, zl.nullCount());
            ZoneMap zd = r.zoneMap(1, 0);
            assertTrue(zd.hasNaN());
            assertEquals(Double.NEGATIVE_INFINITY, zd.minDouble());
            assertEquals(Double.POSITIVE_INFINITY, zd.maxDouble());
            assertEquals(Encoding.PLAIN, r.blockEncoding(0, 0), "full 64-bit range gains nothing from packing");
        } finally {
            r.release();
        }
    }

    @Test
    void wrappingDeltasDecode() {
        // deltas that overflow a signed long still decode, because both sides wrap modulo 2^64
        List<Object> longs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            longs.add(i % 2 == 0 ? Long.MAX_VALUE - i : Long.MIN_VALUE + i);
        }
        Path file = dir.resolve("w.seg");
        write(file, List.of(col("a", ColumnType.BIGINT)), List.of(longs), 64, 50);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            assertEquals(longs, readColumn(r, 0, new BlockDecoder()));
        } finally {
            r.release();
        }
    }

    @Test
    void unicodeEmptyAndLongStrings() {
        String longText = "ünïcødé ".repeat(40); // > 64 bytes: zone map bound not stored
        List<Object> strings = Arrays.asList("", "a", "😀 emoji", "日本語テキスト", "", null, longText, "\u0000nul", "zzz");
        Path file = dir.resolve("s.seg");
        write(file, List.of(col("s", ColumnType.VARCHAR)), List.of(strings), 8192, 4);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            assertEquals(strings, readColumn(r, 0, new BlockDecoder()));
            ZoneMap z = r.zoneMap(0, 0);
            assertTrue(z.isMinKnown());
            assertEquals("", z.minString());
            // the largest value in UTF-8 byte order is the emoji string (0xF0 lead byte)
            assertEquals("😀 emoji", z.maxString());
            assertEquals(1, z.nullCount());
        } finally {
            r.release();
        }
    }

    @Test
    void varcharBoundTooLongIsUnknownNotWrong() {
        String big = "z".repeat(65);
        List<Object> strings = Arrays.asList("b", big, "a".repeat(70));
        Path file = dir.resolve("l.seg");
        write(file, List.of(col("s", ColumnType.VARCHAR)), List.of(strings), 8192, 10);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            ZoneMap z = r.zoneMap(0, 0);
            assertTrue(z.hasBounds());
            assertFalse(z.isMaxKnown());
            assertNull(z.maxString());
            assertFalse(z.isMinKnown(), "min 'aaa...' is 70 bytes");
            ZoneMap seg = r.columnZoneMap(0);
            assertFalse(seg.isMaxKnown());
            assertFalse(seg.isMinKnown());
        } finally {
            r.release();
        }
    }

    @Test
    void oneRowSegment() {
        Path file = dir.resolve("one.seg");
        write(file, List.of(col("ts", ColumnType.TIMESTAMP), col("s", ColumnType.VARCHAR)),
                List.of(List.of(123L), List.of("only")), 8192, 1);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            assertEquals(1, r.rowCount());
            assertEquals(1, r.blockCount());
            BlockDecoder scratch = new BlockDecoder();
            assertEquals(List.of(123L), readColumn(r, 0, scratch));
            assertEquals(List.of("only"), readColumn(r, 1, scratch));
            assertEquals(Encoding.CONSTANT, r.blockEncoding(0, 0));
            assertEquals(123L, r.columnZoneMap(0).minLong());
        } finally {
            r.release();
        }
    }

    @Test
    void emptySegmentIsValid() {
        Path file = dir.resolve("empty.seg");
        try (SegmentWriter w = SegmentWriter.create(FS, file, List.of(col("a", ColumnType.INT)), 8192, SegmentFixtures.meta())) {
            w.finish();
        }
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            assertEquals(0, r.rowCount());
            assertEquals(0, r.blockCount());
            assertFalse(r.columnZoneMap(0).hasBounds());
        } finally {
            r.release();
        }
    }

    @Test
    void encoderPicksTheEncodingTheDataCallsFor() {
        int n = 1024;
        List<Object> constant = new ArrayList<>();
        List<Object> counters = new ArrayList<>();
        List<Object> timestamps = new ArrayList<>();
        List<Object> random = new ArrayList<>();
        List<Object> lowCard = new ArrayList<>();
        List<Object> unique = new ArrayList<>();
        List<Object> doublesConst = new ArrayList<>();
        List<Object> doubles = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            constant.add(42L);
            counters.add(1_000_000L + rnd.nextInt(5000));
            timestamps.add(1_700_000_000_000_000L + i * 1_000_000L + rnd.nextInt(3));
            random.add(rnd.nextLong());
            lowCard.add(new String[]{"GET", "POST", "PUT"}[rnd.nextInt(3)]);
            unique.add("user-" + rnd.nextLong());
            doublesConst.add(2.5);
            doubles.add(rnd.nextDouble());
        }
        List<ColumnDef> cols = List.of(col("c", ColumnType.BIGINT), col("k", ColumnType.BIGINT), col("ts", ColumnType.TIMESTAMP),
                col("r", ColumnType.BIGINT), col("m", ColumnType.VARCHAR), col("u", ColumnType.VARCHAR),
                col("dc", ColumnType.DOUBLE), col("d", ColumnType.DOUBLE));
        List<List<Object>> values = List.of(constant, counters, timestamps, random, lowCard, unique, doublesConst, doubles);
        Path file = dir.resolve("enc.seg");
        write(file, cols, values, n, 1000);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            assertEquals(Encoding.CONSTANT, r.blockEncoding(0, 0));
            assertEquals(Encoding.FOR_BITPACK, r.blockEncoding(1, 0));
            assertEquals(Encoding.DELTA_BITPACK, r.blockEncoding(2, 0));
            assertEquals(Encoding.PLAIN, r.blockEncoding(3, 0));
            assertEquals(Encoding.DICTIONARY, r.blockEncoding(4, 0));
            assertEquals(Encoding.PLAIN, r.blockEncoding(5, 0));
            assertEquals(Encoding.CONSTANT, r.blockEncoding(6, 0));
            assertEquals(Encoding.PLAIN, r.blockEncoding(7, 0));
            // 13 bits per counter instead of 64
            assertTrue(r.blockDecodedLength(1, 0) < n * 2, "FOR size " + r.blockDecodedLength(1, 0));
            // random 64-bit values do not compress; "user-" prefixes do
            assertFalse(r.isBlockCompressed(3, 0));
            assertTrue(r.isBlockCompressed(5, 0));
            assertTrue(r.blockStoredLength(5, 0) < r.blockDecodedLength(5, 0) * 0.9);
            BlockDecoder scratch = new BlockDecoder();
            for (int c = 0; c < cols.size(); c++) {
                assertEquals(values.get(c), readColumn(r, c, scratch), "column " + cols.get(c).name());
            }
        } finally {
            r.release();
        }
    }

    @Test
    void dictionaryBlocksExposeSortedCodesAndDictionary() {
        List<Object> values = new ArrayList<>();
        String[] words = {"delta", "alpha", "charlie", "bravo"};
        for (int i = 0; i < 100; i++) {
            values.add(i % 10 == 9 ? null : words[i % 4]);
        }
        Path file = dir.resolve("dict.seg");
        write(file, List.of(col("w", ColumnType.VARCHAR)), List.of(values), 8192, 100);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            assertEquals(Encoding.DICTIONARY, r.blockEncoding(0, 0));
            ColumnVector v = new ColumnVector(ColumnType.VARCHAR, 100);
            BlockDecoder scratch = new BlockDecoder();
            r.readBlock(0, 0, v, scratch);
            assertEquals(4, v.dictionary.size());
            assertEquals(List.of("alpha", "bravo", "charlie", "delta"),
                    List.of(v.dictionary.getString(0), v.dictionary.getString(1), v.dictionary.getString(2), v.dictionary.getString(3)));
            for (int i = 0; i < 100; i++) {
                if (values.get(i) == null) {
                    assertEquals(-1, v.dictCodes[i]);
                    assertTrue(v.isNull(i));
                } else {
                    assertEquals(values.get(i), v.dictionary.getString(v.dictCodes[i]));
                    assertEquals(values.get(i), v.getString(i));
                }
            }
            // a second read into the same vector reuses its dictionary vector and code array
            ColumnVector dict = v.dictionary;
            int[] codes = v.dictCodes;
            r.readBlock(0, 0, v, scratch);
            assertTrue(dict == v.dictionary && codes == v.dictCodes);
        } finally {
            r.release();
        }
    }

    @Test
    void segmentZoneMapsAggregateBlocks() {
        List<Object> a = new ArrayList<>();
        List<Object> d = new ArrayList<>();
        List<Object> s = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            a.add(i == 5 ? null : (long) (i * 3 - 100));
            d.add(i == 250 ? (Object) Double.NaN : i == 7 ? null : (Object) (i / 2.0));
            s.add(i == 0 ? null : "k" + (1000 + i));
        }
        Path file = dir.resolve("z.seg");
        write(file, List.of(col("a", ColumnType.INT), col("d", ColumnType.DOUBLE), col("s", ColumnType.VARCHAR)),
                List.of(a, d, s), 100, 33);
        SegmentReader r = SegmentReader.open(FS, file);
        try {
            ZoneMap za = r.columnZoneMap(0);
            assertEquals(300, za.rowCount());
            assertEquals(1, za.nullCount());
            assertEquals(-100, za.minLong());
            assertEquals(299 * 3 - 100, za.maxLong());
            assertEquals(-100 + 300, r.zoneMap(0, 1).minLong());
            ZoneMap zd = r.columnZoneMap(1);
            assertTrue(zd.hasNaN());
            assertFalse(r.zoneMap(1, 0).hasNaN());
            assertTrue(r.zoneMap(1, 2).hasNaN());
            assertEquals(0.0, zd.minDouble());
            assertEquals(299 / 2.0, zd.maxDouble());
            ZoneMap zs = r.columnZoneMap(2);
            assertEquals("k1001", zs.minString());
            assertEquals("k1299", zs.maxString());
            assertEquals("k1200", r.zoneMap(2, 2).minString());
        } finally {
            r.release();
        }
    }
}
