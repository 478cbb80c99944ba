package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.vector.ColumnVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A column of 8-byte values (long-physical types or DOUBLE): one slot per row in the chunk. */
abstract sealed class FixedWidthColumn extends MemtableColumn permits LongColumn, DoubleColumn {
    FixedWidthColumn(ColumnDef def, ChunkLayout layout, MemtableMemory memory, long firstRow) {
        super(def, layout, memory, firstRow);
    }

    /** The element layout of the slots, matching the vector's array type. */
    abstract ValueLayout slotLayout();

    /** The vector's value array ({@code long[]} or {@code double[]}). */
    abstract Object values(ColumnVector vector);

    /** Sets {@code vector} rows {@code [from, to)} to the NULL value (0 / 0.0). */
    abstract void zeroValues(ColumnVector vector, int from, int to);

    @Override
    final int readRows(ChunkDirectory dir, long fromRow, int count, ColumnVector out, int outPos) {
        Object values = values(out);
        ValueLayout slot = slotLayout();
        int nulls = 0;
        int done = 0;
        long row = fromRow;
        while (done < count) {
            int chunk = layout.chunkOf(row);
            int inChunk = layout.rowInChunk(row);
            int len = Math.min(count - done, layout.rowsPerChunk - inChunk);
            MemorySegment segment = dir.chunk(chunk);
            int at = outPos + done;
            if (segment == null) {
                zeroValues(out, at, at + len);
            } else {
                MemorySegment.copy(segment, slot, ChunkLayout.slotOffset(inChunk), values, at, len);
            }
            nulls += readNulls(dir, chunk, segment, inChunk, out.nulls, at, len);
            done += len;
            row += len;
        }
        return nulls;
    }
}
