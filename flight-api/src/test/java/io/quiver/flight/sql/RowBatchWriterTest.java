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
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bulk writer against a value-by-value reading of the Arrow vectors: every type, NULLs, and
 * several engine batches of odd sizes concatenated into one record batch (bit runs that start and
 * end inside a byte, string offsets rebased across batches), written again and again into the same
 * root with fresh buffers each time.
 */
class RowBatchWriterTest {
    private static final List<ColumnDef> COLUMNS = List.of(new ColumnDef("b", ColumnType.BOOLEAN), new ColumnDef("s", ColumnType.SMALLINT),
            new ColumnDef("i", ColumnType.INT), new ColumnDef("l", ColumnType.BIGINT), new ColumnDef("d", ColumnType.DOUBLE),
            new ColumnDef("day", ColumnType.DATE), new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("v", ColumnType.VARCHAR));

    @Test
    void concatenatedBatchesOfOddSizesReadBackValueByValue() {
        long seed = 20261123L;
        SplittableRandom random = new SplittableRandom(seed);
        List<ColumnType> types = COLUMNS.stream().map(ColumnDef::type).toList();
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(ArrowTypes.resultSchema(COLUMNS.stream().map(ColumnDef::name).toList(), types),
                     allocator)) {
            RowBatchWriter writer = new RowBatchWriter(root, types);
            for (int round = 0; round < 40; round++) {
                List<RowBatch> batches = new ArrayList<>();
                int parts = 1 + random.nextInt(5);
                for (int p = 0; p < parts; p++) {
                    batches.add(batch(random, random.nextInt(4) == 0 ? random.nextInt(3) : 1 + random.nextInt(70),
                            random.nextInt(3)));
                }
                writer.write(batches);
                int at = 0;
                for (RowBatch b : batches) {
                    for (int r = 0; r < b.rowCount(); r++, at++) {
                        for (int c = 0; c < COLUMNS.size(); c++) {
                            assertEquals(b.column(c).getObject(r), arrowValue(root.getVector(c), at),
                                    "round " + round + " row " + at + " column " + COLUMNS.get(c).name() + " seed " + seed);
                        }
                    }
                }
                assertEquals(at, root.getRowCount(), "seed " + seed);
                for (FieldVector v : root.getFieldVectors()) {
                    assertEquals(at, v.getValueCount(), v.getName());
                }
            }
        }
    }

    /** nullMode 0: no NULLs, 1: some, 2: all. */
    private static RowBatch batch(SplittableRandom random, int rows, int nullMode) {
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
                    case VARCHAR -> v.appendString("v" + random.nextInt(1000) + "é".repeat(random.nextInt(4)));
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
