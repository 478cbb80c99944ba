package io.quiver.storage.dedup;

import io.quiver.storage.StorageException;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A table's persistent map from client batch id to the WAL seq of the batch's DATA record and the
 * time it was recorded, so a retried batch is recognised and acknowledged without being applied
 * twice. Backed by a memory-mapped Chronicle Map file ({@code dedup.cm}); the map owns the mapping
 * and {@link #close} releases it.
 *
 * <p>The index is not the source of truth: it is updated after the WAL append, and the WAL replay
 * re-records the batches that were not yet flushed. So a map file that cannot be opened is logged,
 * moved aside ({@code <file>.corrupt}) and replaced by an empty one instead of failing the table.
 * After an unclean shutdown (no clean-close marker {@code <file>.clean}) the file is opened with
 * Chronicle's recovery, which repairs locks and entries a killed process left half written.
 *
 * <p>Entries older than the retention are dropped by {@link #prune}; so are the oldest when the
 * map holds more than its capacity. Thread-safe.
 */
public final class IdempotencyIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyIndex.class);
    /** UUIDs are 36 characters; Chronicle sizes its entries from this average. */
    private static final int AVERAGE_BATCH_ID_CHARS = 36;
    private static final int CHRONICLE_SIZE_WORD_OFFSET = 8;
    private static final int CHRONICLE_HEADER_TEXT_OFFSET = 12;
    private static final byte[] CHRONICLE_HEADER_TAG = "!net.openhft.chronicle.map.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /**
     * Chronicle generates and compiles classes the first time a JVM opens a map or makes a value
     * instance, and its compiler is not safe for two threads doing that at once (a
     * ConcurrentModificationException in its file manager, OpenHFT/Chronicle-Values#180). It also
     * remembers a failed class for the life of the JVM, so one collision (the server's warm-up
     * racing the first auto-created table) would fail every later table create and open. Opens are
     * rare, so every map open and every value instance goes through this one lock.
     */
    private static final Object CHRONICLE_CODEGEN = new Object();

    private final Path file;
    private final long capacity;
    private final long retentionMillis;
    private final ChronicleMap<CharSequence, DedupEntry> map;
    private final ThreadLocal<DedupEntry> scratch = ThreadLocal.withInitial(IdempotencyIndex::newScratchEntry);

    private IdempotencyIndex(Path file, long capacity, long retentionMillis, ChronicleMap<CharSequence, DedupEntry> map) {
        this.file = file;
        this.capacity = capacity;
        this.retentionMillis = retentionMillis;
        this.map = map;
    }

    /**
     * Opens (or creates) the index persisted at {@code file}.
     *
     * @param capacityEntries entries kept at most after {@link #prune}; the map is sized with headroom above it
     * @param retentionMillis how long a batch id is remembered
     */
    public static IdempotencyIndex open(Path file, long capacityEntries, long retentionMillis) {
        if (capacityEntries < 1 || retentionMillis < 0) {
            throw StorageException.invalid("bad idempotency index settings [file=" + file + ", capacity=" + capacityEntries
                    + ", retentionMillis=" + retentionMillis + ']');
        }
        synchronized (CHRONICLE_CODEGEN) {
            return new IdempotencyIndex(file, capacityEntries, retentionMillis, openOrRecreate(file, capacityEntries));
        }
    }

    private static DedupEntry newScratchEntry() {
        synchronized (CHRONICLE_CODEGEN) {
            return Values.newHeapInstance(DedupEntry.class);
        }
    }

    private static ChronicleMap<CharSequence, DedupEntry> openOrRecreate(Path file, long capacityEntries) {
        Path cleanMarker = cleanMarker(file);
        ChronicleMap<CharSequence, DedupEntry> map;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            boolean cleanlyClosed = Files.deleteIfExists(cleanMarker);
            boolean exists = Files.exists(file);
            if (exists) {
                checkHeader(file);
            }
            map = openMap(file, capacityEntries, exists && !cleanlyClosed);
        } catch (IOException | RuntimeException | LinkageError e) {
            if (e instanceof StorageException se && se.kind() != StorageException.Kind.CORRUPT) {
                throw se;
            }
            LOG.warn("idempotency index file unreadable; recreating it empty (WAL replay re-records unflushed batches) [file={}]",
                    file, e);
            map = recreate(file, capacityEntries);
        }
        return map;
    }

    private static ChronicleMap<CharSequence, DedupEntry> openMap(Path file, long capacity, boolean recover) throws IOException {
        var builder = ChronicleMap.of(CharSequence.class, DedupEntry.class)
                .name("quiver-dedup")
                .averageKeySize(AVERAGE_BATCH_ID_CHARS)
                // Headroom over the pruned capacity, no bloat: recovery of a bloated map can lose entries.
                .entries(capacity + capacity / 4 + 1024)
                .maxBloatFactor(1.0)
                // The owning table closes the map; Chronicle's own JVM exit hook would close it under
                // the server's shutdown flush (hooks run concurrently) and fail that flush.
                .skipCloseOnExitHook(true);
        if (recover) {
            LOG.warn("idempotency index was not closed cleanly; recovering it [file={}]", file);
            return builder.recoverPersistedTo(file.toFile(), false,
                    c -> LOG.warn("idempotency index corruption repaired [file={}, segment={}, message={}]",
                            file, c.segmentIndex(), c.message()));
        }
        return builder.createPersistedTo(file.toFile());
    }

    /**
     * Cheap sanity check of a Chronicle Map file's self-bootstrapping header before Chronicle sees
     * it: Chronicle waits a full minute for a header that is not marked complete, and garbage looks
     * like exactly that. Layout (Chronicle Map data format revision 1): 8 bytes header checksum,
     * a u32 size word (bit 31 set while incomplete, low 30 bits the size), then that many bytes of
     * header text starting with the map class's YAML tag.
     */
    private static void checkHeader(Path file) throws IOException {
        long size = Files.size(file);
        byte[] head = new byte[(int) Math.min(size, CHRONICLE_HEADER_TEXT_OFFSET + CHRONICLE_HEADER_TAG.length)];
        try (var in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) != head.length || head.length < CHRONICLE_HEADER_TEXT_OFFSET + CHRONICLE_HEADER_TAG.length) {
                throw StorageException.corrupt("idempotency index file too short [file=" + file + ", size=" + size + ']');
            }
        }
        int sizeWord = java.nio.ByteBuffer.wrap(head, CHRONICLE_SIZE_WORD_OFFSET, 4).order(java.nio.ByteOrder.nativeOrder()).getInt();
        long headerSize = sizeWord & 0x3FFF_FFFF;
        if (sizeWord <= 0 || CHRONICLE_HEADER_TEXT_OFFSET + headerSize > size) {
            throw StorageException.corrupt("idempotency index header incomplete or garbage [file=" + file + ", sizeWord=" + sizeWord + ']');
        }
        if (!Arrays.equals(head, CHRONICLE_HEADER_TEXT_OFFSET, head.length, CHRONICLE_HEADER_TAG, 0, CHRONICLE_HEADER_TAG.length)) {
            throw StorageException.corrupt("idempotency index header is not a Chronicle Map's [file=" + file + ']');
        }
    }

    private static ChronicleMap<CharSequence, DedupEntry> recreate(Path file, long capacity) {
        try {
            if (Files.exists(file)) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
            }
            return openMap(file, capacity, false);
        } catch (IOException | RuntimeException e) {
            throw StorageException.io("cannot recreate idempotency index [file=" + file + ']', e);
        }
    }

    private static Path cleanMarker(Path file) {
        return file.resolveSibling(file.getFileName() + ".clean");
    }

    /**
     * The WAL seq recorded for {@code batchId}, or -1 if it is unknown (never seen, or pruned).
     *
     * @throws StorageException INVALID_INPUT for an id over {@link BatchIds#MAX_LENGTH} characters
     */
    public long lookup(CharSequence batchId) {
        BatchIds.validate(batchId);
        DedupEntry e = map.getUsing(batchId, scratch.get());
        return e == null ? -1 : e.getSeq();
    }

    /**
     * Remembers that {@code batchId} was written to the WAL at {@code seq}. When the map is full it
     * prunes (age, then oldest first) and retries once.
     *
     * @throws StorageException INVALID_INPUT for an id over {@link BatchIds#MAX_LENGTH} characters;
     *         RESOURCE_EXHAUSTED if the map stays full after pruning
     */
    public void record(CharSequence batchId, long seq, long nowMillis) {
        BatchIds.validate(batchId);
        DedupEntry e = scratch.get();
        e.setSeq(seq);
        e.setEpochMillis(nowMillis);
        try {
            map.put(batchId, e);
        } catch (IllegalStateException full) {
            prune(nowMillis, capacity * 3 / 4);
            try {
                map.put(batchId, e);
            } catch (IllegalStateException stillFull) {
                throw StorageException.exhausted("idempotency index is full [file=" + file + ", entries=" + map.longSize() + ']');
            }
        }
    }

    /**
     * Drops entries recorded before {@code nowMillis - retention}, then the oldest entries while
     * more than the capacity remain. Returns how many were dropped. Scans the whole map: call it
     * periodically (e.g. after each flush), not per batch.
     */
    public int prune(long nowMillis) {
        return prune(nowMillis, capacity);
    }

    private int prune(long nowMillis, long keep) {
        long cutoff = nowMillis - retentionMillis;
        List<String> expired = new ArrayList<>();
        map.forEachEntry(entry -> {
            if (entry.value().get().getEpochMillis() < cutoff) {
                expired.add(entry.key().get().toString());
            }
        });
        int dropped = 0;
        for (String k : expired) {
            if (map.remove(k) != null) {
                dropped++;
            }
        }
        long excess = map.longSize() - keep;
        if (excess > 0) {
            dropped += dropOldest(excess);
        }
        return dropped;
    }

    /** Removes the {@code n} oldest entries. */
    private int dropOldest(long n) {
        record Aged(long epochMillis, String key) {
        }
        List<Aged> all = new ArrayList<>();
        map.forEachEntry(entry -> all.add(new Aged(entry.value().get().getEpochMillis(), entry.key().get().toString())));
        all.sort(Comparator.comparingLong(Aged::epochMillis));
        int dropped = 0;
        for (int i = 0; i < all.size() && dropped < n; i++) {
            if (map.remove(all.get(i).key()) != null) {
                dropped++;
            }
        }
        return dropped;
    }

    /** Entries held. */
    public long size() {
        return map.longSize();
    }

    public Path file() {
        return file;
    }

    /** Closes the map and leaves a clean-close marker so the next open needs no recovery. */
    @Override
    public void close() {
        if (!map.isOpen()) {
            return;
        }
        map.close();
        try {
            Files.write(cleanMarker(file), new byte[0]);
        } catch (IOException e) {
            LOG.warn("cannot write clean-close marker; next open will run recovery [file={}]", file, e);
        }
    }
}
