package io.quiver.client.ingest;

import io.quiver.proto.v1.Column;
import io.quiver.proto.v1.ColumnType;
import io.quiver.proto.v1.IngestRequest;

import java.nio.charset.StandardCharsets;

/** Reads values back out of a request, the way a server would, for assertions. */
final class WireRows {
    private WireRows() {
    }

    static Column column(IngestRequest r, String name) {
        for (Column c : r.getColumnsList()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no column " + name + " in " + r.getColumnsList().stream().map(Column::getName).toList());
    }

    static boolean isNull(Column c, int row) {
        return !c.getNullBitmap().isEmpty() && (c.getNullBitmap().byteAt(row >>> 3) & (1 << (row & 7))) != 0;
    }

    /** The value as Long, Double or String, or null. */
    static Object value(IngestRequest r, String name, int row) {
        Column c = column(r, name);
        if (isNull(c, row)) {
            return null;
        }
        if (c.getType() == ColumnType.COLUMN_TYPE_DOUBLE) {
            return c.getDoubleValues(row);
        }
        if (c.getType() == ColumnType.COLUMN_TYPE_VARCHAR) {
            int start = 0;
            for (int i = 0; i < row; i++) {
                start += c.getStringLengths(i);
            }
            byte[] all = c.getStringData().toByteArray();
            return new String(all, start, c.getStringLengths(row), StandardCharsets.UTF_8);
        }
        return c.getLongValues(row);
    }
}
