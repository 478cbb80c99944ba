package io.quiver.storage.vector;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;

import java.util.List;

/**
 * A batch of rows held as columns: what ingest hands to the WAL and memtable, what a flush hands
 * to the segment writer, and what a scan hands to the query engine. Columns are positional; which
 * table column each one is comes from {@link #columnNames()}.
 */
public final class RowBatch {
    private final List<ColumnDef> columns;
    private final ColumnVector[] vectors;
    private int rowCount;

    public RowBatch(List<ColumnDef> columns, int capacity) {
        this.columns = List.copyOf(columns);
        this.vectors = new ColumnVector[columns.size()];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = new ColumnVector(columns.get(i).type(), capacity);
        }
    }

    public RowBatch(List<ColumnDef> columns, ColumnVector[] vectors, int rowCount) {
        if (columns.size() != vectors.length) {
            throw new IllegalArgumentException("columns and vectors differ in count");
        }
        this.columns = List.copyOf(columns);
        this.vectors = vectors;
        this.rowCount = rowCount;
    }

    public List<ColumnDef> columns() {
        return columns;
    }

    public List<String> columnNames() {
        return columns.stream().map(ColumnDef::name).toList();
    }

    public int columnCount() {
        return vectors.length;
    }

    public ColumnVector column(int index) {
        return vectors[index];
    }

    public ColumnType type(int index) {
        return columns.get(index).type();
    }

    /** Index of the column with this name (case-insensitive), or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    public int rowCount() {
        return rowCount;
    }

    public void setRowCount(int rowCount) {
        this.rowCount = rowCount;
        for (ColumnVector v : vectors) {
            v.setSize(rowCount);
        }
    }

    /** Empties every column for reuse, with room for {@code rows} rows. */
    public void reset(int rows) {
        rowCount = 0;
        for (ColumnVector v : vectors) {
            v.reset(rows);
        }
    }

    /** Re-reads the row count from the columns after row-at-a-time appends; all must agree. */
    public void syncRowCount() {
        int n = vectors.length == 0 ? 0 : vectors[0].size();
        for (int i = 1; i < vectors.length; i++) {
            if (vectors[i].size() != n) {
                throw new IllegalStateException("columns hold different row counts [column="
                        + columns.get(i).name() + ", rows=" + vectors[i].size() + ", expected=" + n + ']');
            }
        }
        rowCount = n;
    }
}
