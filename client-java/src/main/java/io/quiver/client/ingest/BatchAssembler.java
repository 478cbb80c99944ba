package io.quiver.client.ingest;

import io.quiver.client.ColumnType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The open batch of one table: its columns, filled row by row by {@link RowBuilder#add()}, and sealed
 * into an encoded {@code IngestRequest} when it is full or old enough. Column buffers are kept across
 * batches, so a steady stream allocates nothing per row. Used only under the ingestor's lock.
 */
final class BatchAssembler {
    private final String table;
    private final String timestampColumn;
    private final Map<String, ColumnBuffer> byName = new HashMap<>();
    private final List<ColumnBuffer> columns = new ArrayList<>();
    /**
     * The column the previous row set at each position: rows of one stream nearly always set their
     * columns in the same order, so this finds a value's column without hashing its name.
     */
    private ColumnBuffer[] byPosition = new ColumnBuffer[16];
    private final int initialCapacity;
    private int rows;
    private long firstRowNanos;
    private long firstRowOrdinal;

    BatchAssembler(String table, String timestampColumn, int initialCapacity) {
        this.table = table;
        this.timestampColumn = timestampColumn;
        this.initialCapacity = initialCapacity;
    }

    String table() {
        return table;
    }

    int rows() {
        return rows;
    }

    long firstRowNanos() {
        return firstRowNanos;
    }

    long firstRowOrdinal() {
        return firstRowOrdinal;
    }

    long wireBytes() {
        long n = 0;
        for (int i = 0; i < columns.size(); i++) {
            n += columns.get(i).wireBytes();
        }
        return n;
    }

    /**
     * Checks that every staged value fits the type its column already has in this batch, so a row
     * is added whole or not at all. Returns null when fine, else a message naming the column.
     */
    String checkTypes(RowBuilder.Staged staged) {
        for (int i = 0; i < staged.count; i++) {
            ColumnBuffer c = lookup(i, staged.names[i]);
            ColumnType t = staged.types[i];
            if (c != null && t != null && c.type() != t) {
                return "column type changes within a batch [table=" + table + ", column=" + staged.names[i]
                        + ", batchType=" + c.type() + ", rowType=" + t + ']';
            }
        }
        return null;
    }

    /** Appends one staged row (after {@link #checkTypes} passed). */
    void append(RowBuilder.Staged staged, long rowOrdinal, long nowNanos) {
        if (rows == 0) {
            firstRowNanos = nowNanos;
            firstRowOrdinal = rowOrdinal;
        }
        int row = rows;
        for (int i = 0; i < staged.count; i++) {
            String name = staged.names[i];
            ColumnType t = staged.types[i];
            ColumnBuffer c = lookup(i, name);
            if (c == null) {
                if (t == null) {
                    continue; // a NULL for a column this batch has not typed yet: absent columns are NULL anyway
                }
                c = new ColumnBuffer(name, t, Math.max(initialCapacity, row + 1));
                byName.put(name, c);
                columns.add(c);
                byPosition[i] = c;
            }
            if (t == null) {
                c.setNull(row);
            } else {
                switch (staged.kinds[i]) {
                    case RowBuilder.KIND_LONG -> c.setLong(row, staged.longs[i]);
                    case RowBuilder.KIND_DOUBLE -> c.setDouble(row, staged.doubles[i]);
                    default -> c.setString(row, staged.strings[i]);
                }
            }
        }
        rows = row + 1;
    }

    /** The column named {@code name}, trying where the previous row had its {@code position}-th value first. */
    private ColumnBuffer lookup(int position, String name) {
        if (position < byPosition.length) {
            ColumnBuffer guess = byPosition[position];
            if (guess != null && (guess.name() == name || guess.name().equals(name))) {
                return guess;
            }
        } else {
            byPosition = java.util.Arrays.copyOf(byPosition, Math.max(position + 1, byPosition.length * 2));
        }
        ColumnBuffer c = byName.get(name);
        if (c != null) {
            byPosition[position] = c;
        }
        return c;
    }

    /**
     * Encodes the request (protobuf bytes, exactly as protobuf-java would write it) from the rows
     * assembled so far, straight from the column buffers, and empties the assembler.
     */
    EncodedRequest seal(String batchId) {
        int[] columnSizes = new int[columns.size()];
        int size = 0;
        for (int i = 0; i < columnSizes.length; i++) {
            columnSizes[i] = columns.get(i).messageSize(rows);
            size = Math.addExact(size, ProtoWire.lenFieldSize(columnSizes[i]));
        }
        int rowCount = rows;
        EncodedRequest request = EncodedRequest.encode(table, batchId, rowCount, timestampColumn, size, (out, pos) -> {
            for (int i = 0; i < columnSizes.length; i++) {
                pos = ProtoWire.writeLenHeader(out, pos, 4, columnSizes[i]);
                pos = columns.get(i).writeMessage(out, pos, rowCount);
            }
            return pos;
        });
        rows = 0;
        return request;
    }
}
