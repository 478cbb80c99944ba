package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.dedup.IdempotencyIndex;
import io.quiver.storage.fs.FilesFacade;
import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.memtable.MemtableMemoryPool;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.segment.SegmentReader;
import io.quiver.storage.vector.RowBatch;
import io.quiver.storage.wal.DataRecordCodec;
import io.quiver.storage.wal.WalAppend;
import io.quiver.storage.wal.WalRecordType;
import io.quiver.storage.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One table: its WAL, memtables, segments and dedup index, and the rules that tie them together.
 *
 * <p>Write path: {@link #append} validates and normalises the batch, refuses a batch id already
 * applied, appends the batch to the WAL under the write lock (which fixes its sequence), and returns
 * a future. When the WAL reports the record durable, the batch is applied to the memtable it was
 * destined for, in sequence order, and only then is the future completed: an acknowledged batch is
 * durable and visible to every query that starts afterwards, and a batch whose WAL write or fsync
 * failed is never visible.
 *
 * <p>Read path: {@link #openScan} pins the current {@link TableState} (segments and memtables,
 * reference counted) so a flush or compaction can swap the state without unmapping anything under
 * a reader.
 *
 * <p>Flush: the active memtable is sealed at a WAL rollover, written as sorted segments (one or more
 * per time partition), and published in a new manifest that also moves the WAL checkpoint; then
 * the covered WAL files are deleted.
 */
public final class Table implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Table.class);
    static final String WAL_DIR = "wal";
    static final String DEDUP_FILE = "dedup.cm";

    private final Path dir;
    private final FilesFacade fs;
    private final StorageConfig config;
    private final Durability durability;
    private final WalWriter wal;
    private final IdempotencyIndex dedup;
    private final SegmentStore segments;
    /** Reuses a flushed memtable's native memory for the next memtable (see {@link MemtableMemoryPool}). */
    private final MemtableMemoryPool memtableMemory;

    /** Serialises appends, so WAL order is sequence order, and schema changes against them. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Signalled (under writeLock) whenever memtable memory is given back: a flush, a close, a drop. */
    private final java.util.concurrent.locks.Condition memtableRoom = writeLock.newCondition();
    /** Serialises memtable writes (single writer) and the pending queue. */
    private final Object applyLock = new Object();
    /** One flush at a time (and deletes, close: whatever needs the memtables still). */
    private final ReentrantLock maintenanceLock = new ReentrantLock();
    /**
     * One compaction at a time. Separate from {@link #maintenanceLock} so that a long merge never
     * holds up a flush: under sustained ingest a merge of several segments took seconds, during
     * which the active memtable grew past its hard limit and writes were refused. A flush only adds
     * segments and a merge only replaces its own inputs, and each publishes from the state current
     * at that moment, so the two compose. Whoever needs both takes this one first.
     */
    private final ReentrantLock compactionLock = new ReentrantLock();

    /** Encodes WAL records; used under the write lock only. */
    private final DataRecordCodec walCodec = new DataRecordCodec();
    private final ArrayDeque<PendingAppend> pending = new ArrayDeque<>();
    /** Batch ids appended but not yet acknowledged: a retry that arrives meanwhile joins the first. */
    private final Map<String, CompletableFuture<AppendResult>> inFlight = new ConcurrentHashMap<>();
    private volatile TableState state;
    private volatile boolean closed;
    private volatile long appliedSeq;
    private volatile Throwable lastBackgroundError;
    private volatile Throwable lastCompactionError;

    private Table(Path dir, FilesFacade fs, StorageConfig config, Durability durability, TableState state,
                  WalWriter wal, IdempotencyIndex dedup, SegmentStore segments, long appliedSeq) {
        this.memtableMemory = new MemtableMemoryPool(config.memtableFlushBytes() / 2, config.memtableMaxBytes());
        this.dir = dir;
        this.fs = fs;
        this.config = config;
        this.durability = durability;
        this.state = state;
        this.wal = wal;
        this.dedup = dedup;
        this.segments = segments;
        this.appliedSeq = appliedSeq;
    }

    // ------------------------------------------------------------------ lifecycle

    /** Opens an existing table: loads its schema and manifest, drops garbage, replays its WAL. */
    static Table open(Path dir, FilesFacade fs, StorageConfig config) throws IOException {
        Path metaFile = dir.resolve(TableMetaFile.FILE_NAME);
        TableMetaFile.TableMeta meta = TableMetaFile.decode(fs.readAll(metaFile), metaFile);
        TableSchema schema = meta.schema();
        SegmentStore store = SegmentStore.open(dir, fs, config, schema);
        IdempotencyIndex dedup = null;
        Memtable memtable = null;
        WalWriter wal = null;
        try {
            dedup = IdempotencyIndex.open(dir.resolve(DEDUP_FILE), config.dedupCapacity(), config.dedupRetentionMs());
            memtable = newMemtable(schema, config);
            WalRecovery recovery = new WalRecovery(fs, dir.resolve(WAL_DIR), schema, dedup, store, config);
            WalRecovery.Result replayed = recovery.replay(memtable, store.walCheckpointSeq());
            memtable = replayed.memtable();
            wal = WalWriter.open(fs, dir.resolve(WAL_DIR), WalConfigs.of(config, meta.durability()), replayed.nextSeq());
            TableState state = new TableState(schema, store.liveSegments(), memtable, List.of(), store.deleteVectors());
            Table t = new Table(dir, fs, config, meta.durability(), state, wal, dedup, store, replayed.lastSeq());
            wal.deleteFilesUpTo(store.walCheckpointSeq());
            LOG.info("table opened [table={}, segments={}, rows={}, replayedRecords={}, lastSeq={}]", schema.name(),
                    state.segments().size(), t.rowCount(), replayed.records(), replayed.lastSeq());
            return t;
        } catch (IOException | RuntimeException e) {
            if (wal != null) {
                wal.close();
            }
            if (memtable != null) {
                memtable.release();
            }
            if (dedup != null) {
                dedup.close();
            }
            store.close();
            throw e;
        }
    }

    static Memtable newMemtable(TableSchema schema, StorageConfig config) {
        return new Memtable(schema.name(), schema.columns(), config.segmentBlockRows(), config.memtableMaxBytes());
    }

    /** A memtable on memory recycled from this table's last flushed one, when there is a spare. */
    private Memtable newMemtable(TableSchema schema) {
        return new Memtable(schema.name(), schema.columns(), config.segmentBlockRows(), config.memtableMaxBytes(), memtableMemory);
    }

    public String name() {
        return state.schema().name();
    }

    public TableSchema schema() {
        return state.schema();
    }

    public Durability durability() {
        return durability;
    }

    Path dir() {
        return dir;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Appends a batch. The returned future completes when the batch is durable (per the table's
     * durability) and visible to queries, or fails with a {@link StorageException}. Validation
     * errors are thrown at once and nothing is written. {@code batchId} may be null (no dedup).
     */
    public CompletableFuture<AppendResult> append(String batchId, RowBatch batch) {
        if (batchId != null && batchId.isEmpty()) {
            batchId = null;
        }
        long roomWaitNanos = config.memtableFullWaitMs() * 1_000_000L;
        writeLock.lock();
        try {
          for (;;) { // once more after each wait for memtable room
            ensureOpen();
            TableState st = state;
            RowBatch rows = BatchNormalizer.toSchema(st.schema(), batch);
            if (batchId != null) {
                CompletableFuture<AppendResult> running = inFlight.get(batchId);
                if (running != null) {
                    return running.thenApply(r -> new AppendResult(r.seq(), r.rows(), true));
                }
                long seq = dedup.lookup(batchId);
                if (seq >= 0) {
                    return CompletableFuture.completedFuture(new AppendResult(seq, rows.rowCount(), true));
                }
            }
            if (rows.rowCount() == 0) {
                return CompletableFuture.completedFuture(new AppendResult(wal.lastSeq(), 0, false));
            }
            // Decide before the WAL append: a batch made durable must not fail its memtable apply
            // (it would come back at the next replay). Reserve an upper bound of what it allocates.
            long need = st.active().bytesUpperBound(rows);
            if (need > config.memtableMaxBytes()) {
                throw StorageException.invalid("batch is larger than a memtable may be [table=" + name() + ", rows="
                        + rows.rowCount() + ", bytes=" + need + ", limit=" + config.memtableMaxBytes() + "]; send smaller batches");
            }
            long held = st.memtableBytes() + reservedMemtableBytes.get();
            if (held + need > config.memtableMaxBytes()) {
                if (roomWaitNanos > 0) {
                    // Wait for a flush to free memory rather than refuse at once: a refused batch
                    // costs its sender a backoff and a resend, and under a sustained load that
                    // idles the write path while the flush catches up. Then start over: the
                    // schema, the dedup index and the memtables may all have changed meanwhile.
                    roomWaitNanos = memtableRoom.awaitNanos(roomWaitNanos);
                    continue;
                }
                throw StorageException.exhausted("table memtables are full; flushes are behind [table=" + name()
                        + ", bytes=" + held + ", needed=" + need + ", limit=" + config.memtableMaxBytes()
                        + ", waitedMs=" + config.memtableFullWaitMs() + "]; retry later");
            }
            WalAppend appended = wal.append(WalRecordType.DATA,
                    walCodec.encode(batchId == null ? "" : batchId, st.schema().version(), rows)); // "" = no batch id
            reservedMemtableBytes.addAndGet(need);
            PendingAppend p = new PendingAppend(appended.seq(), batchId, rows, st.active(), need);
            synchronized (applyLock) {
                pending.addLast(p);
            }
            if (batchId != null) {
                inFlight.put(batchId, p.result);
            }
            appended.durable().whenComplete((seq, error) -> {
                p.walError = error;
                p.walDone = true;
                drainPending();
            });
            return p.result;
          }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StorageException.closed("interrupted while waiting for memtable room [table=" + name() + ']');
        } finally {
            writeLock.unlock();
        }
    }

    /** Applies, in sequence order, every pending batch whose WAL outcome is known. */
    private void drainPending() {
        List<PendingAppend> finished = new ArrayList<>();
        synchronized (applyLock) {
            while (!pending.isEmpty() && pending.peekFirst().walDone) {
                PendingAppend p = pending.pollFirst();
                if (p.walError == null) {
                    try {
                        p.memtable.append(p.rows);
                        if (p.batchId != null) {
                            dedup.record(p.batchId, p.seq, System.currentTimeMillis());
                        }
                        appliedSeq = p.seq;
                    } catch (RuntimeException e) {
                        p.applyError = e;
                        LOG.error("applying a durable WAL record to the memtable failed [table={}, seq={}]", name(), p.seq, e);
                    }
                }
                reservedMemtableBytes.addAndGet(-p.reservedBytes); // now counted by the memtable itself, or never
                finished.add(p);
            }
            applyLock.notifyAll();
        }
        for (PendingAppend p : finished) {
            if (p.batchId != null) {
                // After dedup.record above: a retry that misses inFlight finds the id in the index.
                inFlight.remove(p.batchId, p.result);
            }
            if (p.walError != null) {
                Throwable cause = p.walError instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                        ? ce.getCause() : p.walError;
                p.result.completeExceptionally(cause instanceof StorageException ? cause
                        : StorageException.io("WAL write failed [table=" + name() + ", seq=" + p.seq + ']', cause));
            } else if (p.applyError != null) {
                p.result.completeExceptionally(p.applyError);
            } else {
                p.result.complete(new AppendResult(p.seq, p.rows.rowCount(), false));
            }
        }
    }

    /** Blocks until every batch appended so far has its outcome, so state changes see a settled memtable. */
    private void awaitPendingUpTo(long seq) {
        synchronized (applyLock) {
            while (!pending.isEmpty() && pending.peekFirst().seq <= seq) {
                try {
                    applyLock.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw StorageException.closed("interrupted while waiting for WAL [table=" + name() + ']');
                }
            }
        }
    }

    /** Memtable bytes reserved by batches appended to the WAL but not yet applied (see append). */
    private final java.util.concurrent.atomic.AtomicLong reservedMemtableBytes = new java.util.concurrent.atomic.AtomicLong();

    private static final class PendingAppend {
        final long seq;
        final String batchId;
        final RowBatch rows;
        final Memtable memtable;
        final CompletableFuture<AppendResult> result = new CompletableFuture<>();
        volatile boolean walDone;
        volatile Throwable walError;
        RuntimeException applyError;

        /** Memtable bytes reserved for this batch until it is applied (or fails). */
        final long reservedBytes;

        PendingAppend(long seq, String batchId, RowBatch rows, Memtable memtable, long reservedBytes) {
            this.seq = seq;
            this.batchId = batchId;
            this.rows = rows;
            this.memtable = memtable;
            this.reservedBytes = reservedBytes;
        }
    }

    // ------------------------------------------------------------------ schema

    /** Adds a nullable column; existing rows (memtable and segments) read it as NULL. */
    public TableSchema addColumn(ColumnDef column) throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            TableState st = state;
            TableSchema next = st.schema().withColumn(column);
            awaitPendingUpTo(Long.MAX_VALUE); // pending batches carry the old column count
            fs.writeAtomically(dir.resolve(TableMetaFile.FILE_NAME),
                    TableMetaFile.encode(new TableMetaFile.TableMeta(next, durability)));
            synchronized (applyLock) {
                st.active().addColumn(column);
                for (Memtable m : st.flushing()) {
                    m.addColumn(column);
                }
            }
            segments.schemaChanged(next);
            state = st.withSchema(next);
            return next;
        } finally {
            writeLock.unlock();
        }
    }

    // ------------------------------------------------------------------ reads

    /** A consistent snapshot of everything acknowledged so far. Close it when done. */
    public TableScan openScan() {
        while (true) {
            ensureOpen();
            TableState st = state;
            TableSnapshot snap = TableSnapshot.tryPin(st);
            if (snap != null) {
                return snap;
            }
            Thread.onSpinWait(); // a flush or compaction released part of st between our read and pin: retry
        }
    }

    /** Rows in the table now (segments plus memtables). */
    public long rowCount() {
        TableState st = state;
        long n = 0;
        for (SegmentReader s : st.segments()) {
            n += s.rowCount();
        }
        for (Memtable m : st.memtables()) {
            n += m.rowCount();
        }
        return n;
    }

    public List<SegmentInfo> segments() {
        return segments.describe(state.segments());
    }

    public long memtableBytes() {
        return state.memtableBytes();
    }

    public long walBytes() {
        return wal.totalBytes();
    }

    public Throwable lastBackgroundError() {
        Throwable flushError = lastBackgroundError;
        return flushError != null ? flushError : lastCompactionError;
    }

    // ------------------------------------------------------------------ maintenance

    /** Whether the active memtable is big or old enough to flush. */
    boolean needsFlush(long nowNanos) {
        Memtable m = state.active();
        if (m.rowCount() == 0) {
            return false;
        }
        if (m.offHeapBytes() >= config.memtableFlushBytes()) {
            return true;
        }
        long oldest = m.oldestAppendNanos();
        return oldest != 0 && nowNanos - oldest >= config.memtableMaxAgeMs() * 1_000_000L;
    }

    /**
     * Seals the active memtable and writes it out as segments. Returns the number of rows flushed.
     * Safe to call from any thread; concurrent appends continue into a fresh memtable.
     */
    public long flush() throws IOException {
        maintenanceLock.lock();
        try {
            Memtable sealed;
            long coveredSeq;
            writeLock.lock();
            try {
                ensureOpen();
                TableState st = state;
                synchronized (applyLock) {
                    if (st.active().rowCount() == 0 && pending.isEmpty()) {
                        return 0;
                    }
                }
                coveredSeq = wal.rollover();
                sealed = st.active();
                state = st.withNewActive(newMemtable(st.schema()));
            } finally {
                writeLock.unlock();
            }
            awaitPendingUpTo(coveredSeq);
            long rows = sealed.rowCount();
            long bytes = sealed.offHeapBytes();
            long freshBytes = sealed.freshBytes();
            long flushStart = System.nanoTime();
            List<SegmentReader> written = segments.writeSorted(sealed, coveredSeq);
            TableState before;
            writeLock.lock();
            try {
                before = state;
                state = before.withFlushed(sealed, written);
                memtableRoom.signalAll();
            } finally {
                writeLock.unlock();
            }
            sealed.release(); // the table's reference; readers still holding it keep it alive
            wal.deleteFilesUpTo(coveredSeq);
            try {
                dedup.prune(System.currentTimeMillis());
            } catch (RuntimeException e) {
                // Pruning only bounds the index; the flush itself has succeeded.
                LOG.warn("pruning the idempotency index failed [table={}]", name(), e);
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("flushed [table={}, rows={}, bytes={}, freshBytes={}, segments={}, millis={}, walCheckpoint={}]", name(), rows,
                        bytes, freshBytes, written.size(), (System.nanoTime() - flushStart) / 1_000_000, coveredSeq);
            }
            return rows;
        } finally {
            maintenanceLock.unlock();
        }
    }

    /** Merges small segments of one partition if enough have accumulated. Returns segments merged. */
    public int compact() throws IOException {
        if (!config.compactionEnabled()) {
            return 0;
        }
        compactionLock.lock();
        try {
            ensureOpen();
            List<SegmentReader> inputs = segments.pickCompaction(state.segments());
            if (inputs.isEmpty()) {
                return 0;
            }
            List<SegmentReader> outputs = segments.merge(inputs);
            writeLock.lock();
            try {
                state = state.withCompacted(inputs, outputs);
            } finally {
                writeLock.unlock();
            }
            segments.retire(inputs);
            LOG.debug("compacted [table={}, inputs={}, outputs={}]", name(), inputs.size(), outputs.size());
            return inputs.size();
        } finally {
            compactionLock.unlock();
        }
    }

    /**
     * Deletes every row for which {@code filter} says so, reading {@code columns} (table column
     * indexes) to decide; {@code prune} may skip blocks that cannot match. Rows acknowledged before
     * the call are considered; rows appended concurrently may or may not be. The deletion is durable
     * on return: the memtable is flushed first, then every affected segment gets a new delete vector
     * published in one manifest. Scans skip deleted rows at once; compaction removes them from disk.
     * Returns the number of rows deleted.
     */
    public long delete(int[] columns, ScanPredicate prune, RowFilter filter) throws IOException {
        compactionLock.lock(); // a merge must not drop the delete vectors written here
        maintenanceLock.lock();
        try {
            flush();
            TableState st = state;
            Map<SegmentReader, long[]> positions = new IdentityHashMap<>();
            Map<SegmentReader, Integer> counts = new IdentityHashMap<>();
            long total = 0;
            List<ColumnDef> defs = new ArrayList<>();
            for (int c : columns) {
                defs.add(st.schema().column(c));
            }
            RowBatch batch = new RowBatch(defs, config.segmentBlockRows());
            boolean[] matches = new boolean[config.segmentBlockRows()];
            for (SegmentReader segment : st.segments()) {
                DeleteVector already = st.deletesOf(segment);
                long[] hits = new long[16];
                int n = 0;
                // The raw split (no delete vector) keeps row positions aligned with the segment.
                try (ScanCursor cursor = new SegmentSplit(st.schema(), segment, null).open(columns, prune)) {
                    while (cursor.next(batch)) {
                        // Every block before this one was read or skipped, so this is block number read+skipped-1.
                        long first = segment.blockFirstRow((int) (cursor.blocksRead() + cursor.blocksSkipped() - 1));
                        if (matches.length < batch.rowCount()) {
                            matches = new boolean[batch.rowCount()];
                        }
                        java.util.Arrays.fill(matches, 0, batch.rowCount(), false);
                        filter.evaluate(batch, matches);
                        for (int r = 0; r < batch.rowCount(); r++) {
                            long row = first + r;
                            if (matches[r] && (already == null || !already.isDeleted(row))) {
                                if (n == hits.length) {
                                    hits = java.util.Arrays.copyOf(hits, n * 2);
                                }
                                hits[n++] = row;
                            }
                        }
                    }
                }
                if (n > 0) {
                    positions.put(segment, hits);
                    counts.put(segment, n);
                    total += n;
                }
            }
            if (total == 0) {
                return 0;
            }
            Map<SegmentReader, DeleteVector> next = segments.applyDeletes(positions, counts);
            writeLock.lock();
            try {
                state = state.withDeletes(next);
            } finally {
                writeLock.unlock();
            }
            LOG.info("deleted rows [table={}, rows={}, segments={}]", name(), total, positions.size());
            return total;
        } finally {
            maintenanceLock.unlock();
            compactionLock.unlock();
        }
    }

    /** One round of background work; never throws (errors are logged and kept for health). */
    void doBackgroundWork(long nowNanos) {
        if (closed) {
            return;
        }
        try {
            if (needsFlush(nowNanos)) {
                flush();
            } else if (state.active().rowCount() == 0) {
                memtableMemory.releaseSpare(); // nothing arrived since the last flush: do not hold memory for a quiet table
            }
            lastBackgroundError = null;
        } catch (Throwable t) {
            if (!closed) {
                lastBackgroundError = t;
                LOG.error("background maintenance failed [table={}]", name(), t);
            }
        }
    }

    /** One round of compaction (the engine's compaction thread); never throws (errors are logged and kept for health). */
    void doCompactionWork() {
        if (closed) {
            return;
        }
        try {
            compact();
            lastCompactionError = null;
        } catch (Throwable t) {
            if (!closed) {
                lastCompactionError = t;
                LOG.error("background compaction failed [table={}]", name(), t);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw StorageException.closed("table is closed [table=" + name() + ']');
        }
    }

    /** Flushes the memtable (when {@code flush}) and releases every resource the table holds. */
    void close(boolean flush) {
        if (closed) {
            return;
        }
        if (flush) {
            try {
                flush();
            } catch (IOException | RuntimeException e) {
                LOG.error("flush at close failed; the WAL still holds the rows [table={}]", name(), e);
            }
        }
        compactionLock.lock();
        maintenanceLock.lock();
        writeLock.lock();
        try {
            closed = true;
            memtableRoom.signalAll(); // appends waiting for room fail CLOSED now
            wal.close(); // completes or fails pending appends
        } finally {
            writeLock.unlock();
            maintenanceLock.unlock();
            compactionLock.unlock();
        }
        awaitPendingUpTo(Long.MAX_VALUE);
        TableState st = state;
        for (Memtable m : st.memtables()) {
            m.release();
        }
        memtableMemory.close();
        dedup.close();
        segments.close();
    }

    @Override
    public void close() {
        close(true);
    }
}
