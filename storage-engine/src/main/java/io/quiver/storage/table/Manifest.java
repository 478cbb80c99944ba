package io.quiver.storage.table;

import io.quiver.storage.StorageException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The set of live segments of a table and the WAL position they cover, published atomically as the
 * table's {@code _manifest} file. A segment file not named here is garbage (a flush or compaction
 * that crashed before publishing) and is deleted at startup; WAL records after
 * {@code walCheckpointSeq} are replayed.
 */
record Manifest(long generation, long walCheckpointSeq, long nextSegmentId, List<SegmentEntry> segments) {
    static final String FILE_NAME = "_manifest";
    /** 2 added the delete vector fields to segment lines; format 1 files are still read. */
    static final int FORMAT_VERSION = 2;
    static final String NO_DELETES = "-";

    /**
     * A live segment: its path relative to the table directory, rows, designated-timestamp range,
     * and its delete vector file (relative path, or "-") with the number of rows it deletes.
     */
    record SegmentEntry(long id, String relativePath, long partitionStart, long rows, long minTimestamp, long maxTimestamp,
                        String deleteFile, long deletedRows) {
        SegmentEntry(long id, String relativePath, long partitionStart, long rows, long minTimestamp, long maxTimestamp) {
            this(id, relativePath, partitionStart, rows, minTimestamp, maxTimestamp, NO_DELETES, 0);
        }

        boolean hasDeletes() {
            return !NO_DELETES.equals(deleteFile);
        }

        SegmentEntry withDeletes(String file, long deleted) {
            return new SegmentEntry(id, relativePath, partitionStart, rows, minTimestamp, maxTimestamp, file, deleted);
        }
    }

    static Manifest empty() {
        return new Manifest(0, 0, 1, List.of());
    }

    byte[] encode() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", Integer.toString(FORMAT_VERSION));
        m.put("generation", Long.toString(generation));
        m.put("wal.checkpoint.seq", Long.toString(walCheckpointSeq));
        m.put("next.segment.id", Long.toString(nextSegmentId));
        m.put("segments", Integer.toString(segments.size()));
        for (int i = 0; i < segments.size(); i++) {
            SegmentEntry s = segments.get(i);
            m.put("segment." + i, s.id() + " " + s.relativePath() + " " + s.partitionStart() + " " + s.rows()
                    + " " + s.minTimestamp() + " " + s.maxTimestamp() + " " + s.deleteFile() + " " + s.deletedRows());
        }
        return TextFileCodec.encode(m);
    }

    static Manifest decode(byte[] content, Path file) {
        Map<String, String> m = TextFileCodec.decode(content, file);
        int format = Integer.parseInt(TextFileCodec.require(m, "format", file));
        if (format > FORMAT_VERSION) {
            throw StorageException.corrupt("manifest written by a newer Quiver [file=" + file + ", format=" + format + ']');
        }
        try {
            int n = Integer.parseInt(TextFileCodec.require(m, "segments", file));
            List<SegmentEntry> segs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String[] p = TextFileCodec.require(m, "segment." + i, file).split(" ");
                boolean withDeletes = p.length >= 8;
                segs.add(new SegmentEntry(Long.parseLong(p[0]), p[1], Long.parseLong(p[2]), Long.parseLong(p[3]),
                        Long.parseLong(p[4]), Long.parseLong(p[5]), withDeletes ? p[6] : NO_DELETES,
                        withDeletes ? Long.parseLong(p[7]) : 0));
            }
            return new Manifest(Long.parseLong(TextFileCodec.require(m, "generation", file)),
                    Long.parseLong(TextFileCodec.require(m, "wal.checkpoint.seq", file)),
                    Long.parseLong(TextFileCodec.require(m, "next.segment.id", file)), List.copyOf(segs));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw StorageException.corrupt("manifest does not parse [file=" + file + ", cause=" + e.getMessage() + ']');
        }
    }
}
