package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.vector.ColumnVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

/**
 * A DOUBLE column. Its zone map keeps min/max over non-NULL, non-NaN values (as raw double bits in
 * the directory) and counts NaNs apart, so a range predicate can skip a chunk only when it also
 * knows how NaN compares in that predicate. Values are stored bit for bit (NaN payloads survive).
 */
final class DoubleColumn extends FixedWidthColumn {
    DoubleColumn(ColumnDef def, ChunkLayout layout, MemtableMemory memory, long firstRow) {
        super(def, layout, memory, firstRow);
    }

    @Override
    void validate(ColumnVector src, int rows) {
        requireLength(src.doubles == null ? 0 : src.doubles.length, rows, def, "doubles");
        requireNulls(src, rows);
    }

    @Override
    void initStats(ChunkDirectory dir, int chunk) {
        dir.setMin(chunk, Double.doubleToRawLongBits(Double.POSITIVE_INFINITY));
        dir.setMax(chunk, Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY));
        dir.setNanCount(chunk, 0);
    }

    @Override
    void writeRun(ChunkDirectory dir, int chunk, MemorySegment segment, int inChunk, ColumnVector src, int srcPos, int len) {
        long offset = ChunkLayout.slotOffset(inChunk);
        double[] values = src.doubles;
        MemorySegment.copy(values, srcPos, segment, JAVA_DOUBLE, offset, len);
        int nulls = writeNulls(dir, chunk, segment, inChunk, src, srcPos, len);
        double min = Double.longBitsToDouble(dir.min(chunk));
        double max = Double.longBitsToDouble(dir.max(chunk));
        int nans = 0;
        boolean[] isNull = src.nulls;
        for (int i = 0; i < len; i++) {
            if (nulls != 0 && isNull[srcPos + i]) {
                segment.set(JAVA_DOUBLE, offset + (long) i * ChunkLayout.SLOT_BYTES, 0.0); // NULL reads as 0.0
                continue;
            }
            double v = values[srcPos + i];
            if (v != v) {
                nans++;
            } else {
                // Plain comparisons: -0.0 and 0.0 compare equal, as they do in predicates.
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
        }
        dir.setMin(chunk, Double.doubleToRawLongBits(min));
        dir.setMax(chunk, Double.doubleToRawLongBits(max));
        if (nans > 0) {
            dir.setNanCount(chunk, dir.nanCount(chunk) + nans);
        }
    }

    @Override
    ValueLayout slotLayout() {
        return JAVA_DOUBLE;
    }

    @Override
    Object values(ColumnVector vector) {
        return vector.doubles;
    }

    @Override
    void zeroValues(ColumnVector vector, int from, int to) {
        Arrays.fill(vector.doubles, from, to, 0.0);
    }
}
