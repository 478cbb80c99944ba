package io.quiver.storage.wal;

import io.quiver.storage.Durability;
import io.quiver.storage.StorageException;

import java.util.Objects;

/**
 * Settings of one table's WAL. Immutable; start from {@link #defaults()} and change fields with the
 * {@code withX} methods. Units are in the names.
 *
 * @param durability              when an append's future completes (see {@link Durability})
 * @param groupCommitIntervalUs   at most one fsync per this interval while appends keep coming
 * @param syncThresholdBytes      fsync early once this many bytes are unsynced
 * @param maxRecordBytes          largest record (17 bytes of framing plus payload) accepted
 * @param maxTotalBytes           WAL bytes on disk over all files; past it appends fail until the
 *                                table flushes and calls {@link WalWriter#deleteFilesUpTo}
 * @param fileRollBytes           a file that would grow past this is closed and a new one started,
 *                                even if the table has not called {@link WalWriter#rollover}
 * @param preallocateBytes        size of the zero-filled, fsynced files the writer prepares ahead of
 *                                use once a table writes steadily (0: files grow as records are
 *                                appended); files then roll at this size
 */
public record WalConfig(Durability durability, long groupCommitIntervalUs, long syncThresholdBytes,
                        int maxRecordBytes, long maxTotalBytes, long fileRollBytes, long preallocateBytes) {
    public static final String GROUP_COMMIT_INTERVAL_US_PROP = "wal.group.commit.interval.us";
    /**
     * 1 ms. An append that arrives after a quiet period is fsynced at once; the interval only caps
     * how often the flusher fsyncs under load (at most 1000 fsyncs per second per table), which is
     * what lets many appends share one fsync. One millisecond is about the cost of an fsync on a
     * datacenter SSD, so the added latency stays within roughly one fsync.
     */
    public static final long GROUP_COMMIT_INTERVAL_US_DEFAULT = 1_000;

    public static final String SYNC_THRESHOLD_BYTES_PROP = "wal.sync.threshold.bytes";
    /** 1 MiB: bounds how much dirty data one fsync must write out, and so its latency. */
    public static final long SYNC_THRESHOLD_BYTES_DEFAULT = 1L << 20;

    public static final String MAX_RECORD_BYTES_PROP = "wal.max.record.bytes";
    /** 64 MiB: a client batch larger than this should be split; replay holds one record in memory. */
    public static final int MAX_RECORD_BYTES_DEFAULT = 64 << 20;

    public static final String MAX_TOTAL_BYTES_PROP = "wal.max.total.bytes";
    /** 4 GiB: replay time is proportional to it; a table that cannot flush should push back, not fill the disk. */
    public static final long MAX_TOTAL_BYTES_DEFAULT = 4L << 30;

    public static final String FILE_ROLL_BYTES_PROP = "wal.file.roll.bytes";
    /** 256 MiB: whole files are deleted after a flush, so smaller files free space sooner. */
    public static final long FILE_ROLL_BYTES_DEFAULT = 256L << 20;

    public static final String PREALLOCATE_BYTES_PROP = "wal.preallocate.bytes";
    /**
     * 32 MiB. An fdatasync of a file that grew must commit the file system's journal, and on ext4
     * (data=ordered) a journal commit first writes out other files' new data, here the segments a
     * flush is writing: that is where group commits met a 20-40 ms tail. Overwriting blocks that
     * are already allocated and on disk needs no journal commit, so each group commit writes only
     * its own records. The price is writing every WAL byte twice (zeros first, off the append path).
     */
    public static final long PREALLOCATE_BYTES_DEFAULT = 32L << 20;
    /** Smallest preallocated file: one block of zeros per write, and room for more than a few records. */
    public static final long MIN_PREALLOCATE_BYTES = 64L << 10;

    public WalConfig {
        Objects.requireNonNull(durability, "durability");
        if (groupCommitIntervalUs < 0) {
            throw StorageException.invalid("negative " + GROUP_COMMIT_INTERVAL_US_PROP + " [value=" + groupCommitIntervalUs + ']');
        }
        if (syncThresholdBytes <= 0) {
            throw StorageException.invalid(SYNC_THRESHOLD_BYTES_PROP + " must be positive [value=" + syncThresholdBytes + ']');
        }
        if (maxRecordBytes < WalFormat.RECORD_OVERHEAD || maxRecordBytes > WalFormat.MAX_RECORD_BYTES) {
            throw StorageException.invalid(MAX_RECORD_BYTES_PROP + " out of range [value=" + maxRecordBytes + ", min="
                    + WalFormat.RECORD_OVERHEAD + ", max=" + WalFormat.MAX_RECORD_BYTES + ']');
        }
        if (maxTotalBytes < WalFormat.HEADER_LENGTH + (long) maxRecordBytes) {
            throw StorageException.invalid(MAX_TOTAL_BYTES_PROP + " must hold at least one largest record [value="
                    + maxTotalBytes + ", " + MAX_RECORD_BYTES_PROP + '=' + maxRecordBytes + ']');
        }
        if (fileRollBytes <= WalFormat.HEADER_LENGTH) {
            throw StorageException.invalid(FILE_ROLL_BYTES_PROP + " too small [value=" + fileRollBytes + ']');
        }
        if (preallocateBytes != 0 && preallocateBytes < MIN_PREALLOCATE_BYTES) {
            throw StorageException.invalid(PREALLOCATE_BYTES_PROP + " must be 0 (off) or at least " + MIN_PREALLOCATE_BYTES
                    + " [value=" + preallocateBytes + ']');
        }
    }

    public static WalConfig defaults() {
        return new WalConfig(Durability.FSYNC, GROUP_COMMIT_INTERVAL_US_DEFAULT, SYNC_THRESHOLD_BYTES_DEFAULT,
                MAX_RECORD_BYTES_DEFAULT, MAX_TOTAL_BYTES_DEFAULT, FILE_ROLL_BYTES_DEFAULT,
                PREALLOCATE_BYTES_DEFAULT);
    }

    public WalConfig withDurability(Durability value) {
        return new WalConfig(value, groupCommitIntervalUs, syncThresholdBytes, maxRecordBytes, maxTotalBytes, fileRollBytes, preallocateBytes);
    }

    public WalConfig withGroupCommitIntervalUs(long value) {
        return new WalConfig(durability, value, syncThresholdBytes, maxRecordBytes, maxTotalBytes, fileRollBytes, preallocateBytes);
    }

    public WalConfig withSyncThresholdBytes(long value) {
        return new WalConfig(durability, groupCommitIntervalUs, value, maxRecordBytes, maxTotalBytes, fileRollBytes, preallocateBytes);
    }

    public WalConfig withMaxRecordBytes(int value) {
        return new WalConfig(durability, groupCommitIntervalUs, syncThresholdBytes, value, maxTotalBytes, fileRollBytes, preallocateBytes);
    }

    public WalConfig withMaxTotalBytes(long value) {
        return new WalConfig(durability, groupCommitIntervalUs, syncThresholdBytes, maxRecordBytes, value, fileRollBytes, preallocateBytes);
    }

    public WalConfig withFileRollBytes(long value) {
        return new WalConfig(durability, groupCommitIntervalUs, syncThresholdBytes, maxRecordBytes, maxTotalBytes, value, preallocateBytes);
    }

    public WalConfig withPreallocateBytes(long value) {
        return new WalConfig(durability, groupCommitIntervalUs, syncThresholdBytes, maxRecordBytes, maxTotalBytes, fileRollBytes, value);
    }

    /** The size a file rolls at: the preallocated size when files are preallocated and smaller. */
    public long effectiveRollBytes() {
        return preallocateBytes > 0 ? Math.min(fileRollBytes, preallocateBytes) : fileRollBytes;
    }
}
