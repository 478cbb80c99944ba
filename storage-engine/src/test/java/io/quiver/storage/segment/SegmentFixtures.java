package io.quiver.storage.segment;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.fs.FilesFacade;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders for the segment tests: rows as Java objects in, rows as Java objects out. */
final class SegmentFixtures {
    static final FilesFacade FS = DefaultFilesFacade.INSTANCE;

    private SegmentFixtures() {
    }

    static SegmentMeta meta() {
        return new SegmentMeta("trades", 3, 1_700_000_000_000_000L, 1_700_000_000_000_000L, 1_700_000_086_399_000_000L,
                Map.of("walSeq", "42", "origin", "flush"));
    }

    /** A batch of the given columns holding {@code columnValues[c].get(row)} (Long/Double/Boolean/String/null). */
    static RowBatch batch(List<ColumnDef> columns, List<List<Object>> columnValues, int from, int to) {
        RowBatch b = new RowBatch(columns, Math.max(1, to - from));
        for (int c = 0; c < columns.size(); c++) {
            ColumnVector v = b.column(c);
            for (int r = from; r < to; r++) {
                append(v, columnValues.get(c).get(r));
            }
        }
        b.syncRowCount();
        return b;
    }

    static void append(ColumnVector v, Object value) {
        if (value == null) {
            v.appendNull();
            return;
        }
        switch (value) {
            case Long l -> v.appendLong(l);
            case Boolean bo -> v.appendLong(bo ? 1 : 0);
            case Double d -> v.appendDouble(d);
            case String s -> v.appendString(s);
            default -> throw new IllegalArgumentException(value.getClass().toString());
        }
    }

    /** Writes all rows in batches of {@code batchRows}. */
    static void write(Path file, List<ColumnDef> columns, List<List<Object>> columnValues, int blockRows, int batchRows) {
        int rows = columnValues.getFirst().size();
        try (SegmentWriter w = SegmentWriter.create(FS, file, columns, blockRows, meta())) {
            for (int from = 0; from < rows; from += batchRows) {
                w.append(batch(columns, columnValues, from, Math.min(rows, from + batchRows)));
            }
            w.finish();
        }
    }

    /** Every value of one column, block by block, as Java objects (BOOLEAN as Boolean). */
    static List<Object> readColumn(SegmentReader r, int column, BlockDecoder scratch) {
        ColumnVector v = new ColumnVector(r.columns().get(column).type(), 16);
        List<Object> out = new ArrayList<>();
        for (int b = 0; b < r.blockCount(); b++) {
            r.readBlock(column, b, v, scratch);
            for (int i = 0; i < v.size(); i++) {
                out.add(v.getObject(i));
            }
        }
        return out;
    }

    static ColumnDef col(String name, ColumnType type) {
        return new ColumnDef(name, type);
    }
}
