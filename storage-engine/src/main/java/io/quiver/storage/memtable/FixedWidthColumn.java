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
    final void read(long fromRow, int count, ColumnVector out) {
        out.reset(count);
        Object values = values(out);
        ValueLayout slot = slotLayout();
        ChunkDirectory dir = directory();
        int nulls = 0;
        int done = 0;
        long row = fromRow;
        while (done < count) {
            int chunk = layout.chunkOf(row);
            int inChunk = layout.rowInChunk(row);
            int len = Math.min(count - done, layout.rowsPerChunk - inChunk);
            MemorySegment segment = dir.chunk(chunk);
            if (segment == null) {
                zeroValues(out, done, done + len);
            } else {
                MemorySegment.copy(segment, slot, ChunkLayout.slotOffset(inChunk), values, done, len);
            }
            nulls += readNulls(dir, chunk, segment, inChunk, out.nulls, done, len);
            done += len;
            row += len;
        }
        out.hasNulls = nulls > 0;
        out.setSize(count);
    }

    @Override
    final void gather(int[] rows, int from, int count, ColumnVector out) {
        out.reset(count);
        ChunkDirectory dir = directory();
        boolean doubles = slotLayout() == ValueLayout.JAVA_DOUBLE;
        long[] longs = out.longs;
        double[] doubleValues = out.doubles;
        boolean[] nulls = out.nulls;
        int nullCount = 0;
        for (int i = 0; i < count; i++) {
            int row = rows[from + i];
            int chunk = layout.chunkOf(row);
            int inChunk = layout.rowInChunk(row);
            MemorySegment segment = dir.chunk(chunk);
            boolean isNull = isNullAt(dir, chunk, segment, inChunk);
            nulls[i] = isNull;
            if (isNull) {
                nullCount++;
            }
            long bits = segment == null ? 0L : segment.get(ValueLayout.JAVA_LONG, ChunkLayout.slotOffset(inChunk));
            if (doubles) {
                doubleValues[i] = Double.longBitsToDouble(bits);
            } else {
                longs[i] = bits;
            }
        }
        out.hasNulls = nullCount > 0;
        out.setSize(count);
    }
}
