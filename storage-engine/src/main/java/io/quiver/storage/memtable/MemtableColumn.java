package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.StorageException;
import io.quiver.storage.vector.ColumnVector;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One column of a memtable: its chunks, null bitmaps and zone maps. A column only knows about
 * rows; the {@link Memtable} decides which rows are visible and owns the arena.
 *
 * <p>Writer protocol, per appended batch (all on the single writer thread):
 * {@link #validate} (may throw, changes nothing), {@link #bytesNeeded} (for the byte limit),
 * {@link #reserve} (allocates every chunk the batch needs, so the next step cannot fail halfway),
 * {@link #write} (copies rows above the published row count: invisible to readers until the
 * memtable releases the new count).
 */
abstract sealed class MemtableColumn permits FixedWidthColumn, VarcharColumn {
    private static final int INITIAL_DIRECTORY_CAPACITY = 16;

    final ColumnDef def;
    final ChunkLayout layout;
    final MemtableMemory memory;
    /** Out-parameter of {@link MemtableMemory#allocate}; writer thread only. */
    private final boolean[] fresh = new boolean[1];
    /** First row holding a value; rows before it are NULL (the column was added after them). */
    final long firstRow;
    /** Replaced (never mutated in size) when full; volatile so a reader gets a fully built copy. */
    private volatile ChunkDirectory directory = new ChunkDirectory(INITIAL_DIRECTORY_CAPACITY);

    MemtableColumn(ColumnDef def, ChunkLayout layout, MemtableMemory memory, long firstRow) {
        this.def = def;
        this.layout = layout;
        this.memory = memory;
        this.firstRow = firstRow;
    }

    static MemtableColumn create(ColumnDef def, ChunkLayout layout, MemtableMemory memory, long firstRow, int varcharPageBytes) {
        return switch (def.type().physical()) {
            case LONG -> new LongColumn(def, layout, memory, firstRow);
            case DOUBLE -> new DoubleColumn(def, layout, memory, firstRow);
            case BYTES -> new VarcharColumn(def, layout, memory, firstRow, varcharPageBytes);
        };
    }

    final ChunkDirectory directory() {
        return directory;
    }

    // ---------------------------------------------------------------- writer side

    /** Throws INVALID_INPUT when {@code src} cannot supply {@code rows} rows; changes no visible state. */
    abstract void validate(ColumnVector src, int rows);

    /** Native bytes {@link #reserve} will allocate for {@code rows} rows appended at {@code rowCount}. */
    long bytesNeeded(long rowCount, int rows) {
        ChunkDirectory dir = directory;
        long missing = 0;
        for (int c = layout.chunkOf(rowCount), last = layout.chunkOf(rowCount + rows - 1); c <= last; c++) {
            if (dir.chunk(c) == null) {
                missing++;
            }
        }
        return missing * layout.chunkBytes;
    }

    /** Allocates every chunk rows {@code [rowCount, rowCount+rows)} fall in. */
    void reserve(long rowCount, int rows) {
        int first = layout.chunkOf(rowCount);
        int last = layout.chunkOf(rowCount + rows - 1);
        ChunkDirectory dir = directory;
        if (last >= dir.capacity()) {
            dir = dir.grow(last + 1);
            directory = dir; // volatile: readers that pick up the copy see its copied slots
        }
        for (int c = first; c <= last; c++) {
            if (dir.chunks[c] == null) {
                allocateChunk(dir, c);
            }
        }
    }

    private void allocateChunk(ChunkDirectory dir, int chunk) {
        MemorySegment segment = allocate(layout.chunkBytes);
        if (!fresh[0]) {
            // Reused memory: every slot and null bit is written before it becomes visible, but a
            // clear bitmap keeps "a new chunk has no NULLs" true regardless (1/65 of the chunk).
            segment.asSlice(layout.bitmapOffset).fill((byte) 0);
        }
        initStats(dir, chunk);
        long chunkStart = layout.firstRowOf(chunk);
        // A column added mid-chunk: the chunk's rows before it are NULL.
        int nullsBefore = firstRow > chunkStart ? (int) (firstRow - chunkStart) : 0;
        if (nullsBefore > 0) {
            NullBitmap.fill(segment, layout.bitmapOffset, 0, nullsBefore, true);
        }
        dir.setNullCount(chunk, nullsBefore);
        dir.chunks[chunk] = segment;
    }

    /** A segment from the memtable's memory; {@link #fresh}[0] says whether it is zeroed. */
    final MemorySegment allocate(long bytes) {
        return memory.allocate(bytes, fresh);
    }

    /** Sets the zone map of a fresh chunk to "no values yet". */
    abstract void initStats(ChunkDirectory dir, int chunk);

    /** Writes {@code src} rows {@code [0, rows)} as rows {@code [rowCount, rowCount+rows)}; chunks are reserved. */
    void write(long rowCount, ColumnVector src, int rows) {
        ChunkDirectory dir = directory;
        int done = 0;
        long row = rowCount;
        while (done < rows) {
            int chunk = layout.chunkOf(row);
            int inChunk = layout.rowInChunk(row);
            int len = Math.min(rows - done, layout.rowsPerChunk - inChunk);
            writeRun(dir, chunk, dir.chunks[chunk], inChunk, src, done, len);
            done += len;
            row += len;
        }
    }

    /** Writes {@code len} rows from {@code src[srcPos..]} into one chunk at {@code inChunk}, updating its zone map. */
    abstract void writeRun(ChunkDirectory dir, int chunk, MemorySegment segment, int inChunk, ColumnVector src, int srcPos, int len);

    /** Writes the null bits of a run, adds them to the chunk's null count and returns them. */
    final int writeNulls(ChunkDirectory dir, int chunk, MemorySegment segment, int inChunk, ColumnVector src, int srcPos, int len) {
        if (!src.hasNulls) {
            NullBitmap.fill(segment, layout.bitmapOffset, inChunk, len, false);
            return 0;
        }
        int nulls = NullBitmap.write(segment, layout.bitmapOffset, inChunk, src.nulls, srcPos, len);
        if (nulls > 0) {
            dir.setNullCount(chunk, dir.nullCount(chunk) + nulls);
        }
        return nulls;
    }

    // ---------------------------------------------------------------- reader side

    /** Copies rows {@code [fromRow, fromRow+count)}, all below a row count the caller acquired, into {@code out}. */
    abstract void read(long fromRow, int count, ColumnVector out);

    /**
     * Copies the rows {@code rows[from..from+count)} (any order, each below a row count the caller
     * acquired) into {@code out} rows {@code [0, count)}: the gather a flush uses to write rows in
     * sort order without copying the whole memtable onto the heap first.
     */
    abstract void gather(int[] rows, int from, int count, ColumnVector out);

    /** Whether {@code row} is NULL, given its chunk (null when wholly before the column existed). */
    final boolean isNullAt(ChunkDirectory dir, int chunk, MemorySegment segment, int inChunk) {
        if (segment == null) {
            return true;
        }
        return dir.nullCount(chunk) != 0 && NullBitmap.isSet(segment, layout.bitmapOffset, inChunk);
    }

    /** Fills {@code dst[dstPos..dstPos+len)} with the null flags of a run; returns how many are NULL. */
    final int readNulls(ChunkDirectory dir, int chunk, MemorySegment segment, int inChunk, boolean[] dst, int dstPos, int len) {
        if (segment == null) { // wholly before this column existed
            Arrays.fill(dst, dstPos, dstPos + len, true);
            return len;
        }
        if (dir.nullCount(chunk) == 0) { // the count only grows, so 0 covers every row written
            Arrays.fill(dst, dstPos, dstPos + len, false);
            return 0;
        }
        return NullBitmap.read(segment, layout.bitmapOffset, inChunk, dst, dstPos, len);
    }

    /** NULL rows among the first {@code visibleRows} rows of a chunk. */
    final int nullCount(int chunk, int visibleRows) {
        ChunkDirectory dir = directory;
        MemorySegment segment = dir.chunk(chunk);
        if (segment == null) {
            return visibleRows;
        }
        if (visibleRows == layout.rowsPerChunk) {
            return dir.nullCount(chunk); // a full chunk never changes again: its count is exact
        }
        // The chunk is still being filled: its count may already include rows past the caller's view.
        return NullBitmap.count(segment, layout.bitmapOffset, 0, visibleRows);
    }

    static void requireLength(int length, int rows, ColumnDef def, String array) {
        if (length < rows) {
            throw StorageException.invalid("batch column is shorter than the batch [column=" + def.name()
                    + ", array=" + array + ", length=" + length + ", rows=" + rows + ']');
        }
    }

    final void requireNulls(ColumnVector src, int rows) {
        if (src.hasNulls) {
            requireLength(src.nulls == null ? 0 : src.nulls.length, rows, def, "nulls");
        }
    }
}
