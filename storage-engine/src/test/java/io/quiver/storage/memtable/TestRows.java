package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Builds batches from rows of Java values and reads memtables back into rows, for tests. */
final class TestRows {
    private TestRows() {
    }

    static List<ColumnDef> columns(Object... nameTypePairs) {
        List<ColumnDef> defs = new ArrayList<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            defs.add(new ColumnDef((String) nameTypePairs[i], (ColumnType) nameTypePairs[i + 1]));
        }
        return defs;
    }

    static List<Object[]> rows(Object[]... rows) {
        return List.of(rows);
    }

    /** A batch of {@code rows}; values are Long/Integer/Boolean (long-physical), Double, String, or null. */
    static RowBatch batch(List<ColumnDef> columns, List<Object[]> rows) {
        RowBatch batch = new RowBatch(columns, Math.max(1, rows.size()));
        batch.reset(rows.size());
        for (Object[] row : rows) {
            for (int c = 0; c < columns.size(); c++) {
                append(batch.column(c), row[c]);
            }
        }
        batch.syncRowCount();
        return batch;
    }

    static void append(ColumnVector v, Object value) {
        switch (value) {
            case null -> v.appendNull();
            case Boolean b -> v.appendLong(b ? 1 : 0);
            case Number n when v.type() != ColumnType.DOUBLE -> v.appendLong(n.longValue());
            case Double d -> v.appendDouble(d);
            case String s -> v.appendString(s);
            default -> throw new IllegalArgumentException("unsupported value " + value + " for " + v.type());
        }
    }

    /** The value of one row as the test models it: Long, Double, String or null (BOOLEAN as Long 0/1). */
    static Object value(ColumnVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        return switch (v.type().physical()) {
            case LONG -> v.getLong(row);
            case DOUBLE -> v.getDouble(row);
            case BYTES -> v.getString(row);
        };
    }

    /** Normalises a written value to what reading returns. */
    static Object expected(Object value) {
        return switch (value) {
            case null -> null;
            case Boolean b -> b ? 1L : 0L;
            case Double d -> d;
            case Number n -> n.longValue();
            default -> value;
        };
    }

    /** Reads rows {@code [from, from+count)} of every column through {@code view}. */
    static List<Object[]> read(MemtableView view, long from, int count) {
        int columns = view.columnCount();
        int[] indexes = new int[columns];
        ColumnVector[] out = new ColumnVector[columns];
        for (int c = 0; c < columns; c++) {
            indexes[c] = c;
            out[c] = new ColumnVector(view.columns().get(c).type(), 1);
        }
        view.read(from, count, indexes, out);
        List<Object[]> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            Object[] row = new Object[columns];
            for (int c = 0; c < columns; c++) {
                assertEquals(count, out[c].size(), "vector size");
                row[c] = value(out[c], r);
            }
            rows.add(row);
        }
        return rows;
    }

    static List<Object[]> readAll(Memtable memtable) {
        MemtableView view = memtable.view();
        return read(view, 0, (int) view.rowCount());
    }

    /** Compares rows value by value; doubles bit for bit (so NaN payloads and -0.0 count). */
    static void assertRows(List<Object[]> expected, List<Object[]> actual, String context) {
        assertEquals(expected.size(), actual.size(), "row count " + context);
        for (int r = 0; r < expected.size(); r++) {
            Object[] e = expected.get(r);
            Object[] a = actual.get(r);
            assertEquals(e.length, a.length, "column count " + context);
            for (int c = 0; c < e.length; c++) {
                Object ev = expected(e[c]);
                Object av = a[c];
                boolean same = ev instanceof Double ed && av instanceof Double ad
                        ? Double.doubleToRawLongBits(ed) == Double.doubleToRawLongBits(ad)
                        : java.util.Objects.equals(ev, av);
                if (!same) {
                    fail("row " + r + " column " + c + " differs " + context + ": expected <" + describe(ev)
                            + "> but was <" + describe(av) + ">; row " + Arrays.toString(a));
                }
            }
        }
    }

    private static String describe(Object v) {
        if (v instanceof Double d) {
            return d + " (bits " + Long.toHexString(Double.doubleToRawLongBits(d)) + ')';
        }
        if (v instanceof String s && s.length() > 60) {
            return "String of length " + s.length();
        }
        return String.valueOf(v);
    }
}
