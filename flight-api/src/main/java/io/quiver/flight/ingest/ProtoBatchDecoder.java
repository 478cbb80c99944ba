package io.quiver.flight.ingest;

import com.google.protobuf.ByteString;
import io.quiver.proto.v1.Column;
import io.quiver.proto.v1.IngestRequest;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an {@link IngestRequest}'s packed columns into a {@link RowBatch} of the table's types,
 * checking everything the storage engine would otherwise trip over or that the limits forbid:
 * array lengths, null bitmaps, UTF-8, string lengths, integer ranges and the designated timestamp.
 * Errors name the row and column. Allocates one vector per column per batch, nothing per row.
 */
public final class ProtoBatchDecoder {
    private ProtoBatchDecoder() {
    }

    /** The batch's columns with their wire types; rejects unnamed or untyped columns. */
    public static List<ColumnDef> incomingColumns(IngestRequest r, IngestLimits limits) {
        if (r.getColumnsCount() > limits.maxColumns()) {
            throw IngestFailure.invalid("too many columns [table=" + r.getTable() + ", columns=" + r.getColumnsCount()
                    + ", max=" + limits.maxColumns() + ']');
        }
        List<ColumnDef> out = new ArrayList<>(r.getColumnsCount());
        for (Column c : r.getColumnsList()) {
            ColumnType t = switch (c.getType()) {
                case COLUMN_TYPE_BOOLEAN -> ColumnType.BOOLEAN;
                case COLUMN_TYPE_SMALLINT -> ColumnType.SMALLINT;
                case COLUMN_TYPE_INT -> ColumnType.INT;
                case COLUMN_TYPE_BIGINT -> ColumnType.BIGINT;
                case COLUMN_TYPE_DOUBLE -> ColumnType.DOUBLE;
                case COLUMN_TYPE_DATE -> ColumnType.DATE;
                case COLUMN_TYPE_TIMESTAMP -> ColumnType.TIMESTAMP;
                case COLUMN_TYPE_VARCHAR -> ColumnType.VARCHAR;
                case COLUMN_TYPE_UNSPECIFIED, UNRECOGNIZED -> throw IngestFailure.invalid(
                        "column has no type [table=" + r.getTable() + ", column=" + c.getName() + ']', -1, c.getName());
            };
            try {
                out.add(new ColumnDef(c.getName(), t));
            } catch (StorageException e) {
                throw IngestFailure.invalid(e.getMessage(), -1, c.getName());
            }
        }
        return out;
    }

    /** Checks the row count against the limits: zero rows and oversized batches are refused. */
    public static void checkRowCount(String table, long rows, IngestLimits limits) {
        if (rows == 0) {
            throw IngestFailure.invalid("batch has no rows [table=" + table + ']');
        }
        if (rows > limits.maxRowsPerBatch()) {
            throw IngestFailure.tooLarge("batch has too many rows [table=" + table + ", rows=" + rows + ", max=" + limits.maxRowsPerBatch() + ']');
        }
    }

    public static RowBatch decode(IngestRequest r, TableWriter.Plan plan, IngestLimits limits) {
        int rows = r.getRowCount();
        checkRowCount(r.getTable(), Integer.toUnsignedLong(rows), limits);
        List<ColumnDef> target = plan.targetColumns();
        ColumnVector[] vectors = new ColumnVector[target.size()];
        for (int c = 0; c < vectors.length; c++) {
            Column col = r.getColumns(c);
            ColumnType wire = plan.incoming().get(c).type();
            ColumnType to = target.get(c).type();
            ColumnVector v = new ColumnVector(to, rows);
            decodeNulls(r.getTable(), col, rows, v);
            switch (wire.physical()) {
                case LONG -> decodeLongs(r.getTable(), col, rows, to, v);
                case DOUBLE -> decodeDoubles(r.getTable(), col, rows, v);
                case BYTES -> decodeStrings(r.getTable(), col, rows, limits.maxStringBytes(), v);
            }
            if (v.hasNulls && wire.physical() != ColumnType.Physical.BYTES) {
                clearNullSlots(v, rows); // a NULL's slot holds 0 whatever the client put there
            }
            v.setSize(rows);
            vectors[c] = v;
        }
        int ts = plan.timestampIndex();
        if (vectors[ts].hasNulls) {
            for (int i = 0; i < rows; i++) {
                if (vectors[ts].nulls[i]) {
                    throw IngestFailure.invalid("designated timestamp is missing [table=" + r.getTable() + ", row=" + i
                            + ", column=" + plan.timestampColumn() + ']', i, plan.timestampColumn());
                }
            }
        }
        return new RowBatch(target, vectors, rows);
    }

    private static void clearNullSlots(ColumnVector v, int rows) {
        for (int i = 0; i < rows; i++) {
            if (v.nulls[i]) {
                if (v.longs != null) {
                    v.longs[i] = 0;
                } else {
                    v.doubles[i] = 0;
                }
            }
        }
    }

    private static void decodeNulls(String table, Column col, int rows, ColumnVector v) {
        ByteString bits = col.getNullBitmap();
        if (bits.isEmpty()) {
            return;
        }
        if (bits.size() != (rows + 7) >>> 3) {
            throw IngestFailure.invalid("null bitmap has the wrong size [table=" + table + ", column=" + col.getName()
                    + ", bytes=" + bits.size() + ", expected=" + ((rows + 7) >>> 3) + ']', -1, col.getName());
        }
        boolean any = false;
        for (int i = 0; i < rows; i++) {
            boolean isNull = (bits.byteAt(i >>> 3) & (1 << (i & 7))) != 0;
            v.nulls[i] = isNull;
            any |= isNull;
        }
        v.hasNulls = any;
    }

    private static IngestFailure wrongCount(String table, Column col, String array, int got, int rows) {
        return IngestFailure.invalid("column holds a different number of values than the batch has rows [table=" + table
                + ", column=" + col.getName() + ", array=" + array + ", values=" + got + ", rows=" + rows + ']', -1, col.getName());
    }

    private static void decodeLongs(String table, Column col, int rows, ColumnType to, ColumnVector v) {
        if (col.getLongValuesCount() != rows || col.getDoubleValuesCount() != 0 || col.getStringLengthsCount() != 0) {
            throw wrongCount(table, col, "long_values", col.getLongValuesCount(), rows);
        }
        if (to == ColumnType.DOUBLE) {
            for (int i = 0; i < rows; i++) {
                v.doubles[i] = col.getLongValues(i);
            }
            return;
        }
        long[] out = v.longs;
        for (int i = 0; i < rows; i++) {
            out[i] = col.getLongValues(i);
        }
        RangeCheck.check(table, col.getName(), to, out, v.nulls, rows);
    }

    private static void decodeDoubles(String table, Column col, int rows, ColumnVector v) {
        if (col.getDoubleValuesCount() != rows || col.getLongValuesCount() != 0 || col.getStringLengthsCount() != 0) {
            throw wrongCount(table, col, "double_values", col.getDoubleValuesCount(), rows);
        }
        double[] out = v.doubles;
        for (int i = 0; i < rows; i++) {
            out[i] = col.getDoubleValues(i);
        }
    }

    private static void decodeStrings(String table, Column col, int rows, int maxStringBytes, ColumnVector v) {
        if (col.getStringLengthsCount() != rows || col.getLongValuesCount() != 0 || col.getDoubleValuesCount() != 0) {
            throw wrongCount(table, col, "string_lengths", col.getStringLengthsCount(), rows);
        }
        ByteString data = col.getStringData();
        long total = 0;
        int[] offsets = v.offsets;
        offsets[0] = 0;
        for (int i = 0; i < rows; i++) {
            int len = col.getStringLengths(i);
            if (len < 0 || len > maxStringBytes) {
                throw IngestFailure.invalid("string longer than the limit [table=" + table + ", row=" + i + ", column="
                        + col.getName() + ", bytes=" + Integer.toUnsignedLong(len) + ", max=" + maxStringBytes + ']', i, col.getName());
            }
            total += len;
            if (total > data.size()) {
                break;
            }
            offsets[i + 1] = (int) total;
        }
        if (total != data.size()) {
            throw IngestFailure.invalid("string lengths do not add up to the string data [table=" + table + ", column="
                    + col.getName() + ", lengths=" + total + ", bytes=" + data.size() + ']', -1, col.getName());
        }
        v.ensureByteCapacity((int) total);
        data.copyTo(v.bytes, 0);
        for (int i = 0; i < rows; i++) {
            if (!Utf8Check.isValid(v.bytes, offsets[i], offsets[i + 1])) {
                throw IngestFailure.invalid("string is not valid UTF-8 [table=" + table + ", row=" + i + ", column=" + col.getName() + ']',
                        i, col.getName());
            }
        }
    }
}
