package io.quiver.bench.storage;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.segment.Encoding;
import io.quiver.storage.segment.SegmentReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the segment writer chose, column by column, over a set of segment files: stored bytes
 * (after encoding and LZ4), bytes before LZ4, and how many blocks took each encoding and LZ4.
 * This is the evidence behind any "why" in RESULTS.md.
 */
public final class SegmentProfile {
    /** Totals of one column over every block of every segment. */
    public static final class Column {
        public final ColumnDef def;
        public long rows;
        public long storedBytes;
        public long encodedBytes;
        public final Map<Encoding, Integer> encodings = new EnumMap<>(Encoding.class);
        public int lz4Blocks;
        public int blocks;

        Column(ColumnDef def) {
            this.def = def;
        }

        /** "FOR_BITPACK 120, DELTA_BITPACK 2; LZ4 on 3/122". */
        public String encodingSummary() {
            String e = encodings.entrySet().stream().sorted(Map.Entry.<Encoding, Integer>comparingByValue().reversed())
                    .map(x -> x.getKey() + " " + x.getValue()).collect(Collectors.joining(", "));
            return e + "; LZ4 on " + lz4Blocks + "/" + blocks;
        }
    }

    private final Map<String, Column> columns = new LinkedHashMap<>();
    private long fileBytes;
    private long rows;

    public static SegmentProfile of(List<Path> segmentFiles) {
        SegmentProfile p = new SegmentProfile();
        for (Path f : segmentFiles) {
            SegmentReader r = SegmentReader.open(DefaultFilesFacade.INSTANCE, f);
            try {
                p.fileBytes += r.sizeBytes();
                p.rows += r.rowCount();
                for (int c = 0; c < r.columns().size(); c++) {
                    ColumnDef def = r.columns().get(c);
                    Column col = p.columns.computeIfAbsent(def.name(), k -> new Column(def));
                    col.rows += r.rowCount();
                    for (int b = 0; b < r.blockCount(); b++) {
                        col.storedBytes += r.blockStoredLength(c, b);
                        col.encodedBytes += r.blockDecodedLength(c, b);
                        col.encodings.merge(r.blockEncoding(c, b), 1, Integer::sum);
                        col.lz4Blocks += r.isBlockCompressed(c, b) ? 1 : 0;
                        col.blocks++;
                    }
                }
            } finally {
                SegmentReader.closeQuietly(r);
            }
        }
        return p;
    }

    public List<Column> columns() {
        return new ArrayList<>(columns.values());
    }

    public long fileBytes() {
        return fileBytes;
    }

    public long rows() {
        return rows;
    }

    /** File bytes not in any block: headers, footers (zone maps, chunk directory), trailers. */
    public long metadataBytes() {
        return fileBytes - columns.values().stream().mapToLong(c -> c.storedBytes).sum();
    }
}
