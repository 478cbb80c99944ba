package io.quiver.flight.ingest;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an Arrow record batch into a {@link RowBatch} of the table's types. Arrow types map as:
 * Bool -> BOOLEAN; Int 8/16 -> SMALLINT, Int 32 -> INT, Int 64 and unsigned -> BIGINT; Float
 * -> DOUBLE; Date -> DATE; Timestamp (any unit, any zone) -> TIMESTAMP in micros; Utf8 / LargeUtf8
 * -> VARCHAR. Anything else is refused naming the column. Values are copied out of the Arrow
 * buffers (bulk for strings), so the caller may reuse its root for the next batch.
 */
public final class ArrowBatchDecoder {
    private ArrowBatchDecoder() {
    }

    public static List<ColumnDef> incomingColumns(String table, VectorSchemaRoot root, IngestLimits limits) {
        List<Field> fields = root.getSchema().getFields();
        if (fields.size() > limits.maxColumns()) {
            throw IngestFailure.invalid("too many columns [table=" + table + ", columns=" + fields.size() + ", max=" + limits.maxColumns() + ']');
        }
        List<ColumnDef> out = new ArrayList<>(fields.size());
        for (Field f : fields) {
            ColumnType t = typeOf(table, f);
            try {
                out.add(new ColumnDef(f.getName(), t));
            } catch (StorageException e) {
                throw IngestFailure.invalid(e.getMessage(), -1, f.getName());
            }
        }
        return out;
    }

    static ColumnType typeOf(String table, Field f) {
        ArrowType t = f.getType();
        return switch (t.getTypeID()) {
            case Bool -> ColumnType.BOOLEAN;
            case Int -> {
                ArrowType.Int i = (ArrowType.Int) t;
                if (!i.getIsSigned()) {
                    yield ColumnType.BIGINT;
                }
                yield i.getBitWidth() <= 16 ? ColumnType.SMALLINT : i.getBitWidth() == 32 ? ColumnType.INT : ColumnType.BIGINT;
            }
            case FloatingPoint -> ColumnType.DOUBLE;
            case Date -> ColumnType.DATE;
            case Timestamp -> ColumnType.TIMESTAMP;
            case Utf8, LargeUtf8 -> ColumnType.VARCHAR;
            default -> throw IngestFailure.invalid("unsupported Arrow type [table=" + table + ", column=" + f.getName()
                    + ", type=" + t + ']', -1, f.getName());
        };
    }

    public static RowBatch decode(String table, VectorSchemaRoot root, TableWriter.Plan plan, IngestLimits limits) {
        int rows = root.getRowCount();
        ProtoBatchDecoder.checkRowCount(table, rows, limits);
        List<ColumnDef> target = plan.targetColumns();
        ColumnVector[] vectors = new ColumnVector[target.size()];
        for (int c = 0; c < vectors.length; c++) {
            FieldVector src = root.getVector(c);
            ColumnType to = target.get(c).type();
            ColumnVector v = new ColumnVector(to, rows);
            boolean anyNull = src.getNullCount() > 0;
            if (anyNull) {
                for (int i = 0; i < rows; i++) {
                    v.nulls[i] = src.isNull(i);
                }
                v.hasNulls = true;
            }
            String name = src.getField().getName();
            switch (src) {
                case BitVector b -> {
                    for (int i = 0; i < rows; i++) {
                        v.longs[i] = v.nulls[i] ? 0 : b.get(i);
                    }
                }
                case BaseIntVector ints -> {
                    if (to == ColumnType.DOUBLE) {
                        for (int i = 0; i < rows; i++) {
                            v.doubles[i] = v.nulls[i] ? 0 : ints.getValueAsLong(i);
                        }
                    } else {
                        for (int i = 0; i < rows; i++) {
                            v.longs[i] = v.nulls[i] ? 0 : ints.getValueAsLong(i);
                        }
                        RangeCheck.check(table, name, to, v.longs, v.nulls, rows);
                    }
                }
                case FloatingPointVector fp -> {
                    for (int i = 0; i < rows; i++) {
                        v.doubles[i] = v.nulls[i] ? 0 : fp.getValueAsDouble(i);
                    }
                }
                case DateDayVector d -> {
                    for (int i = 0; i < rows; i++) {
                        v.longs[i] = v.nulls[i] ? 0 : d.get(i);
                    }
                }
                case DateMilliVector d -> {
                    for (int i = 0; i < rows; i++) {
                        v.longs[i] = v.nulls[i] ? 0 : Math.floorDiv(d.get(i), 86_400_000L);
                    }
                    RangeCheck.check(table, name, to, v.longs, v.nulls, rows);
                }
                case TimeStampVector ts -> decodeTimestamps(table, name, ts, rows, v);
                case VarCharVector s -> decodeStrings(table, name, s.getOffsetBuffer(), 4, s.getDataBuffer(), rows, limits, v);
                case LargeVarCharVector s -> decodeStrings(table, name, s.getOffsetBuffer(), 8, s.getDataBuffer(), rows, limits, v);
                default -> throw IngestFailure.invalid("unsupported Arrow vector [table=" + table + ", column=" + name
                        + ", vector=" + src.getClass().getSimpleName() + ']', -1, name);
            }
            v.setSize(rows);
            vectors[c] = v;
        }
        int ts = plan.timestampIndex();
        if (ts >= 0 && vectors[ts].hasNulls) {
            for (int i = 0; i < rows; i++) {
                if (vectors[ts].nulls[i]) {
                    throw IngestFailure.invalid("designated timestamp is missing [table=" + table + ", row=" + i
                            + ", column=" + plan.timestampColumn() + ']', i, plan.timestampColumn());
                }
            }
        }
        return new RowBatch(target, vectors, rows);
    }

    private static void decodeTimestamps(String table, String name, TimeStampVector ts, int rows, ColumnVector v) {
        TimeUnit unit = ((ArrowType.Timestamp) ts.getField().getType()).getUnit();
        for (int i = 0; i < rows; i++) {
            if (v.nulls[i]) {
                v.longs[i] = 0;
                continue;
            }
            long x = ts.get(i);
            try {
                v.longs[i] = switch (unit) {
                    case SECOND -> Math.multiplyExact(x, 1_000_000L);
                    case MILLISECOND -> Math.multiplyExact(x, 1_000L);
                    case MICROSECOND -> x;
                    case NANOSECOND -> Math.floorDiv(x, 1_000L);
                };
            } catch (ArithmeticException e) {
                throw IngestFailure.invalid("timestamp out of range [table=" + table + ", row=" + i + ", column=" + name
                        + ", value=" + x + ", unit=" + unit + ']', i, name);
            }
        }
    }

    private static void decodeStrings(String table, String name, ArrowBuf offsetBuf, int offsetWidth, ArrowBuf data,
                                      int rows, IngestLimits limits, ColumnVector v) {
        long base = offset(offsetBuf, offsetWidth, 0);
        long end = offset(offsetBuf, offsetWidth, rows);
        long total = end - base;
        if (total > Integer.MAX_VALUE - 16) {
            throw IngestFailure.tooLarge("string data of one column over 2 GiB [table=" + table + ", column=" + name + ']');
        }
        v.ensureByteCapacity((int) total);
        if (total > 0) {
            data.getBytes(base, v.bytes, 0, (int) total);
        }
        v.offsets[0] = 0;
        for (int i = 0; i < rows; i++) {
            long start = offset(offsetBuf, offsetWidth, i) - base;
            long stop = offset(offsetBuf, offsetWidth, i + 1) - base;
            if (v.nulls[i]) {
                stop = start; // a NULL holds an empty string, whatever bytes the sender left there
            }
            long len = stop - start;
            if (len > limits.maxStringBytes()) {
                throw IngestFailure.invalid("string longer than the limit [table=" + table + ", row=" + i + ", column=" + name
                        + ", bytes=" + len + ", max=" + limits.maxStringBytes() + ']', i, name);
            }
            if (start != v.offsets[i]) {
                // Compact past a NULL that carried bytes: values stay contiguous.
                System.arraycopy(v.bytes, (int) start, v.bytes, v.offsets[i], (int) len);
            }
            int from = v.offsets[i];
            v.offsets[i + 1] = from + (int) len;
            if (!Utf8Check.isValid(v.bytes, from, from + (int) len)) {
                throw IngestFailure.invalid("string is not valid UTF-8 [table=" + table + ", row=" + i + ", column=" + name + ']', i, name);
            }
        }
    }

    private static long offset(ArrowBuf buf, int width, int index) {
        return width == 4 ? buf.getInt((long) index * 4) : buf.getLong((long) index * 8);
    }
}
