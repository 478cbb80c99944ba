package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.vector.ColumnVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A long-physical column (integers, BOOLEAN, DATE, TIMESTAMP) with min/max zone maps. */
final class LongColumn extends FixedWidthColumn {
    LongColumn(ColumnDef def, ChunkLayout layout, MemtableMemory memory, long firstRow) {
        super(def, layout, memory, firstRow);
    }

    @Override
    void validate(ColumnVector src, int rows) {
        requireLength(src.longs == null ? 0 : src.longs.length, rows, def, "longs");
        requireNulls(src, rows);
    }

    @Override
    void initStats(ChunkDirectory dir, int chunk) {
        dir.setMin(chunk, Long.MAX_VALUE);
        dir.setMax(chunk, Long.MIN_VALUE);
    }

    @Override
    void writeRun(ChunkDirectory dir, int chunk, MemorySegment segment, int inChunk, ColumnVector src, int srcPos, int len) {
        long offset = ChunkLayout.slotOffset(inChunk);
        long[] values = src.longs;
        MemorySegment.copy(values, srcPos, segment, JAVA_LONG, offset, len);
        int nulls = writeNulls(dir, chunk, segment, inChunk, src, srcPos, len);
        long min = dir.min(chunk);
        long max = dir.max(chunk);
        if (nulls == 0) {
            for (int i = srcPos, end = srcPos + len; i < end; i++) {
                long v = values[i];
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        } else {
            boolean[] isNull = src.nulls;
            for (int i = 0; i < len; i++) {
                if (isNull[srcPos + i]) {
                    segment.set(JAVA_LONG, offset + (long) i * ChunkLayout.SLOT_BYTES, 0L); // NULL reads as 0
                } else {
                    long v = values[srcPos + i];
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        dir.setMin(chunk, min);
        dir.setMax(chunk, max);
    }

    @Override
    ValueLayout slotLayout() {
        return JAVA_LONG;
    }

    @Override
    Object values(ColumnVector vector) {
        return vector.longs;
    }

    @Override
    void zeroValues(ColumnVector vector, int from, int to) {
        Arrays.fill(vector.longs, from, to, 0L);
    }
}
