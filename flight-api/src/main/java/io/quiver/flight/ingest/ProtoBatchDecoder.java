package io.quiver.flight.ingest;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes an ingest request's packed columns (as {@link IngestRequestReader} read them) into a {@link RowBatch} of the table's types,
 * checking everything the storage engine would otherwise trip over or that the limits forbid:
 * array lengths, null bitmaps, UTF-8, string lengths, integer ranges and the designated timestamp.
 * Errors name the row and column. Takes the reader's arrays as the vectors' arrays: nothing per row,
 * no second copy of the values.
 */
public final class ProtoBatchDecoder {
    private static final int MIN_TYPE_ID = 1;
    private static final int MAX_TYPE_ID = 8;
    private ProtoBatchDecoder() {
    }

    /** The batch's columns with their wire types; rejects unnamed or untyped columns. */
    public static List<ColumnDef> incomingColumns(WireBatch r, IngestLimits limits) {
        if (r.columns().size() > limits.maxColumns()) {
            throw IngestFailure.invalid("too many columns [table=" + r.table() + ", columns=" + r.columns().size()
                    + ", max=" + limits.maxColumns() + ']');
        }
        List<ColumnDef> out = new ArrayList<>(r.columns().size());
        for (WireBatch.Column c : r.columns()) {
            // quiver.v1.ColumnType numbers are the storage type ids; 0 is UNSPECIFIED, others unknown.
            if (c.type() < MIN_TYPE_ID || c.type() > MAX_TYPE_ID) {
                throw IngestFailure.invalid("column has no type [table=" + r.table() + ", column=" + c.name()
                        + (c.type() == 0 ? "" : ", type=" + c.type()) + ']', -1, c.name());
            }
            try {
                out.add(new ColumnDef(c.name(), ColumnType.fromId(c.type())));
            } catch (StorageException e) {
                throw IngestFailure.invalid(e.getMessage(), -1, c.name());
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

    /**
     * The batch as vectors of the plan's target types. The reader's arrays become the vectors' arrays
     * where the types allow (no copy); nothing of {@code r} may be used afterwards.
     */
    public static RowBatch decode(WireBatch r, TableWriter.Plan plan, IngestLimits limits) {
        checkRowCount(r.table(), r.rowCount(), limits);
        int rows = (int) r.rowCount();
        List<ColumnDef> target = plan.targetColumns();
        ColumnVector[] vectors = new ColumnVector[target.size()];
        for (int c = 0; c < vectors.length; c++) {
            WireBatch.Column col = r.columns().get(c);
            ColumnType wire = plan.incoming().get(c).type();
            ColumnType to = target.get(c).type();
            ColumnVector v = new ColumnVector(to, 1); // its arrays are replaced by the request's
            v.nulls = new boolean[rows];
            decodeNulls(r.table(), col, rows, v);
            switch (wire.physical()) {
                case LONG -> decodeLongs(r.table(), col, rows, to, v);
                case DOUBLE -> decodeDoubles(r.table(), col, rows, v);
                case BYTES -> decodeStrings(r.table(), col, rows, limits.maxStringBytes(), v);
            }
            if (v.hasNulls && wire.physical() != ColumnType.Physical.BYTES) {
                clearNullSlots(v, rows); // a NULL's slot holds 0 whatever the client put there
            }
            v.setSize(rows);
            vectors[c] = v;
        }
        int ts = plan.timestampIndex();
        if (ts >= 0 && vectors[ts].hasNulls) {
            for (int i = 0; i < rows; i++) {
                if (vectors[ts].nulls[i]) {
                    throw IngestFailure.invalid("designated timestamp is missing [table=" + r.table() + ", row=" + i
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

    private static void decodeNulls(String table, WireBatch.Column col, int rows, ColumnVector v) {
        byte[] bits = col.nullBitmap;
        if (bits.length == 0) {
            return;
        }
        if (bits.length != (rows + 7) >>> 3) {
            throw IngestFailure.invalid("null bitmap has the wrong size [table=" + table + ", column=" + col.name()
                    + ", bytes=" + bits.length + ", expected=" + ((rows + 7) >>> 3) + ']', -1, col.name());
        }
        boolean any = false;
        boolean[] nulls = v.nulls;
        for (int i = 0; i < rows; i++) {
            boolean isNull = (bits[i >>> 3] & (1 << (i & 7))) != 0;
            nulls[i] = isNull;
            any |= isNull;
        }
        v.hasNulls = any;
    }

    private static IngestFailure wrongCount(String table, WireBatch.Column col, String array, int got, int rows) {
        return IngestFailure.invalid("column holds a different number of values than the batch has rows [table=" + table
                + ", column=" + col.name() + ", array=" + array + ", values=" + got + ", rows=" + rows + ']', -1, col.name());
    }

    private static void decodeLongs(String table, WireBatch.Column col, int rows, ColumnType to, ColumnVector v) {
        if (col.longCount != rows || col.doubleCount != 0 || col.stringLengthCount != 0) {
            throw wrongCount(table, col, "long_values", col.longCount, rows);
        }
        long[] values = col.longs;
        if (to == ColumnType.DOUBLE) {
            double[] out = new double[rows];
            for (int i = 0; i < rows; i++) {
                out[i] = values[i];
            }
            v.doubles = out;
            return;
        }
        v.longs = values.length == rows ? values : Arrays.copyOf(values, rows);
        RangeCheck.check(table, col.name(), to, v.longs, v.nulls, rows);
    }

    private static void decodeDoubles(String table, WireBatch.Column col, int rows, ColumnVector v) {
        if (col.doubleCount != rows || col.longCount != 0 || col.stringLengthCount != 0) {
            throw wrongCount(table, col, "double_values", col.doubleCount, rows);
        }
        v.doubles = col.doubles.length == rows ? col.doubles : Arrays.copyOf(col.doubles, rows);
    }

    private static void decodeStrings(String table, WireBatch.Column col, int rows, int maxStringBytes, ColumnVector v) {
        if (col.stringLengthCount != rows || col.longCount != 0 || col.doubleCount != 0) {
            throw wrongCount(table, col, "string_lengths", col.stringLengthCount, rows);
        }
        byte[] data = col.stringData;
        int[] lengths = col.stringLengths;
        int[] offsets = new int[rows + 1];
        long total = 0;
        for (int i = 0; i < rows; i++) {
            int len = lengths[i];
            if (len < 0 || len > maxStringBytes) {
                throw IngestFailure.invalid("string longer than the limit [table=" + table + ", row=" + i + ", column="
                        + col.name() + ", bytes=" + Integer.toUnsignedLong(len) + ", max=" + maxStringBytes + ']', i, col.name());
            }
            total += len;
            if (total > data.length) {
                break;
            }
            offsets[i + 1] = (int) total;
        }
        if (total != data.length) {
            throw IngestFailure.invalid("string lengths do not add up to the string data [table=" + table + ", column="
                    + col.name() + ", lengths=" + total + ", bytes=" + data.length + ']', -1, col.name());
        }
        boolean ascii = Utf8Check.isAscii(data, 0, data.length); // then every string is valid
        for (int i = 0; i < rows && !ascii; i++) {
            if (!Utf8Check.isValid(data, offsets[i], offsets[i + 1])) {
                throw IngestFailure.invalid("string is not valid UTF-8 [table=" + table + ", row=" + i + ", column=" + col.name() + ']',
                        i, col.name());
            }
        }
        v.offsets = offsets;
        v.bytes = data; // the reader copied it out of the message: the vector owns it now
    }
}
