package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Acknowledged rows of one table generation, held off the heap in columnar chunks until a flush
 * seals them into a segment. One writer appends ({@link #append}, {@link #addColumn}: the caller
 * serialises them); any number of readers read concurrently, without locks, and see whole batches
 * or nothing.
 *
 * <p><b>Layout.</b> Each column is a list of fixed-size chunks of {@link #rowsPerChunk()} rows
 * (8 bytes a row plus a null bitmap; VARCHAR chunks hold end positions into a paged byte stream).
 * A chunk is allocated once and never moved, so a reader never sees memory move under it.
 *
 * <p><b>Visibility.</b> {@link #append} writes every row above the published row count first,
 * then publishes the new count with a release store; readers load it with acquire and only read
 * rows below it. See the comment in {@link #append}.
 *
 * <p><b>Lifetime.</b> Reference counted: the creator holds one reference; readers that may outlive
 * the creator's interest (a query still scanning after the table switched to a new memtable)
 * {@link #tryRetain} one and {@link #release} it. The last release frees all native memory (or,
 * for a memtable built with a {@link MemtableMemoryPool}, hands it to the pool for the table's next
 * memtable); after that every method that would touch it throws {@link StorageException.Kind#CLOSED}.
 * A caller must hold a reference while it reads; a read racing the final free by a caller that
 * holds none fails with CLOSED (segments of a closed shared arena refuse access) rather than
 * reading freed memory; with a pool, such a broken reader could instead read rows of a later
 * memtable, which is why the reference rule is not optional.
 */
public final class Memtable {
    /** Rows per chunk unless the constructor says otherwise: large enough that per-chunk work is noise, a power of two. */
    public static final int DEFAULT_ROWS_PER_CHUNK = 8192;
    /** VARCHAR page size per row of a chunk, for the default page size (16 bytes a row: 128 KiB pages at 8192 rows). */
    public static final int DEFAULT_VARCHAR_PAGE_BYTES_PER_ROW = 16;
    /** Smallest default VARCHAR page, so tiny chunk sizes still get reasonably sized pages. */
    public static final int MIN_DEFAULT_VARCHAR_PAGE_BYTES = 4096;

    private static final VarHandle ROW_COUNT;
    private static final VarHandle REF_COUNT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ROW_COUNT = lookup.findVarHandle(Memtable.class, "rowCount", long.class);
            REF_COUNT = lookup.findVarHandle(Memtable.class, "refCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The columns, replaced as a whole by {@link #addColumn}. */
    record ColumnSet(List<ColumnDef> defs, MemtableColumn[] columns) {
    }

    private final String table;
    private final ChunkLayout layout;
    private final int varcharPageBytes;
    private final long byteLimit;
    private final MemtableMemory memory;
    /** Where the memory goes after the last release: a pool that reuses it, or nowhere (freed). */
    private final MemtableMemoryPool pool;
    private volatile ColumnSet columnSet;
    /** Rows visible to readers. Written only by the writer with setRelease, read with getAcquire. */
    @SuppressWarnings("unused") // accessed through ROW_COUNT
    private long rowCount;
    /** References held; 0 means freed. Changed only by CAS. */
    private volatile int refCount = 1;
    private volatile long oldestAppendNanos;

    public Memtable(String table, List<ColumnDef> columns, long byteLimit) {
        this(table, columns, DEFAULT_ROWS_PER_CHUNK, byteLimit);
    }

    public Memtable(String table, List<ColumnDef> columns, int rowsPerChunk, long byteLimit) {
        this(table, columns, rowsPerChunk, defaultVarcharPageBytes(rowsPerChunk), byteLimit);
    }

    /**
     * @param table            table name, for messages
     * @param columns          the table's columns, in table order
     * @param rowsPerChunk     rows per column chunk, a power of two
     * @param varcharPageBytes size of each page of a VARCHAR column's byte stream
     * @param byteLimit        native bytes this memtable may hold; appends beyond it fail RESOURCE_EXHAUSTED
     */
    public Memtable(String table, List<ColumnDef> columns, int rowsPerChunk, int varcharPageBytes, long byteLimit) {
        this(table, columns, rowsPerChunk, varcharPageBytes, byteLimit, null);
    }

    /**
     * Like {@link #Memtable(String, List, int, long)}, with native memory taken from {@code pool}
     * (reused from an earlier memtable of the table when it has a spare) and given back to it when
     * the last reference is released, instead of being freed.
     */
    public Memtable(String table, List<ColumnDef> columns, int rowsPerChunk, long byteLimit, MemtableMemoryPool pool) {
        this(table, columns, rowsPerChunk, defaultVarcharPageBytes(rowsPerChunk), byteLimit, pool);
    }

    private Memtable(String table, List<ColumnDef> columns, int rowsPerChunk, int varcharPageBytes, long byteLimit, MemtableMemoryPool pool) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("memtable needs at least one column [table=" + table + ']');
        }
        if (varcharPageBytes <= 0) {
            throw new IllegalArgumentException("VARCHAR page size must be positive [table=" + table + ", varcharPageBytes=" + varcharPageBytes + ']');
        }
        if (byteLimit <= 0) {
            throw new IllegalArgumentException("byte limit must be positive [table=" + table + ", limit=" + byteLimit + ']');
        }
        this.table = table;
        this.layout = new ChunkLayout(rowsPerChunk);
        this.varcharPageBytes = varcharPageBytes;
        this.byteLimit = byteLimit;
        List<ColumnDef> defs = List.copyOf(columns);
        for (int i = 0; i < defs.size(); i++) {
            requireNewName(defs.subList(0, i), defs.get(i).name());
        }
        this.pool = pool;
        this.memory = pool != null ? pool.take() : new MemtableMemory();
        MemtableColumn[] cols = new MemtableColumn[defs.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = MemtableColumn.create(defs.get(i), layout, memory, 0, varcharPageBytes);
        }
        this.columnSet = new ColumnSet(defs, cols);
    }

    private static int defaultVarcharPageBytes(int rowsPerChunk) {
        return (int) Math.max(MIN_DEFAULT_VARCHAR_PAGE_BYTES, (long) rowsPerChunk * DEFAULT_VARCHAR_PAGE_BYTES_PER_ROW);
    }

    // ---------------------------------------------------------------- writer

    /**
     * Appends every row of {@code batch}, whose columns are this memtable's columns in order.
     * Readers see all of the batch or none of it. On any failure the memtable is unchanged (as
     * far as readers and later appends can tell).
     *
     * @throws StorageException INVALID_INPUT if the batch does not match the columns,
     *                          RESOURCE_EXHAUSTED if it would take the memtable over its byte limit,
     *                          CLOSED if the memtable was freed
     */
    public void append(RowBatch batch) {
        checkOpen();
        MemtableColumn[] columns = columnSet.columns();
        int rows = batch.rowCount();
        validate(batch, columns, rows);
        if (rows == 0) {
            return;
        }
        long start = rowCount; // plain read: only this (the writer) thread writes it
        long needed = 0;
        for (MemtableColumn column : columns) {
            needed += column.bytesNeeded(start, rows);
        }
        long held = memory.usedBytes();
        if (needed > byteLimit - held) {
            throw StorageException.exhausted("memtable full [table=" + table + ", bytes=" + held + ", needed=" + needed
                    + ", limit=" + byteLimit + ", rows=" + rows + ']');
        }
        // Allocate everything first: once writing starts nothing can fail halfway.
        for (MemtableColumn column : columns) {
            column.reserve(start, rows);
        }
        for (int c = 0; c < columns.length; c++) {
            columns[c].write(start, batch.column(c), rows);
        }
        if (start == 0) {
            oldestAppendNanos = System.nanoTime();
        }
        // Memory ordering: every store above (chunk bytes, null bits, zone maps, directory slots)
        // lies in rows >= start, which no reader touches: readers only read rows below a count
        // they loaded. The release store orders all those stores before the new count; a reader
        // that loads the count with acquire (rowCount(), view(), read()) therefore sees every
        // byte of every row below it. A reader that loaded the old count never looks at the new
        // rows. Hence a batch becomes visible whole or not at all, with no lock on either side.
        ROW_COUNT.setRelease(this, start + rows);
    }

    private void validate(RowBatch batch, MemtableColumn[] columns, int rows) {
        if (batch.columnCount() != columns.length) {
            throw StorageException.invalid("batch column count does not match the memtable [table=" + table
                    + ", batchColumns=" + batch.columnCount() + ", columns=" + columns.length + ']');
        }
        if (rows < 0) {
            throw StorageException.invalid("batch row count is negative [table=" + table + ", rows=" + rows + ']');
        }
        for (int c = 0; c < columns.length; c++) {
            ColumnType expected = columns[c].def.type();
            ColumnVector vector = batch.column(c);
            if (batch.type(c) != expected || vector.type() != expected) {
                throw StorageException.invalid("batch column type does not match the memtable [table=" + table
                        + ", column=" + columns[c].def.name() + ", index=" + c + ", expected=" + expected
                        + ", actual=" + vector.type() + ']');
            }
            columns[c].validate(vector, rows);
        }
    }

    /**
     * Adds a trailing column. Rows appended before read as NULL for it (no memory is allocated for
     * them); every later batch must carry it. Writer-side: serialise with {@link #append}.
     */
    public void addColumn(ColumnDef def) {
        checkOpen();
        ColumnSet current = columnSet;
        requireNewName(current.defs(), def.name());
        List<ColumnDef> defs = new ArrayList<>(current.defs());
        defs.add(def);
        MemtableColumn[] cols = java.util.Arrays.copyOf(current.columns(), current.columns().length + 1);
        cols[cols.length - 1] = MemtableColumn.create(def, layout, memory, rowCount, varcharPageBytes);
        // Volatile store of a fully built set: a reader sees the old set or the whole new one.
        columnSet = new ColumnSet(List.copyOf(defs), cols);
    }

    private void requireNewName(List<ColumnDef> existing, String name) {
        for (ColumnDef d : existing) {
            if (d.name().equalsIgnoreCase(name)) {
                throw StorageException.alreadyExists("duplicate column [table=" + table + ", name=" + name + ']');
            }
        }
    }

    // ---------------------------------------------------------------- readers

    /** Rows visible to readers (acquire: every row below it is fully written). */
    public long rowCount() {
        return (long) ROW_COUNT.getAcquire(this);
    }

    public boolean isEmpty() {
        return rowCount() == 0;
    }

    /** The columns at this instant, in table order. */
    public List<ColumnDef> columns() {
        return columnSet.defs();
    }

    /** Native bytes held (allocated chunks and pages, used or not); 0 once freed. */
    public long offHeapBytes() {
        return memory.usedBytes();
    }

    /** Native bytes this memtable took fresh rather than reused from an earlier one (see {@link MemtableMemoryPool}). */
    public long freshBytes() {
        return memory.freshBytes();
    }

    public long byteLimit() {
        return byteLimit;
    }

    public int rowsPerChunk() {
        return layout.rowsPerChunk;
    }

    public String table() {
        return table;
    }

    /** {@link System#nanoTime()} of the first append that added rows; meaningful only when rows exist. */
    public long oldestAppendNanos() {
        return oldestAppendNanos;
    }

    /**
     * Copies rows {@code [fromRow, fromRow+count)} of the given columns into {@code out}
     * (each vector reset to {@code count} rows). The rows must lie below a row count this reader
     * observed. Allocates nothing unless a vector must grow. Equivalent to
     * {@code view().read(...)}.
     */
    public void read(long fromRow, int count, int[] columns, ColumnVector[] out) {
        checkOpen();
        long visible = rowCount();
        read(columnSet, visible, fromRow, count, columns, out);
    }

    /**
     * An upper bound of the native bytes appending {@code batch} can allocate here, wherever the
     * memtable stands: every column may touch one chunk more than its rows fill, and a VARCHAR
     * column one page more than its bytes. A table reserves this much for a batch from its WAL
     * append to its apply, so that a batch it has made durable never meets the byte limit.
     */
    public long bytesUpperBound(RowBatch batch) {
        int rows = batch.rowCount();
        long chunks = (rows + (long) layout.rowsPerChunk - 1) / layout.rowsPerChunk + 1;
        long total = chunks * layout.chunkBytes * columnSet.columns().length;
        for (int c = 0; c < batch.columnCount(); c++) {
            ColumnVector v = batch.column(c);
            if (v.type().physical() == io.quiver.storage.ColumnType.Physical.BYTES && rows > 0) {
                long bytes = v.offsets[rows] - v.offsets[0];
                total += ((bytes + varcharPageBytes - 1) / varcharPageBytes + 1) * varcharPageBytes;
            }
        }
        return total;
    }

    /**
     * Copies the rows {@code rows[from..from+count)}, in that order, of the given columns into
     * {@code out} (each vector reset to {@code count} rows). Every row must lie below a row count
     * this reader observed. A flush uses it to write a sealed memtable in sort order one block at a
     * time, instead of copying it whole onto the heap.
     */
    public void gather(int[] rows, int from, int count, int[] columns, ColumnVector[] out) {
        checkOpen();
        long visible = rowCount();
        ColumnSet set = columnSet;
        for (int i = from; i < from + count; i++) {
            if (rows[i] < 0 || rows[i] >= visible) {
                throw new IndexOutOfBoundsException("row outside the visible rows [table=" + table + ", row=" + rows[i]
                        + ", visibleRows=" + visible + ']');
            }
        }
        MemtableColumn[] cols = set.columns();
        checkOutputs(cols, columns, out);
        try {
            for (int i = 0; i < columns.length; i++) {
                cols[columns[i]].gather(rows, from, count, out[i]);
            }
        } catch (IllegalStateException e) {
            throw closedDuringAccess(e);
        }
    }

    /**
     * A consistent prefix of this memtable: the rows and columns visible at this instant. Does not
     * hold a reference: use it while holding one (or use {@link #tryAcquireView}).
     */
    public MemtableView view() {
        checkOpen();
        long visible = rowCount(); // acquire first, then the column set: it covers every visible row
        return new MemtableView(this, visible, columnSet, false);
    }

    /**
     * Like {@link #view} but holding a reference until the view is closed, or null when the memtable
     * was already freed (the caller then looks for the table's current memtable).
     */
    public MemtableView tryAcquireView() {
        if (!tryRetain()) {
            return null;
        }
        long visible = rowCount();
        return new MemtableView(this, visible, columnSet, true);
    }

    void read(ColumnSet set, long visibleRows, long fromRow, int count, int[] columns, ColumnVector[] out) {
        if (fromRow < 0 || count < 0 || fromRow + count > visibleRows) {
            throw new IndexOutOfBoundsException("rows outside the visible rows [table=" + table + ", fromRow=" + fromRow
                    + ", count=" + count + ", visibleRows=" + visibleRows + ']');
        }
        MemtableColumn[] cols = set.columns();
        checkOutputs(cols, columns, out);
        try {
            for (int i = 0; i < columns.length; i++) {
                cols[columns[i]].read(fromRow, count, out[i]);
            }
        } catch (IllegalStateException e) {
            throw closedDuringAccess(e);
        }
    }

    private void checkOutputs(MemtableColumn[] cols, int[] columns, ColumnVector[] out) {
        if (columns.length > out.length) {
            throw new IllegalArgumentException("fewer output vectors than columns [table=" + table + ", columns="
                    + columns.length + ", vectors=" + out.length + ']');
        }
        for (int i = 0; i < columns.length; i++) {
            int index = columns[i];
            if (index < 0 || index >= cols.length) {
                throw new IllegalArgumentException("no such column [table=" + table + ", index=" + index + ", columns=" + cols.length + ']');
            }
            if (out[i].type() != cols[index].def.type()) {
                throw new IllegalArgumentException("output vector type does not match the column [table=" + table
                        + ", column=" + cols[index].def.name() + ", expected=" + cols[index].def.type() + ", actual=" + out[i].type() + ']');
            }
        }
    }

    /**
     * Maps the JDK's refusal to touch a segment of the closed arena (a reader holding no reference
     * raced the final free) to CLOSED; any other IllegalStateException is a bug and passes through.
     */
    RuntimeException closedDuringAccess(IllegalStateException e) {
        if (memory.isOpen()) {
            return e;
        }
        return new StorageException(StorageException.Kind.CLOSED, "memtable freed during read [table=" + table + ']', e);
    }

    // ---------------------------------------------------------------- lifetime

    /** Takes a reference unless the memory was already freed; true when taken. */
    public boolean tryRetain() {
        for (;;) {
            int refs = refCount;
            if (refs <= 0) {
                return false;
            }
            if (REF_COUNT.compareAndSet(this, refs, refs + 1)) {
                return true;
            }
        }
    }

    /** Gives back a reference; the last one frees all native memory. */
    public void release() {
        for (;;) {
            int refs = refCount;
            if (refs <= 0) {
                throw StorageException.closed("memtable released more often than retained [table=" + table + ']');
            }
            if (REF_COUNT.compareAndSet(this, refs, refs - 1)) {
                if (refs == 1) {
                    if (pool != null) {
                        pool.recycle(memory); // this memtable is unreachable for readers holding a reference
                    } else {
                        memory.close();
                    }
                }
                return;
            }
        }
    }

    /** True until the last reference is released. */
    public boolean isOpen() {
        return refCount > 0;
    }

    /** References currently held (for tests and diagnostics). */
    public int refCount() {
        return refCount;
    }

    void checkOpen() {
        if (refCount <= 0) {
            throw StorageException.closed("memtable is freed [table=" + table + ']');
        }
    }

    ChunkLayout layout() {
        return layout;
    }

    @Override
    public String toString() {
        return "Memtable[table=" + table + ", rows=" + rowCount() + ", bytes=" + offHeapBytes() + ", refs=" + refCount + ']';
    }
}
