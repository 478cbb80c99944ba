package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.memory.NativeMemoryLeakCheck;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.quiver.storage.ColumnType.BIGINT;
import static io.quiver.storage.ColumnType.BOOLEAN;
import static io.quiver.storage.ColumnType.DATE;
import static io.quiver.storage.ColumnType.DOUBLE;
import static io.quiver.storage.ColumnType.INT;
import static io.quiver.storage.ColumnType.SMALLINT;
import static io.quiver.storage.ColumnType.TIMESTAMP;
import static io.quiver.storage.ColumnType.VARCHAR;
import static io.quiver.storage.memtable.TestRows.assertRows;
import static io.quiver.storage.memtable.TestRows.batch;
import static io.quiver.storage.memtable.TestRows.columns;
import static io.quiver.storage.memtable.TestRows.read;
import static io.quiver.storage.memtable.TestRows.readAll;
import static io.quiver.storage.memtable.TestRows.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemtableRoundTripTest {
    private static final List<ColumnDef> ALL_TYPES = columns("b", BOOLEAN, "s", SMALLINT, "i", INT, "l", BIGINT,
            "d", DOUBLE, "dt", DATE, "ts", TIMESTAMP, "v", VARCHAR);
    /** A NaN with a payload: must survive bit for bit. */
    private static final double ODD_NAN = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);

    private final NativeMemoryLeakCheck leakCheck = NativeMemoryLeakCheck.start();
    private final List<Memtable> created = new ArrayList<>();

    @AfterEach
    void releaseAndCheckLeaks() {
        for (Memtable m : created) {
            if (m.isOpen()) {
                m.release();
            }
        }
        leakCheck.assertNoLeak();
    }

    private Memtable memtable(List<ColumnDef> cols, int rowsPerChunk, int pageBytes) {
        Memtable m = new Memtable("t", cols, rowsPerChunk, pageBytes, 1L << 30);
        created.add(m);
        return m;
    }

    @Test
    void everyTypeRoundTripsWithNullsExtremesUnicodeAndHugeStrings() {
        // 8 rows a chunk and 16-byte VARCHAR pages: most values cross a page, batches cross chunks.
        Memtable m = memtable(ALL_TYPES, 8, 16);
        String huge = "x".repeat(70_000) + "é" + "🎉".repeat(1000);
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {true, Short.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE, Double.NEGATIVE_INFINITY, Integer.MIN_VALUE, Long.MIN_VALUE, ""});
        rows.add(new Object[] {false, Short.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Double.POSITIVE_INFINITY, Integer.MAX_VALUE, Long.MAX_VALUE, "héllo wörld"});
        rows.add(new Object[] {null, null, null, null, null, null, null, null});
        rows.add(new Object[] {true, 0, 0, 0L, Double.NaN, 0, 0L, "日本語のテキスト"});
        rows.add(new Object[] {null, -1, -1, -1L, ODD_NAN, -1, -1L, huge});
        rows.add(new Object[] {false, 1, 1, 1L, -0.0, 1, 1L, "🎉 emoji \u0000 nul"});
        rows.add(new Object[] {true, 7, 7, 7L, Double.MIN_VALUE, 19_000, 1_700_000_000_000_000L, null});
        rows.add(new Object[] {null, null, 42, null, Double.MAX_VALUE, null, null, ""});
        rows.add(new Object[] {true, 3, 3, 3L, -Double.MAX_VALUE, 3, 3L, "a"});
        rows.add(new Object[] {false, 4, 4, 4L, 0.1, 4, 4L, huge});

        // Batches of 3, 1, 6: the last one crosses the first chunk boundary.
        m.append(batch(ALL_TYPES, rows.subList(0, 3)));
        m.append(batch(ALL_TYPES, rows.subList(3, 4)));
        m.append(batch(ALL_TYPES, rows.subList(4, 10)));
        assertEquals(10, m.rowCount());
        assertRows(rows, readAll(m), "(all rows)");
        // Every window, so reads start and end inside and across chunks and values.
        MemtableView view = m.view();
        for (int from = 0; from < rows.size(); from++) {
            for (int count = 0; from + count <= rows.size(); count++) {
                assertRows(rows.subList(from, from + count), read(view, from, count), "(from=" + from + ", count=" + count + ')');
            }
        }
    }

    @Test
    void randomBatchesCrossingChunkAndPageBoundariesRoundTrip() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int rowsPerChunk = 1 << random.nextInt(1, 7);
        int pageBytes = random.nextInt(1, 200);
        Memtable m = memtable(ALL_TYPES, rowsPerChunk, pageBytes);
        String context = "(seed=" + seed + ", rowsPerChunk=" + rowsPerChunk + ", pageBytes=" + pageBytes + ')';
        List<Object[]> model = new ArrayList<>();
        for (int b = 0; b < 60; b++) {
            List<Object[]> rows = new ArrayList<>();
            int n = random.nextInt(0, 3 * rowsPerChunk + 2);
            for (int r = 0; r < n; r++) {
                rows.add(randomRow(random));
            }
            m.append(batch(ALL_TYPES, rows));
            model.addAll(rows);
            assertEquals(model.size(), m.rowCount(), "row count " + context);
        }
        assertRows(model, readAll(m), context);
        MemtableView view = m.view();
        for (int i = 0; i < 200; i++) {
            int from = random.nextInt(model.size() + 1);
            int count = random.nextInt(model.size() - from + 1);
            assertRows(model.subList(from, from + count), read(view, from, count), context + " window " + from + '+' + count);
        }
    }

    static Object[] randomRow(Random random) {
        return new Object[] {
            random.nextInt(5) == 0 ? null : random.nextBoolean(),
            random.nextInt(5) == 0 ? null : (long) (short) random.nextInt(),
            random.nextInt(5) == 0 ? null : (long) random.nextInt(),
            random.nextInt(5) == 0 ? null : random.nextLong(),
            random.nextInt(5) == 0 ? null : switch (random.nextInt(6)) {
                case 0 -> Double.NaN;
                case 1 -> -0.0;
                default -> random.nextGaussian() * 1e6;
            },
            random.nextInt(5) == 0 ? null : (long) random.nextInt(-100_000, 100_000),
            random.nextInt(5) == 0 ? null : random.nextLong(),
            random.nextInt(5) == 0 ? null : randomString(random),
        };
    }

    static String randomString(Random random) {
        int len = random.nextInt(8) == 0 ? random.nextInt(500) : random.nextInt(12);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.appendCodePoint(switch (random.nextInt(4)) {
                case 0 -> 'a' + random.nextInt(26);
                case 1 -> 0xe0 + random.nextInt(30);      // 2-byte UTF-8
                case 2 -> 0x4e00 + random.nextInt(500);   // 3-byte UTF-8
                default -> 0x1f600 + random.nextInt(50);  // 4-byte UTF-8
            });
        }
        return sb.toString();
    }

    @Test
    void emptyBatchChangesNothing() {
        Memtable m = memtable(ALL_TYPES, 8, 16);
        m.append(batch(ALL_TYPES, List.of()));
        assertEquals(0, m.rowCount());
        assertTrue(m.isEmpty());
        assertEquals(0, m.offHeapBytes(), "nothing allocated for no rows");
        assertEquals(0, m.view().chunkCount());
    }

    @Test
    void nullValueSlotsReadAsZeroAndNullVarcharBytesAreDropped() {
        List<ColumnDef> cols = columns("l", BIGINT, "d", DOUBLE, "v", VARCHAR);
        Memtable m = memtable(cols, 4, 8);
        RowBatch b = batch(cols, rows(new Object[] {5L, 2.5, "keep"}, new Object[] {6L, 3.5, "drop"}, new Object[] {7L, 4.5, "also"}));
        // Mark row 1 NULL without clearing its values, against ColumnVector's contract.
        for (int c = 0; c < 3; c++) {
            b.column(c).nulls[1] = true;
            b.column(c).hasNulls = true;
        }
        m.append(b);
        ColumnVector[] out = {new ColumnVector(BIGINT, 1), new ColumnVector(DOUBLE, 1), new ColumnVector(VARCHAR, 1)};
        m.read(0, 3, new int[] {0, 1, 2}, out);
        assertTrue(out[0].isNull(1) && out[1].isNull(1) && out[2].isNull(1));
        assertEquals(0L, out[0].getLong(1));
        assertEquals(0.0, out[1].getDouble(1));
        assertEquals(0, out[2].stringLength(1));
        assertEquals("keep", out[2].getString(0));
        assertEquals("also", out[2].getString(2));
        assertEquals(8, out[2].byteSize(), "the NULL row's bytes are not stored");
        assertTrue(out[0].hasNulls);
    }

    @Test
    void readsOnlyTheRequestedColumnsInTheRequestedOrder() {
        List<ColumnDef> cols = columns("a", BIGINT, "b", VARCHAR, "c", DOUBLE);
        Memtable m = memtable(cols, 4, 8);
        m.append(batch(cols, rows(new Object[] {1L, "one", 1.5}, new Object[] {2L, "two", 2.5})));
        ColumnVector[] out = {new ColumnVector(DOUBLE, 1), new ColumnVector(BIGINT, 1)};
        m.read(1, 1, new int[] {2, 0}, out);
        assertEquals(2.5, out[0].getDouble(0));
        assertEquals(2L, out[1].getLong(0));
        assertFalse(out[0].hasNulls);
        assertEquals(1, out[0].size());
    }

    @Test
    void rejectsBatchesThatDoNotMatchAndStaysUnchanged() {
        List<ColumnDef> cols = columns("a", BIGINT, "v", VARCHAR);
        Memtable m = memtable(cols, 4, 8);
        m.append(batch(cols, rows(new Object[] {1L, "x"})));
        long bytes = m.offHeapBytes();

        RowBatch tooFew = batch(columns("a", BIGINT), rows(new Object[] {2L}));
        RowBatch wrongType = batch(columns("a", INT, "v", VARCHAR), rows(new Object[] {2L, "y"}));
        RowBatch shortVector = new RowBatch(cols, new ColumnVector[] {new ColumnVector(BIGINT, 1), new ColumnVector(VARCHAR, 1)}, 5);
        RowBatch badOffsets = batch(cols, rows(new Object[] {2L, "yy"}, new Object[] {3L, "zz"}));
        badOffsets.column(1).offsets[1] = 3;
        badOffsets.column(1).offsets[2] = 1; // decreasing
        RowBatch offsetsPastBytes = batch(cols, rows(new Object[] {2L, "yy"}));
        offsetsPastBytes.column(1).offsets[1] = offsetsPastBytes.column(1).bytes.length + 1;

        for (RowBatch bad : List.of(tooFew, wrongType, shortVector, badOffsets, offsetsPastBytes)) {
            StorageException e = assertThrows(StorageException.class, () -> m.append(bad));
            assertEquals(StorageException.Kind.INVALID_INPUT, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("[table=t") || e.getMessage().contains("[column="), e.getMessage());
        }
        assertEquals(1, m.rowCount());
        assertEquals(bytes, m.offHeapBytes());
        assertRows(rows(new Object[] {1L, "x"}), readAll(m), "after rejected batches");
        m.append(batch(cols, rows(new Object[] {2L, "y"})));
        assertRows(rows(new Object[] {1L, "x"}, new Object[] {2L, "y"}), readAll(m), "after a good batch");
    }

    @Test
    void rejectsBadReads() {
        List<ColumnDef> cols = columns("a", BIGINT, "d", DOUBLE);
        Memtable m = memtable(cols, 4, 8);
        m.append(batch(cols, rows(new Object[] {1L, 1.0})));
        ColumnVector[] out = {new ColumnVector(BIGINT, 1)};
        assertThrows(IndexOutOfBoundsException.class, () -> m.read(0, 2, new int[] {0}, out), "past the row count");
        assertThrows(IndexOutOfBoundsException.class, () -> m.read(-1, 1, new int[] {0}, out));
        assertThrows(IllegalArgumentException.class, () -> m.read(0, 1, new int[] {1}, out), "vector of the wrong type");
        assertThrows(IllegalArgumentException.class, () -> m.read(0, 1, new int[] {2}, out), "no such column");
        MemtableView view = m.view();
        m.append(batch(cols, rows(new Object[] {2L, 2.0})));
        assertThrows(IndexOutOfBoundsException.class, () -> view.read(1, 1, new int[] {0}, out), "past the view's rows");
        m.read(1, 1, new int[] {0}, out);
        assertEquals(2L, out[0].getLong(0));
    }

    @Test
    void rejectsBadConstruction() {
        List<ColumnDef> cols = columns("a", BIGINT);
        assertThrows(IllegalArgumentException.class, () -> new Memtable("t", cols, 100, 1 << 20), "not a power of two");
        assertThrows(IllegalArgumentException.class, () -> new Memtable("t", cols, 0, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new Memtable("t", List.of(), 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new Memtable("t", cols, 0L));
        StorageException dup = assertThrows(StorageException.class, () -> new Memtable("t", columns("a", BIGINT, "A", INT), 1 << 20));
        assertEquals(StorageException.Kind.ALREADY_EXISTS, dup.kind());
    }

    @Test
    void defaultsAndAccessors() {
        Memtable m = new Memtable("trades", columns("a", BIGINT, "v", VARCHAR), 1 << 20);
        created.add(m);
        assertEquals(Memtable.DEFAULT_ROWS_PER_CHUNK, m.rowsPerChunk());
        assertEquals("trades", m.table());
        assertEquals(1 << 20, m.byteLimit());
        assertEquals(List.of(new ColumnDef("a", BIGINT), new ColumnDef("v", VARCHAR)), m.columns());
        long before = System.nanoTime();
        m.append(batch(m.columns(), rows(new Object[] {1L, "x"})));
        long firstAppend = m.oldestAppendNanos();
        assertTrue(firstAppend >= before && firstAppend <= System.nanoTime());
        m.append(batch(m.columns(), rows(new Object[] {2L, "y"})));
        assertEquals(firstAppend, m.oldestAppendNanos(), "the oldest append stays the first");
        // One chunk per column of 8192 rows (8 bytes each + 1 KiB of null bits) and one 128 KiB page.
        assertEquals(2 * (8192 * 8 + 1024) + 8192 * 16, m.offHeapBytes());
        assertEquals(ColumnType.VARCHAR, m.columns().get(1).type());
    }
}
