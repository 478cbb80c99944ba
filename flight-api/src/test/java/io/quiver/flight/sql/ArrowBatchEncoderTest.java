package io.quiver.flight.sql;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker-side Arrow encoder against a value-by-value reading of the Arrow vectors: every type,
 * NULLs, engine batches of odd sizes gathered into record batches of several target sizes (bit runs
 * that start and end inside a byte, string offsets rebased across batches, buffers grown past their
 * estimate), each loaded into one reused root as the stream does; and no Arrow memory left behind,
 * also when a part is closed with rows still pending.
 */
class ArrowBatchEncoderTest {
    private static final List<ColumnDef> COLUMNS = List.of(new ColumnDef("b", ColumnType.BOOLEAN), new ColumnDef("s", ColumnType.SMALLINT),
            new ColumnDef("i", ColumnType.INT), new ColumnDef("l", ColumnType.BIGINT), new ColumnDef("d", ColumnType.DOUBLE),
            new ColumnDef("day", ColumnType.DATE), new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("v", ColumnType.VARCHAR));
    private static final List<ColumnType> TYPES = COLUMNS.stream().map(ColumnDef::type).toList();

    @Test
    void gatheredBatchesOfOddSizesReadBackValueByValueInOrder() {
        long seed = 20261123L;
        SplittableRandom random = new SplittableRandom(seed);
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(ArrowTypes.resultSchema(COLUMNS.stream().map(ColumnDef::name).toList(), TYPES),
                     allocator)) {
            VectorLoader loader = new VectorLoader(root);
            for (int round = 0; round < 60; round++) {
                long target = new long[]{64, 700, 5_000, 1 << 20}[random.nextInt(4)];
                ArrowBatchEncoder.Builder part = new ArrowBatchEncoder(allocator, target).newPart(TYPES);
                List<RowBatch> batches = new ArrayList<>();
                List<ArrowRecordBatch> units = new ArrayList<>();
                int parts = 1 + random.nextInt(8);
                for (int p = 0; p < parts; p++) {
                    // some batches with long strings: the string buffer outgrows the estimate from the first batch
                    RowBatch b = batch(random, random.nextInt(4) == 0 ? random.nextInt(3) : 1 + random.nextInt(70),
                            random.nextInt(3), p > 0 && random.nextInt(3) == 0 ? 200 : 4);
                    batches.add(b);
                    ArrowRecordBatch unit = part.append(columns(b), b.rowCount());
                    if (unit != null) {
                        units.add(unit);
                    }
                }
                ArrowRecordBatch last = part.flush();
                if (last != null) {
                    units.add(last);
                }
                part.close();
                int expectedRows = batches.stream().mapToInt(RowBatch::rowCount).sum();
                int batchIndex = 0;
                int rowInBatch = 0;
                int seen = 0;
                for (ArrowRecordBatch unit : units) {
                    loader.load(unit);
                    unit.close();
                    assertTrue(root.getRowCount() > 0, "an empty record batch was sent");
                    for (FieldVector v : root.getFieldVectors()) {
                        assertEquals(root.getRowCount(), v.getValueCount(), v.getName());
                    }
                    for (int at = 0; at < root.getRowCount(); at++) {
                        while (rowInBatch == batches.get(batchIndex).rowCount()) {
                            batchIndex++;
                            rowInBatch = 0;
                        }
                        RowBatch b = batches.get(batchIndex);
                        for (int c = 0; c < COLUMNS.size(); c++) {
                            assertEquals(b.column(c).getObject(rowInBatch), arrowValue(root.getVector(c), at),
                                    "round " + round + " row " + seen + " column " + COLUMNS.get(c).name() + " seed " + seed);
                        }
                        rowInBatch++;
                        seen++;
                    }
                }
                assertEquals(expectedRows, seen, "round " + round + " seed " + seed);
            }
            root.clear();
            assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory left after every record batch was loaded and freed");
        }
    }

    /**
     * Bitmaps are packed 8 rows at a time and shifted to where the record batch stands: engine
     * batches of up to 700 rows, starting at every bit offset, with NULL and true runs and single
     * ones, must read back value by value, and each field node must carry its column's NULL count.
     */
    @Test
    void longBatchesAtEveryBitOffsetKeepEveryBitAndNullCount() {
        long seed = 20261206L;
        SplittableRandom random = new SplittableRandom(seed);
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(ArrowTypes.resultSchema(COLUMNS.stream().map(ColumnDef::name).toList(), TYPES),
                     allocator)) {
            VectorLoader loader = new VectorLoader(root);
            ArrowBatchEncoder.Builder part = new ArrowBatchEncoder(allocator, 1 << 20).newPart(TYPES);
            for (int round = 0; round < 40; round++) {
                List<RowBatch> batches = new ArrayList<>();
                for (int p = 0; p < 12; p++) {
                    // sizes that leave the next batch at every bit offset, and runs longer than a word
                    int rows = p == 0 ? 1 + random.nextInt(7) : random.nextInt(700);
                    RowBatch b = runsBatch(random, rows, random.nextInt(4));
                    batches.add(b);
                    assertNull(part.append(columns(b), b.rowCount()));
                }
                ArrowRecordBatch unit = part.flush();
                int[] expectedNulls = new int[COLUMNS.size()];
                for (RowBatch b : batches) {
                    for (int c = 0; c < COLUMNS.size(); c++) {
                        for (int r = 0; r < b.rowCount(); r++) {
                            expectedNulls[c] += b.column(c).isNull(r) ? 1 : 0;
                        }
                    }
                }
                for (int c = 0; c < COLUMNS.size(); c++) {
                    assertEquals(expectedNulls[c], unit.getNodes().get(c).getNullCount(), "round " + round + " column " + COLUMNS.get(c).name());
                }
                loader.load(unit);
                unit.close();
                int at = 0;
                for (RowBatch b : batches) {
                    for (int r = 0; r < b.rowCount(); r++, at++) {
                        for (int c = 0; c < COLUMNS.size(); c++) {
                            assertEquals(b.column(c).getObject(r), arrowValue(root.getVector(c), at),
                                    "round " + round + " row " + at + " column " + COLUMNS.get(c).name() + " seed " + seed);
                        }
                    }
                }
                assertEquals(at, root.getRowCount());
            }
            part.close();
            root.clear();
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }

    /** Values (and NULLs) in runs: mode 0 no NULLs, 1 sparse NULLs, 2 long NULL runs, 3 all NULL. BOOLEANs in runs of true and false. */
    private static RowBatch runsBatch(SplittableRandom random, int rows, int mode) {
        RowBatch b = new RowBatch(COLUMNS, Math.max(rows, 1));
        boolean inNullRun = false;
        boolean flag = false;
        for (int r = 0; r < rows; r++) {
            if (random.nextInt(40) == 0) {
                inNullRun = !inNullRun;
            }
            if (random.nextInt(30) == 0) {
                flag = !flag;
            }
            for (int c = 0; c < COLUMNS.size(); c++) {
                ColumnVector v = b.column(c);
                boolean isNull = switch (mode) {
                    case 1 -> random.nextInt(10) == 0;
                    case 2 -> inNullRun;
                    case 3 -> true;
                    default -> false;
                };
                if (isNull) {
                    v.appendNull();
                    continue;
                }
                switch (COLUMNS.get(c).type()) {
                    case BOOLEAN -> v.appendLong(random.nextInt(5) == 0 ? random.nextInt(2) : (flag ? 1 : 0));
                    case SMALLINT -> v.appendLong((short) random.nextInt());
                    case INT, DATE -> v.appendLong(random.nextInt());
                    case BIGINT, TIMESTAMP -> v.appendLong(random.nextLong());
                    case DOUBLE -> v.appendDouble(random.nextDouble());
                    case VARCHAR -> v.appendString(random.nextInt(8) == 0 ? "" : "ü" + r);
                }
            }
        }
        b.syncRowCount();
        return b;
    }

    /**
     * The engine hands over batches of 2^j rows (a segment block is 8192): at the stream's ~2 MiB
     * target and a ~115-byte row (the Flight benchmark's) two of them must share a record batch,
     * and the record batch must not be half empty (each one costs a message, and a half-empty string
     * buffer is copied again into one of its size).
     */
    @Test
    void blockSizedEngineBatchesFillRecordBatchesOfAboutTheTarget() {
        long target = 2L << 20;
        try (BufferAllocator allocator = new RootAllocator()) {
            ArrowBatchEncoder.Builder part = new ArrowBatchEncoder(allocator, target).newPart(TYPES);
            RowBatch block = batch(new SplittableRandom(11), 8192, 1, 1);
            ColumnVector strings = new ColumnVector(ColumnType.VARCHAR, 8192);
            for (int r = 0; r < 8192; r++) { // ~70-byte strings: ~115 Arrow bytes per row, as in the benchmark
                strings.appendString(("https://example.com/page/" + r + "/").repeat(4).substring(0, 70));
            }
            ColumnVector[] cols = columns(block);
            cols[COLUMNS.size() - 1] = strings;
            List<ArrowRecordBatch> units = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ArrowRecordBatch unit = part.append(cols, 8192);
                if (unit != null) {
                    units.add(unit);
                }
            }
            units.add(part.flush());
            part.close();
            for (ArrowRecordBatch unit : units.subList(0, units.size() - 1)) {
                assertTrue(unit.getLength() >= 16_384 && unit.computeBodyLength() >= target / 2,
                        "a record batch of " + unit.getLength() + " rows, " + unit.computeBodyLength() + " bytes");
            }
            assertEquals(16 * 8192, units.stream().mapToInt(ArrowRecordBatch::getLength).sum());
            units.forEach(ArrowRecordBatch::close);
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }

    @Test
    void aPartClosedWithRowsPendingFreesItsBuffers() {
        try (BufferAllocator allocator = new RootAllocator()) {
            ArrowBatchEncoder encoder = new ArrowBatchEncoder(allocator, 1 << 20);
            ArrowBatchEncoder.Builder part = encoder.newPart(TYPES);
            RowBatch b = batch(new SplittableRandom(7), 50, 1, 8);
            assertNull(part.append(columns(b), b.rowCount()));
            ArrowRecordBatch unit = part.append(columns(b), b.rowCount());
            assertNull(unit);
            assertTrue(allocator.getAllocatedMemory() > 0);
            ArrowRecordBatch finished = part.flush();
            assertEquals(100, finished.getLength());
            encoder.discard(finished);
            assertNull(part.append(columns(b), b.rowCount()));
            part.close();
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }

    private static ColumnVector[] columns(RowBatch b) {
        ColumnVector[] cols = new ColumnVector[b.columnCount()];
        for (int c = 0; c < cols.length; c++) {
            cols[c] = b.column(c);
        }
        return cols;
    }

    /** nullMode 0: no NULLs, 1: some, 2: all. */
    private static RowBatch batch(SplittableRandom random, int rows, int nullMode, int maxRepeat) {
        RowBatch b = new RowBatch(COLUMNS, Math.max(rows, 1));
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < COLUMNS.size(); c++) {
                ColumnVector v = b.column(c);
                if (nullMode == 2 || (nullMode == 1 && random.nextInt(3) == 0)) {
                    v.appendNull();
                    continue;
                }
                switch (COLUMNS.get(c).type()) {
                    case BOOLEAN -> v.appendLong(random.nextInt(2));
                    case SMALLINT -> v.appendLong((short) random.nextInt());
                    case INT, DATE -> v.appendLong(random.nextInt());
                    case BIGINT, TIMESTAMP -> v.appendLong(random.nextLong());
                    case DOUBLE -> v.appendDouble(random.nextDouble() * 1e6 - 5e5);
                    case VARCHAR -> v.appendString("v" + random.nextInt(1000) + "é".repeat(random.nextInt(maxRepeat)));
                }
            }
        }
        b.syncRowCount();
        return b;
    }

    /** The value as {@link ColumnVector#getObject} gives it, read through Arrow's own getters. */
    private static Object arrowValue(FieldVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        return switch (v) {
            case BitVector b -> b.get(row) != 0;
            case SmallIntVector s -> (long) s.get(row);
            case IntVector i -> (long) i.get(row);
            case DateDayVector d -> (long) d.get(row);
            case BigIntVector l -> l.get(row);
            case TimeStampMicroTZVector t -> t.get(row);
            case Float8Vector d -> d.get(row);
            case VarCharVector s -> new String(s.get(row), StandardCharsets.UTF_8);
            default -> throw new IllegalStateException("unexpected vector " + v);
        };
    }
}
