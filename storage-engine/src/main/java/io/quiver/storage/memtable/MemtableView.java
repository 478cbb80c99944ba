package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A consistent prefix of a {@link Memtable}: the row count and columns visible when the view was
 * taken. A query reads through one view so every column and every chunk agree on the rows, however
 * many batches the writer appends meanwhile.
 *
 * <p>Zone maps per chunk and column let a scan skip chunks. For chunks filled completely within
 * the view they are exact. For the view's last chunk, when the writer was still filling it, they
 * may also cover rows appended after the view was taken: min/max are then still bounds of every
 * value the view sees (they only ever widen), {@link #nanCount} is an upper bound, and
 * {@link #nullCount} is counted exactly from the null bitmap.
 *
 * <p>A view from {@link Memtable#tryAcquireView} holds a reference on the memtable until
 * {@link #close}; one from {@link Memtable#view} does not, and {@code close} does nothing.
 */
public final class MemtableView implements AutoCloseable {
    private final Memtable memtable;
    private final long rowCount;
    private final Memtable.ColumnSet columnSet;
    private final AtomicBoolean holdsReference;

    MemtableView(Memtable memtable, long rowCount, Memtable.ColumnSet columnSet, boolean holdsReference) {
        this.memtable = memtable;
        this.rowCount = rowCount;
        this.columnSet = columnSet;
        this.holdsReference = new AtomicBoolean(holdsReference);
    }

    public Memtable memtable() {
        return memtable;
    }

    /** Rows of this view. */
    public long rowCount() {
        return rowCount;
    }

    /** Columns of this view, in table order. */
    public List<ColumnDef> columns() {
        return columnSet.defs();
    }

    public int columnCount() {
        return columnSet.columns().length;
    }

    /** Copies rows {@code [fromRow, fromRow+count)} (below {@link #rowCount()}) of the given columns into {@code out}. */
    public void read(long fromRow, int count, int[] columns, ColumnVector[] out) {
        memtable.checkOpen();
        memtable.read(columnSet, rowCount, fromRow, count, columns, out);
    }

    // ---------------------------------------------------------------- chunks and zone maps

    public int rowsPerChunk() {
        return memtable.layout().rowsPerChunk;
    }

    /** Chunks holding this view's rows. */
    public int chunkCount() {
        return (int) Math.ceilDiv(rowCount, (long) rowsPerChunk());
    }

    public long chunkFirstRow(int chunk) {
        checkChunk(chunk);
        return memtable.layout().firstRowOf(chunk);
    }

    /** Rows of {@code chunk} inside this view. */
    public int chunkRowCount(int chunk) {
        checkChunk(chunk);
        return (int) Math.min(rowsPerChunk(), rowCount - memtable.layout().firstRowOf(chunk));
    }

    /** NULL rows of {@code column} in {@code chunk} within this view (exact). */
    public int nullCount(int column, int chunk) {
        int rows = chunkRowCount(chunk);
        MemtableColumn col = column(column);
        memtable.checkOpen();
        try {
            return col.nullCount(chunk, rows);
        } catch (IllegalStateException e) {
            throw memtable.closedDuringAccess(e);
        }
    }

    /** Smallest non-NULL value of a long-physical column in a chunk; {@code Long.MAX_VALUE} when there is none. */
    public long minLong(int column, int chunk) {
        ChunkDirectory dir = zoneMap(column, chunk, ColumnType.Physical.LONG);
        return dir == null ? Long.MAX_VALUE : dir.min(chunk);
    }

    /** Largest non-NULL value of a long-physical column in a chunk; {@code Long.MIN_VALUE} when there is none. */
    public long maxLong(int column, int chunk) {
        ChunkDirectory dir = zoneMap(column, chunk, ColumnType.Physical.LONG);
        return dir == null ? Long.MIN_VALUE : dir.max(chunk);
    }

    /** Smallest non-NULL, non-NaN value of a DOUBLE column in a chunk; +Infinity when there is none. */
    public double minDouble(int column, int chunk) {
        ChunkDirectory dir = zoneMap(column, chunk, ColumnType.Physical.DOUBLE);
        return dir == null ? Double.POSITIVE_INFINITY : Double.longBitsToDouble(dir.min(chunk));
    }

    /** Largest non-NULL, non-NaN value of a DOUBLE column in a chunk; -Infinity when there is none. */
    public double maxDouble(int column, int chunk) {
        ChunkDirectory dir = zoneMap(column, chunk, ColumnType.Physical.DOUBLE);
        return dir == null ? Double.NEGATIVE_INFINITY : Double.longBitsToDouble(dir.max(chunk));
    }

    /** NaN values of a DOUBLE column in a chunk: 0 means none; for a chunk still being filled, an upper bound. */
    public int nanCount(int column, int chunk) {
        ChunkDirectory dir = zoneMap(column, chunk, ColumnType.Physical.DOUBLE);
        return dir == null ? 0 : dir.nanCount(chunk);
    }

    /** The directory holding the chunk's zone map, or null when the column has no chunk there (added later). */
    private ChunkDirectory zoneMap(int column, int chunk, ColumnType.Physical physical) {
        checkChunk(chunk);
        MemtableColumn col = column(column);
        if (col.def.type().physical() != physical) {
            throw new IllegalArgumentException("zone map of the wrong kind [column=" + col.def.name() + ", type="
                    + col.def.type() + ", asked=" + physical + ']');
        }
        memtable.checkOpen();
        ChunkDirectory dir = col.directory();
        return dir.chunk(chunk) == null ? null : dir;
    }

    private MemtableColumn column(int column) {
        MemtableColumn[] cols = columnSet.columns();
        if (column < 0 || column >= cols.length) {
            throw new IllegalArgumentException("no such column [table=" + memtable.table() + ", index=" + column
                    + ", columns=" + cols.length + ']');
        }
        return cols[column];
    }

    private void checkChunk(int chunk) {
        if (chunk < 0 || chunk >= chunkCount()) {
            throw new IndexOutOfBoundsException("no such chunk in view [table=" + memtable.table() + ", chunk=" + chunk
                    + ", chunks=" + chunkCount() + ']');
        }
    }

    /** Releases the reference this view holds, if any; later calls do nothing. */
    @Override
    public void close() {
        if (holdsReference.compareAndSet(true, false)) {
            memtable.release();
        }
    }
}
