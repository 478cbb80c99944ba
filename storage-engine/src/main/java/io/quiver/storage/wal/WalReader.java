package io.quiver.storage.wal;

import io.quiver.storage.StorageException;
import io.quiver.storage.fs.FilesFacade;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Replays a table's WAL directory at startup and cuts off whatever a crash left half written.
 *
 * <p>Files are read in seq order; every record's length is bounds-checked and its CRC32C verified,
 * and seqs must run on by one within a file and increase across files. At the first torn or
 * corrupt record (or file header) the reader logs a WARN naming file, offset and reason, truncates
 * that file at the record's start (deletes it if its header is bad), and then:
 * <ul>
 *   <li>normally deletes every later WAL file and stops, so a torn tail is never replayed and no
 *       record after a gap is ever applied;</li>
 *   <li>but if the next file's header says {@link WalFormat#FLAG_PREDECESSOR_ABANDONED}, the bad
 *       bytes are the unacknowledged tail of a file the writer gave up on after a failed fsync, so
 *       replay goes on with the next file.</li>
 * </ul>
 * Truncations and deletions are fsynced before replay returns, so a writer opened afterwards never
 * appends behind a torn tail. A read error (as opposed to bad bytes) throws IO and changes nothing.
 */
public final class WalReader {
    private static final Logger LOG = LoggerFactory.getLogger(WalReader.class);
    private static final int READ_CHUNK_BYTES = 1 << 20;
    private static final int MAX_EMPTY_READS = 1000;

    private final FilesFacade fs;
    private final Path dir;
    private final long afterSeq;
    private final WalRecordHandler handler;
    private final CRC32C crc = new CRC32C();

    private ByteBuffer window = ByteBuffer.allocate(READ_CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** File offset of {@code window[0]}; the window holds {@code window.limit()} valid bytes. */
    private long windowFileOffset;

    private long replayed;
    private long skipped;
    private long lastSeq = -1;
    private long truncatedBytes;
    private int filesDeleted;
    private boolean corruptionFound;

    private WalReader(FilesFacade fs, Path dir, long afterSeq, WalRecordHandler handler) {
        this.fs = fs;
        this.dir = dir;
        this.afterSeq = afterSeq;
        this.handler = handler;
    }

    /**
     * Hands every good record with seq {@code > afterSeq} to {@code handler}, in seq order, and cuts
     * the WAL at the first torn or corrupt record as described above.
     */
    public static WalReplaySummary replay(FilesFacade fs, Path dir, long afterSeq, WalRecordHandler handler) {
        return new WalReader(fs, dir, afterSeq, handler).run();
    }

    private WalReplaySummary run() {
        List<Path> walFiles = new ArrayList<>();
        try {
            for (Path p : fs.list(dir)) {
                if (WalFormat.firstSeqOf(p) >= 0) {
                    walFiles.add(p); // list() sorts by name, and zero-padded names sort by seq
                }
            }
        } catch (IOException e) {
            throw StorageException.io("cannot list WAL directory [dir=" + dir + ']', e);
        }
        long maxFirstSeq = -1;
        boolean changed = false;
        for (int i = 0; i < walFiles.size(); i++) {
            Path file = walFiles.get(i);
            Damage damage = scan(file);
            if (damage == null) {
                maxFirstSeq = Math.max(maxFirstSeq, WalFormat.firstSeqOf(file));
                continue;
            }
            corruptionFound = true;
            changed = true;
            LOG.warn("torn or corrupt WAL data; cutting the WAL there [file={}, offset={}, reason={}]",
                    file, damage.offset, damage.reason);
            cut(file, damage.offset);
            if (damage.offset > 0) {
                maxFirstSeq = Math.max(maxFirstSeq, WalFormat.firstSeqOf(file));
            }
            if (i + 1 < walFiles.size() && nextFileAbandonedThis(walFiles.get(i + 1))) {
                LOG.warn("the next WAL file was started after this one was abandoned; replay goes on [file={}, next={}]",
                        file, walFiles.get(i + 1));
                continue;
            }
            for (int j = i + 1; j < walFiles.size(); j++) {
                deleteLater(walFiles.get(j));
            }
            break;
        }
        if (changed) {
            try {
                fs.fsyncDirectory(dir);
            } catch (IOException e) {
                throw StorageException.io("cannot fsync WAL directory after cutting a torn tail [dir=" + dir + ']', e);
            }
        }
        long nextSeq = Math.max(Math.max(afterSeq, lastSeq) + 1, maxFirstSeq);
        return new WalReplaySummary(replayed, skipped, lastSeq, Math.max(nextSeq, 1), truncatedBytes, filesDeleted,
                corruptionFound);
    }

    /** Where and why a file stops being good. */
    private record Damage(long offset, String reason) {
    }

    /** Replays one file; returns null if it is good to its end, else the first bad offset. */
    private Damage scan(Path file) {
        long nameSeq = WalFormat.firstSeqOf(file);
        FileChannel ch;
        try {
            ch = fs.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw StorageException.io("cannot open WAL file for replay [file=" + file + ']', e);
        }
        try {
            long size = fs.size(file);
            windowFileOffset = 0;
            window.clear().limit(0);
            if (!load(ch, file, 0, WalFormat.HEADER_LENGTH, size)) {
                return new Damage(0, "file shorter than its header [size=" + size + ']');
            }
            WalFormat.Header header = WalFormat.readHeader(window.duplicate().position(0), file);
            if (header == null) {
                return new Damage(0, "bad file header (magic or checksum)");
            }
            if (header.firstSeq() != nameSeq) {
                return new Damage(0, "file header seq differs from the file name [headerSeq=" + header.firstSeq() + ']');
            }
            if (header.firstSeq() <= lastSeq) {
                return new Damage(0, "file starts at a seq already replayed [firstSeq=" + header.firstSeq()
                        + ", lastSeq=" + lastSeq + ']');
            }
            long expectedSeq = header.firstSeq();
            long pos = WalFormat.HEADER_LENGTH;
            while (pos < size) {
                if (!load(ch, file, pos, WalFormat.RECORD_PREFIX_LENGTH, size)) {
                    return new Damage(pos, "torn record header [bytesLeft=" + (size - pos) + ']');
                }
                int at = (int) (pos - windowFileOffset);
                int length = window.getInt(at + WalFormat.RECORD_LENGTH_OFFSET);
                if (length == 0 && header.preallocated()) {
                    // The unused, zero-filled rest of a preallocated file (the writer trims it when it
                    // rolls over; a crash can leave it). A record whose first bytes never reached the
                    // disk looks the same, and was never acknowledged: its fsync had not returned.
                    trimZeroTail(file, pos, size);
                    return null;
                }
                if (length < WalFormat.MIN_RECORD_LENGTH_FIELD || length > WalFormat.MAX_RECORD_BYTES - WalFormat.RECORD_PREFIX_LENGTH) {
                    return new Damage(pos, "invalid record length [length=" + length + ']');
                }
                long recordBytes = WalFormat.RECORD_PREFIX_LENGTH + (long) length;
                if (pos + recordBytes > size) {
                    return new Damage(pos, "record extends past the end of the file [length=" + length
                            + ", bytesLeft=" + (size - pos) + ']');
                }
                if (!load(ch, file, pos, (int) recordBytes, size)) {
                    return new Damage(pos, "file ended inside a record");
                }
                at = (int) (pos - windowFileOffset);
                int storedCrc = window.getInt(at + WalFormat.RECORD_CRC_OFFSET);
                crc.reset();
                int end = window.limit();
                crc.update(window.limit(at + (int) recordBytes).position(at + WalFormat.RECORD_PREFIX_LENGTH));
                window.limit(end).position(0);
                if ((int) crc.getValue() != storedCrc) {
                    return new Damage(pos, "checksum mismatch");
                }
                long seq = window.getLong(at + WalFormat.RECORD_SEQ_OFFSET);
                int type = window.get(at + WalFormat.RECORD_TYPE_OFFSET) & 0xFF;
                if (seq != expectedSeq) {
                    return new Damage(pos, "unexpected seq [seq=" + seq + ", expected=" + expectedSeq + ']');
                }
                if (!WalRecordType.isValid(type)) {
                    return new Damage(pos, "invalid record type [type=" + type + ']');
                }
                if (seq > afterSeq) {
                    ByteBuffer payload = window.slice(at + WalFormat.RECORD_PAYLOAD_OFFSET, length - WalFormat.MIN_RECORD_LENGTH_FIELD)
                            .order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
                    handler.onRecord(seq, type, payload);
                    replayed++;
                } else {
                    skipped++;
                }
                lastSeq = seq;
                expectedSeq = seq + 1;
                pos += recordBytes;
            }
            return null;
        } catch (IOException e) {
            throw StorageException.io("cannot read WAL file [file=" + file + ']', e);
        } finally {
            try {
                fs.close(ch);
            } catch (IOException e) {
                LOG.warn("cannot close WAL file [file={}]", file, e);
            }
        }
    }

    /**
     * Makes {@code [pos, pos + n)} available in the window, reading more of the file if needed and
     * looping over short reads. Returns false if the file ends before (it may have shrunk).
     */
    private boolean load(FileChannel ch, Path file, long pos, int n, long size) throws IOException {
        if (pos >= windowFileOffset && pos + n <= windowFileOffset + window.limit()) {
            return true;
        }
        if (pos + n > size) {
            return false;
        }
        if (window.capacity() < n) {
            window = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        }
        int want = (int) Math.min(window.capacity(), size - pos);
        window.clear().limit(want);
        windowFileOffset = pos;
        int emptyReads = 0;
        while (window.position() < n) {
            int r = fs.read(ch, window, pos + window.position());
            if (r < 0) {
                break;
            }
            if (r == 0 && ++emptyReads > MAX_EMPTY_READS) {
                throw new IOException("read makes no progress [file=" + file + ", offset=" + (pos + window.position()) + ']');
            }
        }
        int got = window.position();
        window.limit(got).position(0);
        return got >= n;
    }

    /** Shortens a preallocated file to its records, so the writer's byte accounting sees only them. */
    private void trimZeroTail(Path file, long offset, long size) throws IOException {
        truncateDurably(file, offset);
        LOG.debug("trimmed the unused preallocated tail of a WAL file [file={}, offset={}, bytes={}]", file, offset, size - offset);
    }

    private void truncateDurably(Path file, long offset) throws IOException {
        FileChannel ch = fs.open(file, StandardOpenOption.WRITE);
        try {
            fs.truncate(ch, offset);
            fs.force(ch, true);
        } finally {
            fs.close(ch);
        }
    }

    /** Cuts {@code file} at {@code offset} (deletes it when not even its header is good), durably. */
    private void cut(Path file, long offset) {
        try {
            long size = fs.size(file);
            if (offset < WalFormat.HEADER_LENGTH) {
                fs.deleteIfExists(file);
                truncatedBytes += size;
                LOG.warn("deleted WAL file with a bad header [file={}, bytes={}]", file, size);
                return;
            }
            truncateDurably(file, offset);
            truncatedBytes += size - offset;
        } catch (IOException e) {
            throw StorageException.io("cannot cut torn WAL tail [file=" + file + ", offset=" + offset + ']', e);
        }
    }

    private void deleteLater(Path file) {
        try {
            long size = fs.size(file);
            fs.deleteIfExists(file);
            truncatedBytes += size;
            filesDeleted++;
            LOG.warn("deleted WAL file that follows a corrupt record [file={}, bytes={}]", file, size);
        } catch (IOException e) {
            throw StorageException.io("cannot delete WAL file after a corrupt record [file=" + file + ']', e);
        }
    }

    /** Whether {@code next} has a good header saying it was started because its predecessor was abandoned. */
    private boolean nextFileAbandonedThis(Path next) {
        try {
            FileChannel ch = fs.open(next, StandardOpenOption.READ);
            try {
                long size = fs.size(next);
                windowFileOffset = 0;
                window.clear().limit(0);
                if (!load(ch, next, 0, WalFormat.HEADER_LENGTH, size)) {
                    return false;
                }
                WalFormat.Header h = WalFormat.readHeader(window.duplicate().position(0), next);
                return h != null && h.predecessorAbandoned() && h.firstSeq() == WalFormat.firstSeqOf(next);
            } finally {
                fs.close(ch);
            }
        } catch (IOException e) {
            throw StorageException.io("cannot read WAL file header [file=" + next + ']', e);
        }
    }
}
