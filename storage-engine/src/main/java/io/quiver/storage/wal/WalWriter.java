package io.quiver.storage.wal;

import io.quiver.storage.Durability;
import io.quiver.storage.StorageException;
import io.quiver.storage.fs.FilesFacade;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * Appends records to one table's WAL directory and makes them durable by group commit.
 *
 * <h2>Threads</h2>
 * Any number of threads may call {@link #append}; records are written whole and in seq order under
 * one lock (a positional write into the page cache, no fsync). In FSYNC and BATCH mode one flusher
 * thread per writer ({@link WalFlusher}) fsyncs the current file at most once per group-commit
 * interval, or early past the unsynced-bytes threshold, and completes the futures the fsync covered.
 * A thread per writer rather than one shared flusher: fsync is a blocking call on one file, so a
 * shared thread would queue every table's fsync behind the slowest table's (and behind a hung
 * device); separate threads let independent fsyncs overlap on the device. The thread is parked
 * whenever nothing is unsynced, so an idle table costs no CPU.
 *
 * <h2>What a caller may assume</h2>
 * <ul>
 *   <li>{@link #append} either returns a {@link WalAppend} whose record is completely written to
 *       the OS, or throws; a throwing append consumed no seq, and the next append reuses it.</li>
 *   <li>A future that completed normally: FSYNC: the record and every earlier one are on stable
 *       storage (file data fsynced, and the file's header and directory entry fsynced by the first
 *       fsync that counted one of its records durable: creating a file at a rollover waits for
 *       no fsync of it).
 *       BATCH and NONE: the record was written to the OS; it survives a process crash, not a
 *       power loss.</li>
 *   <li>A future that completed exceptionally (IO, or CLOSED): the record may or may not be
 *       replayed after a restart. Retry with the same batch id; the table must therefore skip a
 *       DATA record on replay whose batch id it has already seen.</li>
 *   <li>A failed write is undone (the file is truncated back to the last good record) and fails
 *       only that append. If even the truncate fails, or an fsync fails, the file is abandoned:
 *       every record not yet known durable fails, nothing is rewritten, and the next append starts
 *       a new file (flagged {@link WalFormat#FLAG_PREDECESSOR_ABANDONED}); appends keep failing
 *       with IO until that new file can be created (and its records until it can be fsynced with
 *       its directory entry), and work again once the fault is gone.</li>
 * </ul>
 *
 * <h2>Ownership</h2>
 * The writer owns its file channels, one direct write buffer (as large as the largest record seen)
 * and its flusher thread; {@link #close} releases all of them. Open the writer only after
 * {@link WalReader#replay} has cut any torn tail, with {@code nextSeq} from the replay summary.
 */
public final class WalWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalWriter.class);
    private static final long IDLE_PARK_NANOS = 100_000_000L;
    private static final int INITIAL_WRITE_BUFFER_BYTES = 64 << 10;
    /** Zeros written per call when preparing a file; read-only, shared by every writer. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private final FilesFacade fs;
    private final Path dir;
    private final WalConfig cfg;
    private final long groupCommitIntervalNanos;

    // Lock order: syncLock, then appendLock. Never wait for syncLock while holding appendLock.
    // syncLock serialises fsyncs of this writer: Linux reports a writeback error to only one fsync,
    // so two concurrent fsyncs of one file could let the second report success over lost pages.
    private final ReentrantLock syncLock = new ReentrantLock();
    private final ReentrantLock appendLock = new ReentrantLock();

    // ---- guarded by appendLock ----
    /** All WAL files of the directory, oldest first; the last is {@link #current} while one is open. */
    private final List<WalFile> files = new ArrayList<>();
    /** Null when no trusted file is open: the next append starts one. */
    private FileChannel channel;
    private WalFile current;
    private long currentRecords;
    /** End of the last good record of the current file: where the next record goes. */
    private long writePosition;
    private short nextFileFlags;
    private long nextSeq;
    private long totalBytes;
    /** Record bytes ever written, and the part of them known durable (or given up on). */
    private long writtenBytes;
    private long syncedBytes;
    private long lastSyncStartNanos;
    /**
     * The open file's header and directory entry are not fsynced yet. Creating a file does not
     * wait for them (a rollover happens under the table's write lock, which every append needs);
     * the first fsync that makes one of its records durable makes them durable too.
     */
    private boolean currentFileEntryUnsynced;
    /** FSYNC mode: appends written but not yet covered by an fsync, in seq order. */
    private final ArrayDeque<WalAppend> pending = new ArrayDeque<>();
    private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(INITIAL_WRITE_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer headerBuffer = ByteBuffer.allocateDirect(WalFormat.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private boolean closed;
    /** The zero-filled, fsynced next file ({@link WalFormat#PREPARED_FILE_NAME}); null while none is ready. */
    private FileChannel preparedChannel;
    /** A thread is preparing the next file. */
    private boolean preparing;
    /** The last preparation thread started; {@link #close} waits for it, so none outlives the writer. */
    private volatile Thread preparer;
    /** Set when {@link #close} begins: a running preparation stops writing zeros. */
    private volatile boolean closing;
    /** The current file was preallocated: on disk it is its preallocated size, past {@link #writePosition}. */
    private boolean currentPreallocated;
    /** A prepared file is ready while the current one grows as it is written: the next append rolls. */
    private volatile boolean rollToPrepared;
    /** Whether files are prepared ahead (there is no fsync to spare a journal commit in NONE mode). */
    private final boolean preallocate;

    // ---- guarded by syncLock ----
    private final List<WalAppend> completed = new ArrayList<>();

    // ---- published for lock-free readers ----
    private volatile long lastSeqPublished;
    private volatile long totalBytesPublished;
    private volatile long currentFileBytesPublished;

    private final WalFlusher flusher;
    private final AgentRunner flusherRunner;
    private final Thread flusherThread;

    private WalWriter(FilesFacade fs, Path dir, WalConfig cfg, long nextSeq) {
        this.fs = fs;
        this.dir = dir;
        this.cfg = cfg;
        this.groupCommitIntervalNanos = cfg.groupCommitIntervalUs() * 1_000L;
        this.preallocate = cfg.preallocateBytes() > 0 && cfg.durability() != Durability.NONE;
        this.nextSeq = nextSeq;
        this.lastSeqPublished = nextSeq - 1;
        // nanoTime has an arbitrary origin: start "one interval ago" so the first append syncs at once.
        this.lastSyncStartNanos = System.nanoTime() - groupCommitIntervalNanos;
        if (cfg.durability() == Durability.NONE) {
            flusher = null;
            flusherRunner = null;
            flusherThread = null;
        } else {
            flusher = new WalFlusher(this, "wal-flusher-" + dir.getFileName());
            flusherRunner = new AgentRunner(flusher.idleStrategy(), WalWriter::onFlusherError, null, flusher);
            flusherThread = AgentRunner.startOnThread(flusherRunner, r -> {
                Thread t = new Thread(r, "quiver-" + flusher.roleName());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /**
     * Opens the WAL of one table, starting a new file whose first record gets {@code nextSeq}.
     * Existing files stay (they are counted in {@link #totalBytes} and deleted by
     * {@link #deleteFilesUpTo}); a leftover file at or after {@code nextSeq} that holds no record is
     * removed, one that holds records means the caller skipped replay and is refused.
     */
    public static WalWriter open(FilesFacade fs, Path dir, WalConfig cfg, long nextSeq) {
        if (nextSeq < 1) {
            throw StorageException.invalid("WAL seqs start at 1 [dir=" + dir + ", nextSeq=" + nextSeq + ']');
        }
        List<WalFile> existing = new ArrayList<>();
        try {
            fs.createDirectories(dir);
            // A file prepared by an earlier run never got a header: it holds nothing.
            fs.deleteIfExists(dir.resolve(WalFormat.PREPARED_FILE_NAME));
            for (Path p : fs.list(dir)) {
                long first = WalFormat.firstSeqOf(p);
                if (first < 0) {
                    continue;
                }
                long size = fs.size(p);
                if (first >= nextSeq) {
                    if (size > WalFormat.HEADER_LENGTH) {
                        throw StorageException.invalid("WAL already holds records at or after nextSeq; replay it first [file="
                                + p + ", nextSeq=" + nextSeq + ']');
                    }
                    fs.deleteIfExists(p);
                    LOG.info("removed empty WAL file left at or after the next seq [file={}, nextSeq={}]", p, nextSeq);
                    continue;
                }
                existing.add(new WalFile(first, p, size));
            }
        } catch (IOException e) {
            throw StorageException.io("cannot open WAL directory [dir=" + dir + ']', e);
        }
        WalWriter w = new WalWriter(fs, dir, cfg, nextSeq);
        w.appendLock.lock();
        try {
            for (WalFile f : existing) {
                w.files.add(f);
                w.totalBytes += f.size;
            }
            w.startNewFile();
        } catch (RuntimeException e) {
            w.appendLock.unlock();
            w.close();
            throw e;
        }
        w.appendLock.unlock();
        return w;
    }

    /**
     * Appends one record of {@code type} (1..255) holding {@code payload}'s remaining bytes (the
     * buffer's position is not moved). Returns the record's seq and its durability future.
     *
     * @throws StorageException INVALID_INPUT for a bad type or a record over
     *         {@link WalConfig#maxRecordBytes()}; RESOURCE_EXHAUSTED when the WAL would exceed
     *         {@link WalConfig#maxTotalBytes()} (flush the table first); IO when the write fails (the
     *         record is not in the WAL); CLOSED after {@link #close}
     */
    public WalAppend append(int type, ByteBuffer payload) {
        if (!WalRecordType.isValid(type)) {
            throw StorageException.invalid("invalid WAL record type [dir=" + dir + ", type=" + type + ']');
        }
        int payloadLength = payload.remaining();
        long recordBytes = WalFormat.RECORD_OVERHEAD + (long) payloadLength;
        if (recordBytes > cfg.maxRecordBytes()) {
            throw StorageException.invalid("WAL record too large [dir=" + dir + ", size=" + recordBytes
                    + ", limit=" + cfg.maxRecordBytes() + "]; split the batch");
        }
        long fileBytes = currentFileBytesPublished;
        if (fileBytes >= cfg.fileRollBytes() || rollToPrepared
                || (preallocate && fileBytes > WalFormat.HEADER_LENGTH && fileBytes + recordBytes > cfg.effectiveRollBytes())) {
            rollForSize();
        }
        List<WalAppend> abandoned = null;
        WalAppend result;
        boolean wakeFlusher;
        appendLock.lock();
        try {
            if (closed) {
                throw StorageException.closed("WAL is closed [dir=" + dir + ']');
            }
            long needed = recordBytes + (channel == null ? WalFormat.HEADER_LENGTH : 0);
            if (totalBytes + needed > cfg.maxTotalBytes()) {
                throw StorageException.exhausted("WAL is full; the table must flush first [dir=" + dir
                        + ", walBytes=" + totalBytes + ", recordBytes=" + recordBytes + ", limit=" + cfg.maxTotalBytes() + ']');
            }
            if (channel == null) {
                startNewFile();
            }
            long seq = nextSeq;
            fillWriteBuffer(seq, type, payload, (int) recordBytes);
            try {
                fs.write(channel, writeBuffer, writePosition);
            } catch (IOException | RuntimeException e) {
                String what = "WAL write failed [file=" + current.path + ", seq=" + seq + ", offset=" + writePosition
                        + ", bytes=" + recordBytes + ']';
                abandoned = undoFailedWrite(e);
                throw StorageException.io(what, e);
            }
            long unsyncedBefore = writtenBytes - syncedBytes;
            writePosition += recordBytes;
            current.size = writePosition;
            currentRecords++;
            totalBytes += recordBytes;
            writtenBytes += recordBytes;
            nextSeq = seq + 1;
            switch (cfg.durability()) {
                case FSYNC -> {
                    result = new WalAppend(seq, new CompletableFuture<>());
                    pending.addLast(result);
                }
                case BATCH, NONE -> result = new WalAppend(seq, CompletableFuture.completedFuture(seq));
                default -> throw new IllegalStateException();
            }
            // Wake the flusher when this append is the first unsynced one (it may be parked for
            // long) or crossed the threshold; otherwise it is already due to wake on its deadline.
            wakeFlusher = flusherThread != null && (unsyncedBefore == 0
                    || (unsyncedBefore < cfg.syncThresholdBytes() && unsyncedBefore + recordBytes >= cfg.syncThresholdBytes()));
            // Prepared only once a table writes steadily: an idle or tiny table never pays for one.
            if (preallocate && preparedChannel == null && !preparing && writePosition >= cfg.preallocateBytes() / 8) {
                startPreparingNextFile();
            }
            publish();
        } finally {
            appendLock.unlock();
            if (abandoned != null) {
                failAll(abandoned, "WAL file abandoned after a failed write could not be undone; record may not be durable", null);
            }
        }
        if (wakeFlusher) {
            LockSupport.unpark(flusherThread);
        }
        return result;
    }

    /**
     * Closes the current file (fsynced first unless the mode is NONE) and starts a new one at the
     * next seq. Returns the last seq of the closed file. A no-op when the current file holds no
     * record. The table calls this when it seals a memtable, so that the sealed rows' WAL files can
     * be deleted whole once flushed.
     */
    public long rollover() {
        List<WalAppend> abandoned = null;
        syncLock.lock();
        try {
            appendLock.lock();
            try {
                ensureOpen();
                long last = nextSeq - 1;
                if (channel == null) {
                    startNewFile();
                    return last;
                }
                if (currentRecords == 0) {
                    return last;
                }
                if (cfg.durability() != Durability.NONE) {
                    try {
                        forceDurably(channel, currentFileEntryUnsynced);
                        markSynced(last, writtenBytes);
                    } catch (IOException | RuntimeException e) {
                        LOG.error("WAL fsync failed at rollover; abandoning the file [file={}]", current.path, e);
                        abandoned = abandonCurrentFile();
                        startNewFile();
                        return last;
                    }
                }
                // Create the next file before closing this one: if creation fails, this file stays
                // current and appends go on in it.
                FileChannel oldChannel = channel;
                Path oldPath = current.path;
                long oldSize = current.size;
                boolean oldPreallocated = currentPreallocated;
                startNewFile();
                if (oldPreallocated) {
                    trimQuietly(oldChannel, oldPath, oldSize);
                }
                closeQuietly(oldChannel, oldPath);
                return last;
            } finally {
                appendLock.unlock();
            }
        } finally {
            syncLock.unlock();
            completeDrained();
            if (abandoned != null) {
                failAll(abandoned, "WAL fsync failed at rollover; record may not be durable", null);
            }
        }
    }

    private void rollForSize() {
        try {
            rollover();
        } catch (StorageException e) {
            // The append below reports what matters; a failed roll leaves the writer usable.
            LOG.warn("WAL size rollover failed [dir={}, reason={}]", dir, e.getMessage());
        }
    }

    /**
     * Deletes whole files all of whose records have seq {@code <= seq} (never the open file).
     * The table calls it after a flush made those records durable in segments.
     */
    public void deleteFilesUpTo(long seq) {
        appendLock.lock();
        try {
            ensureOpen();
            while (!files.isEmpty() && files.getFirst() != current) {
                WalFile f = files.getFirst();
                long lastSeqOfFile = files.size() > 1 ? files.get(1).firstSeq - 1 : nextSeq - 1;
                if (lastSeqOfFile > seq) {
                    break;
                }
                try {
                    fs.deleteIfExists(f.path);
                } catch (IOException e) {
                    throw StorageException.io("cannot delete WAL file [file=" + f.path + ']', e);
                }
                files.removeFirst();
                totalBytes -= f.size;
                LOG.debug("deleted WAL file [file={}, lastSeq={}]", f.path, lastSeqOfFile);
            }
            publish();
        } finally {
            appendLock.unlock();
        }
    }

    /** The seq of the last record appended (written to the OS), or {@code nextSeq - 1} of {@link #open}. */
    public long lastSeq() {
        return lastSeqPublished;
    }

    /** Bytes of all WAL files of this table on disk. */
    public long totalBytes() {
        return totalBytesPublished;
    }

    /** Whether a prepared (zero-filled, fsynced) next file is ready; for tests. */
    boolean hasPreparedFile() {
        appendLock.lock();
        try {
            return preparedChannel != null;
        } finally {
            appendLock.unlock();
        }
    }

    /** The directory this writer appends to. */
    public Path directory() {
        return dir;
    }

    /**
     * Stops the flusher, fsyncs the current file, completes the futures it covered (or fails them if
     * the fsync fails) and closes the file. Later calls fail with CLOSED. Idempotent.
     */
    @Override
    public void close() {
        closing = true;
        if (flusherRunner != null) {
            flusher.stop();
            LockSupport.unpark(flusherThread);
            flusherRunner.close();
        }
        List<WalAppend> abandoned = null;
        syncLock.lock();
        try {
            appendLock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                if (channel != null) {
                    abandoned = closeCurrentFile();
                }
                abandoned = concat(abandoned, drainPending());
                if (preparedChannel != null) {
                    discardPrepared(preparedChannel);
                    preparedChannel = null;
                } // else a running preparation sees closed and discards its file
            } finally {
                appendLock.unlock();
            }
        } finally {
            syncLock.unlock();
            completeDrained();
            if (abandoned != null) {
                failAll(abandoned, "WAL closed before the record was known durable", null);
            }
        }
        awaitPreparer();
    }

    /** Waits for a running preparation (it discards its file once it sees the writer closed). */
    private void awaitPreparer() {
        Thread t = preparer;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- flusher side

    /**
     * One group commit if one is due: fsyncs the current file outside the append lock so appends go
     * on meanwhile, then completes the futures of the records the fsync covered. Returns 1 if it
     * synced, else 0. Called by the flusher thread only.
     */
    int syncIfDue() {
        if (!syncLock.tryLock()) {
            return 0; // rollover or close is syncing
        }
        try {
            FileChannel ch;
            WalFile file;
            long upToSeq;
            long upToBytes;
            boolean withEntry;
            appendLock.lock();
            try {
                long unsynced = writtenBytes - syncedBytes;
                if (channel == null || unsynced == 0) {
                    return 0;
                }
                long now = System.nanoTime();
                if (now - lastSyncStartNanos < groupCommitIntervalNanos && unsynced < cfg.syncThresholdBytes()) {
                    return 0;
                }
                lastSyncStartNanos = now;
                ch = channel;
                file = current;
                upToSeq = nextSeq - 1;
                upToBytes = writtenBytes;
                withEntry = currentFileEntryUnsynced;
            } finally {
                appendLock.unlock();
            }
            Exception failure = null;
            try {
                forceDurably(ch, withEntry);
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            List<WalAppend> abandoned = null;
            appendLock.lock();
            try {
                if (failure == null) {
                    markSynced(upToSeq, upToBytes);
                    if (ch == channel) {
                        currentFileEntryUnsynced = false;
                    }
                } else if (ch == channel) {
                    abandoned = abandonCurrentFile();
                }
            } finally {
                appendLock.unlock();
            }
            if (failure != null) {
                LOG.error("WAL fsync failed; abandoning the file, unsynced records fail and appends go to a new file [file={}]",
                        file.path, failure);
                if (abandoned != null) {
                    failAll(abandoned, "WAL fsync failed; record may not be durable", failure);
                }
            }
            return 1;
        } finally {
            syncLock.unlock();
            completeDrained();
        }
    }

    /** How long the flusher may park before a sync could become due. */
    long nanosUntilSyncDue() {
        appendLock.lock();
        try {
            long unsynced = writtenBytes - syncedBytes;
            if (channel == null || unsynced == 0) {
                return IDLE_PARK_NANOS;
            }
            if (unsynced >= cfg.syncThresholdBytes()) {
                return 0;
            }
            return Math.max(0, lastSyncStartNanos + groupCommitIntervalNanos - System.nanoTime());
        } finally {
            appendLock.unlock();
        }
    }

    private static void onFlusherError(Throwable t) {
        if (!(t instanceof org.agrona.concurrent.AgentTerminationException)) {
            LOG.error("WAL flusher error", t);
        }
    }

    // ---------------------------------------------------------------- internals (appendLock held)

    private void ensureOpen() {
        if (closed) {
            throw StorageException.closed("WAL is closed [dir=" + dir + ']');
        }
    }

    private void fillWriteBuffer(long seq, int type, ByteBuffer payload, int recordBytes) {
        if (writeBuffer.capacity() < recordBytes) {
            int cap = (int) Math.min(cfg.maxRecordBytes(), Math.max(recordBytes, 2L * writeBuffer.capacity()));
            writeBuffer = ByteBuffer.allocateDirect(cap).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer b = writeBuffer;
        b.clear();
        b.putInt(WalFormat.RECORD_LENGTH_OFFSET, recordBytes - WalFormat.RECORD_PREFIX_LENGTH);
        b.putLong(WalFormat.RECORD_SEQ_OFFSET, seq);
        b.put(WalFormat.RECORD_TYPE_OFFSET, (byte) type);
        b.put(WalFormat.RECORD_PAYLOAD_OFFSET, payload, payload.position(), recordBytes - WalFormat.RECORD_OVERHEAD);
        b.limit(recordBytes).position(WalFormat.RECORD_PREFIX_LENGTH);
        crc.reset();
        crc.update(b);
        b.putInt(WalFormat.RECORD_CRC_OFFSET, (int) crc.getValue());
        b.position(0);
    }

    /**
     * Cuts the file back to the last good record so the failed record never becomes a partial one.
     * Returns the appends to fail if the cut itself failed and the file had to be abandoned.
     */
    private List<WalAppend> undoFailedWrite(Exception writeFailure) {
        try {
            fs.truncate(channel, writePosition);
            return null;
        } catch (IOException | RuntimeException e) {
            writeFailure.addSuppressed(e);
            LOG.error("cannot truncate WAL file after a failed write; abandoning it [file={}, offset={}]",
                    current.path, writePosition, e);
            return abandonCurrentFile();
        }
    }

    /**
     * Stops using the current file without rewriting anything: its unsynced records are given up
     * (returned, to be failed outside the lock) and the next file is flagged so that replay
     * tolerates a corrupt tail in this one.
     */
    private List<WalAppend> abandonCurrentFile() {
        List<WalAppend> failed = drainPending();
        syncedBytes = writtenBytes;
        closeQuietly(channel, current.path);
        channel = null;
        current = null;
        nextFileFlags = WalFormat.FLAG_PREDECESSOR_ABANDONED;
        publish();
        return failed;
    }

    /**
     * Fsyncs and closes the current file at {@link #close}; requires syncLock. Futures the fsync
     * covered go to {@link #completed}; if it fails, the file is abandoned and the returned appends
     * must fail.
     */
    private List<WalAppend> closeCurrentFile() {
        try {
            forceDurably(channel, currentFileEntryUnsynced);
            markSynced(nextSeq - 1, writtenBytes);
        } catch (IOException | RuntimeException e) {
            LOG.error("WAL fsync failed while closing the file; abandoning it [file={}]", current.path, e);
            return abandonCurrentFile();
        }
        if (currentPreallocated) {
            trimQuietly(channel, current.path, current.size);
        }
        closeQuietly(channel, current.path);
        channel = null;
        current = null;
        publish();
        return null;
    }

    /** Fsyncs a file's data, and with {@code withEntry} also its metadata and its directory entry. */
    private void forceDurably(FileChannel ch, boolean withEntry) throws IOException {
        fs.force(ch, withEntry);
        if (withEntry) {
            fs.fsyncDirectory(dir);
        }
    }

    private void markSynced(long upToSeq, long upToBytes) {
        syncedBytes = Math.max(syncedBytes, upToBytes);
        while (!pending.isEmpty() && pending.peekFirst().seq() <= upToSeq) {
            completed.add(pending.pollFirst());
        }
    }

    /** Creates the file for {@code nextSeq} with its header; the first fsync of a record makes it durable. */
    private void startNewFile() {
        long first = nextSeq;
        Path path = dir.resolve(WalFormat.fileName(first));
        if (!files.isEmpty() && files.getLast().firstSeq == first) {
            if (files.getLast() == current) {
                throw new IllegalStateException("new WAL file would replace the open one [file=" + path + ']');
            }
            // An abandoned file that never got a good record: the new file replaces it.
            totalBytes -= files.removeLast().size;
        }
        FileChannel ch = takePreparedFile(path, first);
        boolean preallocated = ch != null;
        try {
            if (ch == null) {
                ch = fs.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                writeHeader(ch, first, nextFileFlags);
            }
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                closeQuietly(ch, path);
            }
            try {
                fs.deleteIfExists(path);
            } catch (IOException | RuntimeException de) {
                e.addSuppressed(de);
            }
            throw StorageException.io("cannot start WAL file [file=" + path + ']', e);
        }
        channel = ch; // the caller closes the previous channel, if any
        current = new WalFile(first, path, WalFormat.HEADER_LENGTH);
        files.add(current);
        currentRecords = 0;
        writePosition = WalFormat.HEADER_LENGTH;
        totalBytes += WalFormat.HEADER_LENGTH;
        nextFileFlags = 0;
        // A prepared file's new name is not durable yet either: the first fsync syncs the directory.
        currentFileEntryUnsynced = cfg.durability() != Durability.NONE;
        currentPreallocated = preallocated;
        rollToPrepared = false;
        publish();
    }

    /**
     * Moves the prepared file, if one is ready, to {@code path} and writes its header; returns its
     * channel, or null (none ready, or it could not be taken: the caller creates a plain file).
     * A rename and an overwrite of allocated blocks need no journal commit of their own.
     */
    private FileChannel takePreparedFile(Path path, long firstSeq) {
        FileChannel ch = preparedChannel;
        if (ch == null) {
            return null;
        }
        preparedChannel = null;
        Path prepared = dir.resolve(WalFormat.PREPARED_FILE_NAME);
        try {
            fs.atomicMove(prepared, path);
            writeHeader(ch, firstSeq, (short) (nextFileFlags | WalFormat.FLAG_PREALLOCATED));
            return ch;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot use the prepared WAL file; starting a plain one [file={}]", path, e);
            closeQuietly(ch, path);
            try {
                fs.deleteIfExists(prepared);
                fs.deleteIfExists(path);
            } catch (IOException | RuntimeException de) {
                LOG.warn("cannot delete the prepared WAL file [file={}]", prepared, de);
            }
            return null;
        }
    }

    private void writeHeader(FileChannel ch, long firstSeq, short flags) throws IOException {
        headerBuffer.clear();
        WalFormat.writeHeader(headerBuffer, firstSeq, flags);
        headerBuffer.flip();
        fs.write(ch, headerBuffer, 0);
    }

    /** Starts a thread that zero-fills and fsyncs the next file off the append path. */
    private void startPreparingNextFile() {
        preparing = true;
        preparer = Thread.ofPlatform().daemon().name("quiver-wal-prepare-" + dir.getFileName()).start(this::prepareNextFile);
    }

    /**
     * Writes the next file full of zeros and fsyncs it and the directory, so that every block of it
     * is allocated and on disk before a record goes there.
     */
    private void prepareNextFile() {
        Path path = dir.resolve(WalFormat.PREPARED_FILE_NAME);
        FileChannel ch = null;
        try {
            ch = fs.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            long size = cfg.preallocateBytes();
            for (long off = 0; off < size && !closing; off += ZEROS.capacity()) {
                fs.write(ch, ZEROS.duplicate().limit((int) Math.min(ZEROS.capacity(), size - off)), off);
            }
            fs.force(ch, true);
            fs.fsyncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot prepare the next WAL file; the next file grows as it is written [file={}]", path, e);
            if (ch != null) {
                discardPrepared(ch);
                ch = null;
            }
        }
        appendLock.lock();
        try {
            preparing = false;
            if (ch != null && !closed) {
                preparedChannel = ch;
                rollToPrepared = channel != null && !currentPreallocated;
                ch = null;
            }
        } finally {
            appendLock.unlock();
        }
        if (ch != null) {
            discardPrepared(ch); // the writer closed meanwhile
        }
    }

    private void discardPrepared(FileChannel ch) {
        Path path = dir.resolve(WalFormat.PREPARED_FILE_NAME);
        closeQuietly(ch, path);
        try {
            fs.deleteIfExists(path);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot delete the prepared WAL file [file={}]", path, e);
        }
    }

    /** Cuts a preallocated file's unused zeros once it is done with; replay would skip them anyway. */
    private void trimQuietly(FileChannel ch, Path path, long size) {
        try {
            fs.truncate(ch, size);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot trim the unused rest of a preallocated WAL file [file={}, size={}]", path, size, e);
        }
    }

    private List<WalAppend> drainPending() {
        if (pending.isEmpty()) {
            return null;
        }
        List<WalAppend> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    private void publish() {
        lastSeqPublished = nextSeq - 1;
        totalBytesPublished = totalBytes;
        currentFileBytesPublished = current == null ? 0 : current.size;
    }

    private void closeQuietly(FileChannel ch, Path path) {
        try {
            fs.close(ch);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot close WAL file [file={}]", path, e);
        }
    }

    // ---------------------------------------------------------------- completion (no lock held)

    /** Completes, in seq order, the futures the last fsync covered; called after the locks are released. */
    private void completeDrained() {
        if (!syncLock.tryLock()) {
            return; // another syncer holds it and will complete them
        }
        try {
            for (WalAppend a : completed) {
                a.durable().complete(a.seq());
            }
            completed.clear();
        } finally {
            syncLock.unlock();
        }
    }

    /** Fails appends that were written to {@code file} but cannot be known durable. */
    private void failAll(List<WalAppend> appends, String what, Throwable cause) {
        for (WalAppend a : appends) {
            a.durable().completeExceptionally(StorageException.io(what + " [dir=" + dir + ", seq=" + a.seq() + ']', cause));
        }
    }

    private static List<WalAppend> concat(List<WalAppend> a, List<WalAppend> b) {
        if (a == null) {
            return b;
        }
        if (b != null) {
            a.addAll(b);
        }
        return a;
    }

    /** One WAL file of the directory. */
    private static final class WalFile {
        final long firstSeq;
        final Path path;
        long size;

        WalFile(long firstSeq, Path path, long size) {
            this.firstSeq = firstSeq;
            this.path = path;
            this.size = size;
        }
    }
}
