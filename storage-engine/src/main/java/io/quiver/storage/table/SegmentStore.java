package io.quiver.storage.table;

import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.fs.FilesFacade;
import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.segment.SegmentReader;
import io.quiver.storage.segment.SegmentVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table's segment files and its manifest: writes sorted segments, publishes manifests, picks
 * and merges compaction inputs, and deletes retired files. Callers serialise the mutating methods
 * (the table's maintenance lock).
 */
final class SegmentStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentStore.class);
    static final String SEGMENT_SUFFIX = ".qseg";
    static final String DELETES_INFIX = ".del-";

    private final Path dir;
    private final FilesFacade fs;
    private final StorageConfig config;
    private volatile TableSchema schema;
    /**
     * The published manifest. A flush and a compaction may run at once (on different threads), so
     * every read-modify-write of it (reserving a segment id, publishing) holds {@link #manifestLock};
     * {@code entries}, {@code live} and {@code deletes} are guarded by {@code this}.
     */
    private volatile Manifest manifest;
    private final Object manifestLock = new Object();
    private final Map<SegmentReader, Manifest.SegmentEntry> entries = new IdentityHashMap<>();
    private final List<SegmentReader> live = new ArrayList<>();
    /** Current delete vectors of live segments that have any. */
    private final Map<SegmentReader, DeleteVector> deletes = new IdentityHashMap<>();

    private SegmentStore(Path dir, FilesFacade fs, StorageConfig config, TableSchema schema, Manifest manifest) {
        this.dir = dir;
        this.fs = fs;
        this.config = config;
        this.schema = schema;
        this.manifest = manifest;
    }

    /** Loads the manifest, opens its segments, and deletes files no manifest names (crashed flushes). */
    static SegmentStore open(Path dir, FilesFacade fs, StorageConfig config, TableSchema schema) throws IOException {
        Path mf = dir.resolve(Manifest.FILE_NAME);
        Manifest manifest = fs.exists(mf) ? Manifest.decode(fs.readAll(mf), mf) : Manifest.empty();
        SegmentStore store = new SegmentStore(dir, fs, config, schema, manifest);
        Set<Path> named = new HashSet<>();
        List<Manifest.SegmentEntry> kept = new ArrayList<>();
        try {
            for (Manifest.SegmentEntry e : manifest.segments()) {
                Path file = dir.resolve(e.relativePath());
                named.add(file);
                SegmentReader reader;
                try {
                    reader = SegmentReader.open(fs, file);
                } catch (StorageException ex) {
                    if (ex.kind() != StorageException.Kind.CORRUPT || ex instanceof SegmentVersionException) {
                        throw ex; // a newer format is not damage: refuse to start rather than set it aside
                    }
                    // Never serve a corrupt file: move it aside for the operator and keep the table up.
                    Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
                    LOG.error("segment is corrupt and was set aside; its rows are unavailable [table={}, file={}, movedTo={}, cause={}]",
                            schema.name(), file, aside, ex.getMessage());
                    if (fs.exists(file)) {
                        fs.atomicMove(file, aside);
                    }
                    continue;
                }
                store.entries.put(reader, e);
                store.live.add(reader);
                kept.add(e);
                if (e.hasDeletes()) {
                    Path df = dir.resolve(e.deleteFile());
                    named.add(df);
                    store.deletes.put(reader, DeleteVector.decode(fs.readAll(df), df, reader.rowCount()));
                }
            }
            if (kept.size() != manifest.segments().size()) {
                store.publish(new Manifest(manifest.generation() + 1, manifest.walCheckpointSeq(), manifest.nextSegmentId(), kept));
            }
            store.deleteGarbage(named);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void deleteGarbage(Set<Path> named) throws IOException {
        for (Path p : fs.list(dir)) {
            if (!Files.isDirectory(p) || p.getFileName().toString().equals(Table.WAL_DIR)) {
                if (p.getFileName().toString().endsWith(".tmp")) {
                    fs.deleteIfExists(p);
                }
                continue;
            }
            for (Path f : fs.list(p)) {
                String name = f.getFileName().toString();
                boolean garbage = name.endsWith(".tmp")
                        || ((name.endsWith(SEGMENT_SUFFIX) || name.contains(DELETES_INFIX)) && !named.contains(f));
                if (garbage) {
                    LOG.info("deleting a file no manifest names (left by an interrupted flush or compaction) [file={}]", f);
                    fs.deleteIfExists(f);
                }
            }
            if (fs.list(p).isEmpty()) {
                fs.deleteIfExists(p);
            }
        }
    }

    long walCheckpointSeq() {
        return manifest.walCheckpointSeq();
    }

    synchronized List<SegmentReader> liveSegments() {
        return List.copyOf(live);
    }

    synchronized Map<SegmentReader, DeleteVector> deleteVectors() {
        return new IdentityHashMap<>(deletes);
    }

    /**
     * Marks rows of segments deleted: writes each segment's new delete vector (old plus new rows)
     * to its own file, then publishes one manifest naming them all. Returns the new vectors of
     * every live segment that has any.
     */
    Map<SegmentReader, DeleteVector> applyDeletes(Map<SegmentReader, long[]> positions, Map<SegmentReader, Integer> counts)
            throws IOException {
        synchronized (manifestLock) { // callers also exclude flushes and compactions; this keeps the manifest rule local
            Map<SegmentReader, DeleteVector> nextVectors = new IdentityHashMap<>();
            Map<SegmentReader, Manifest.SegmentEntry> nextEntries = new IdentityHashMap<>();
            List<Path> written = new ArrayList<>();
            long generation = manifest.generation() + 1;
            try {
                for (Map.Entry<SegmentReader, long[]> e : positions.entrySet()) {
                    SegmentReader r = e.getKey();
                    Manifest.SegmentEntry entry = entries.get(r);
                    DeleteVector old = deletes.getOrDefault(r, DeleteVector.empty(r.rowCount()));
                    DeleteVector next = old.with(e.getValue(), counts.get(r));
                    String rel = entry.relativePath().replace(SEGMENT_SUFFIX, "") + DELETES_INFIX + generation;
                    Path file = dir.resolve(rel);
                    fs.writeAtomically(file, next.encode());
                    written.add(file);
                    nextVectors.put(r, next);
                    nextEntries.put(r, entry.withDeletes(rel, next.count()));
                }
                List<Manifest.SegmentEntry> segs = new ArrayList<>();
                for (Manifest.SegmentEntry e : manifest.segments()) {
                    Manifest.SegmentEntry replaced = null;
                    for (Map.Entry<SegmentReader, Manifest.SegmentEntry> n : nextEntries.entrySet()) {
                        if (entries.get(n.getKey()) == e) {
                            replaced = n.getValue();
                        }
                    }
                    segs.add(replaced == null ? e : replaced);
                }
                publish(new Manifest(generation, manifest.walCheckpointSeq(), manifest.nextSegmentId(), segs));
            } catch (IOException | RuntimeException ex) {
                for (Path p : written) {
                    fs.deleteIfExists(p);
                }
                throw ex;
            }
            List<String> superseded = new ArrayList<>();
            synchronized (this) {
                for (Map.Entry<SegmentReader, Manifest.SegmentEntry> n : nextEntries.entrySet()) {
                    Manifest.SegmentEntry old = entries.put(n.getKey(), n.getValue());
                    if (old != null && old.hasDeletes()) {
                        superseded.add(old.deleteFile());
                    }
                }
                deletes.putAll(nextVectors);
            }
            if (directorySynced) {
                for (String rel : superseded) {
                    fs.deleteIfExists(dir.resolve(rel));
                }
            }
        }
        return deleteVectors();
    }

    void schemaChanged(TableSchema next) {
        schema = next;
    }

    /**
     * Writes the sealed memtable {@code m} as sorted segments (one or more per partition), and
     * publishes a manifest naming them with the WAL checkpoint moved to {@code coveredSeq}. Returns
     * the new readers.
     */
    List<SegmentReader> writeSorted(Memtable m, long coveredSeq) throws IOException {
        List<SegmentReader> written;
        try (SortedRunWriter out = newRunWriter()) {
            new MemtableFlush(m, schema, config.segmentBlockRows()).writeTo(out);
            written = out.finish();
        }
        try {
            synchronized (manifestLock) {
                List<Manifest.SegmentEntry> all = new ArrayList<>(manifest.segments());
                synchronized (this) {
                    for (SegmentReader r : written) {
                        all.add(entries.get(r));
                    }
                }
                publish(new Manifest(manifest.generation() + 1, Math.max(coveredSeq, manifest.walCheckpointSeq()),
                        manifest.nextSegmentId(), all));
            }
        } catch (IOException | RuntimeException e) {
            discard(written);
            throw e;
        }
        synchronized (this) {
            live.addAll(written);
        }
        return written;
    }

    private SortedRunWriter newRunWriter() {
        return new SortedRunWriter(this, fs, schema, config.segmentMaxRows(), config.segmentBlockRows());
    }

    /** A segment file about to be written: its id and path, reserved in the manifest's id counter. */
    record NewSegment(long id, String relativePath, Path file, long partitionStart) {
    }

    /** Reserves the next segment id and creates the partition's directory. */
    NewSegment allocateSegment(long partitionStart) throws IOException {
        long id;
        synchronized (manifestLock) {
            id = manifest.nextSegmentId();
            manifest = new Manifest(manifest.generation(), manifest.walCheckpointSeq(), id + 1, manifest.segments());
        }
        String partitionName = schema.partitionBy().partitionName(partitionStart);
        fs.createDirectories(dir.resolve(partitionName));
        String relative = partitionName + '/' + String.format("seg-%012d", id) + SEGMENT_SUFFIX;
        return new NewSegment(id, relative, dir.resolve(relative), partitionStart);
    }

    /** Records a finished segment so that a later publish can name it (or {@link #discard} delete it). */
    synchronized void register(SegmentReader reader, NewSegment segment, long rows, long minTimestamp, long maxTimestamp) {
        entries.put(reader, new Manifest.SegmentEntry(segment.id(), segment.relativePath(), segment.partitionStart(), rows,
                minTimestamp, maxTimestamp));
    }

    /** Closes and deletes segments written but never published. */
    void discard(List<SegmentReader> readers) {
        for (SegmentReader r : readers) {
            Manifest.SegmentEntry e;
            synchronized (this) {
                e = entries.remove(r);
            }
            r.release();
            if (e != null) {
                try {
                    fs.deleteIfExists(dir.resolve(e.relativePath()));
                } catch (IOException ex) {
                    LOG.warn("could not delete an unpublished segment; it is deleted at next start [file={}]", e.relativePath(), ex);
                }
            }
        }
    }

    /**
     * Replaces the manifest atomically. Once the rename has happened the new manifest is the table's
     * truth even if the directory fsync after it fails: its segments must then stay (never discard
     * them), and retired files are kept until a later publish syncs the directory, so that a power
     * loss that undoes the rename still finds every file the old manifest names.
     */
    private void publish(Manifest next) throws IOException {
        Path target = dir.resolve(Manifest.FILE_NAME);
        Path tmp = dir.resolve(Manifest.FILE_NAME + ".tmp");
        java.nio.channels.FileChannel ch = fs.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        try {
            fs.write(ch, java.nio.ByteBuffer.wrap(next.encode()), 0);
            fs.force(ch, true);
        } finally {
            fs.close(ch);
        }
        fs.atomicMove(tmp, target);
        manifest = next;
        try {
            fs.fsyncDirectory(dir);
            directorySynced = true;
        } catch (IOException e) {
            directorySynced = false;
            LOG.error("fsync of the table directory failed after publishing a manifest; retired segment files are kept "
                    + "until a later publish succeeds [dir={}, generation={}]", dir, next.generation(), e);
        }
    }

    /** False while the last manifest rename may not be durable. */
    private volatile boolean directorySynced = true;

    /** Small segments of the partition with the most of them, if there are enough; oldest first. */
    synchronized List<SegmentReader> pickCompaction(List<SegmentReader> current) {
        Map<Long, List<SegmentReader>> byPartition = new java.util.TreeMap<>();
        for (SegmentReader r : current) {
            Manifest.SegmentEntry e = entries.get(r);
            if (e != null && e.rows() < config.compactionSmallSegmentRows()) {
                byPartition.computeIfAbsent(e.partitionStart(), k -> new ArrayList<>()).add(r);
            }
        }
        List<SegmentReader> best = List.of();
        for (List<SegmentReader> group : byPartition.values()) {
            if (group.size() >= config.compactionMinSegments() && group.size() > best.size()) {
                best = group;
            }
        }
        if (best.isEmpty()) {
            // A segment that is at least a fifth deleted is rewritten on its own to reclaim the space.
            for (SegmentReader r : current) {
                Manifest.SegmentEntry e = entries.get(r);
                if (e != null && e.hasDeletes() && e.deletedRows() * 5 >= e.rows()) {
                    return List.of(r);
                }
            }
            return best;
        }
        // Bound one merge to what fits one output segment.
        List<SegmentReader> picked = new ArrayList<>();
        long rows = 0;
        for (SegmentReader r : best) {
            if (!picked.isEmpty() && rows + r.rowCount() > config.segmentMaxRows()) {
                break;
            }
            picked.add(r);
            rows += r.rowCount();
        }
        return picked.size() >= 2 ? picked : List.of();
    }

    /**
     * Merges the inputs into new sorted segments, streaming (one block per input on the heap), and
     * publishes a manifest that replaces them. Deleted rows are left out.
     */
    List<SegmentReader> merge(List<SegmentReader> inputs) throws IOException {
        TableSchema s = schema;
        int[] cols = new int[s.columnCount()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = i;
        }
        List<ScanCursor> cursors = new ArrayList<>(inputs.size());
        List<SegmentReader> written;
        try (SortedRunWriter out = newRunWriter()) {
            for (SegmentReader r : inputs) {
                DeleteVector dv;
                synchronized (this) {
                    dv = deletes.get(r);
                }
                cursors.add(new SegmentSplit(s, r, dv).open(cols, ScanPredicate.ALL));
            }
            new SegmentMerger(s, cursors, config.segmentBlockRows()).mergeInto(out);
            written = out.finish();
        } finally {
            for (ScanCursor c : cursors) {
                c.close();
            }
        }
        Set<SegmentReader> gone = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        gone.addAll(inputs);
        try {
            synchronized (manifestLock) {
                // Built from the manifest as it is now: a flush may have published since the merge began.
                List<Manifest.SegmentEntry> next = new ArrayList<>();
                synchronized (this) {
                    Set<Manifest.SegmentEntry> removed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                    for (SegmentReader r : inputs) {
                        removed.add(entries.get(r));
                    }
                    for (Manifest.SegmentEntry e : manifest.segments()) {
                        if (!removed.contains(e)) {
                            next.add(e);
                        }
                    }
                    for (SegmentReader r : written) {
                        next.add(entries.get(r));
                    }
                }
                publish(new Manifest(manifest.generation() + 1, manifest.walCheckpointSeq(), manifest.nextSegmentId(), next));
            }
        } catch (IOException | RuntimeException e) {
            discard(written);
            throw e;
        }
        synchronized (this) {
            live.removeAll(gone);
            live.addAll(written);
        }
        return written;
    }

    /** Drops the table's reference to compacted-away segments and deletes their files. */
    void retire(List<SegmentReader> inputs) {
        for (SegmentReader r : inputs) {
            Manifest.SegmentEntry e;
            synchronized (this) {
                e = entries.remove(r);
                deletes.remove(r);
            }
            r.release(); // readers of open scans keep the mapping until they finish
            if (e != null && directorySynced) {
                try {
                    // Unlinking a mapped file is safe on Linux: the mapping stays valid until unmapped.
                    fs.deleteIfExists(dir.resolve(e.relativePath()));
                    if (e.hasDeletes()) {
                        fs.deleteIfExists(dir.resolve(e.deleteFile()));
                    }
                } catch (IOException ex) {
                    LOG.warn("could not delete a compacted segment; it is deleted at next start [file={}]", e.relativePath(), ex);
                }
            }
        }
    }

    synchronized List<SegmentInfo> describe(List<SegmentReader> readers) {
        List<SegmentInfo> out = new ArrayList<>();
        for (SegmentReader r : readers) {
            Manifest.SegmentEntry e = entries.get(r);
            if (e == null) {
                continue;
            }
            out.add(new SegmentInfo(e.id(), e.relativePath(), schema.partitionBy().partitionName(e.partitionStart()),
                    e.rows() - e.deletedRows(), r.sizeBytes(), e.minTimestamp(), e.maxTimestamp(), r.blockCount()));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        for (SegmentReader r : live) {
            r.release();
        }
        live.clear();
        entries.clear();
        deletes.clear();
    }
}
