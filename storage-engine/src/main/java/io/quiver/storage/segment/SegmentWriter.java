package io.quiver.storage.segment;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.fs.FilesFacade;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Writes one immutable segment file, streaming: rows arrive in batches of any size (already sorted
 * by the caller), are buffered per column until a block is full, and each full block is encoded,
 * compressed, checksummed and written at once. {@link #finish()} writes the footer and trailer,
 * fsyncs, renames the temp file onto the target and fsyncs the directory, so the segment appears
 * whole or not at all. {@link #abort()} (or {@link #close()} without finish) deletes the temp file.
 *
 * <p>Not thread-safe. Owns its file channel and heap buffers only; everything goes through the
 * {@link FilesFacade}. After any failure the writer is aborted: the temp file is gone and every
 * later call fails.
 */
public final class SegmentWriter implements AutoCloseable {
    /** Default rows per block: large enough to amortise per-block headers, small enough to skip well. */
    public static final int DEFAULT_BLOCK_ROWS = SegmentFormat.DEFAULT_BLOCK_ROWS;
    /** Suffix of the file a segment is written to before the rename publishes it. */
    public static final String TEMP_SUFFIX = ".tmp";

    private static final int WRITE_BUFFER_BYTES = 1 << 20;
    /** Bytes written between two data syncs of the file while it is written (see flushWriteBuffer). */
    private static final long SYNC_EVERY_BYTES = 4L << 20;

    private enum State { OPEN, FINISHED, ABORTED }

    private final FilesFacade fs;
    private final Path target;
    private final Path temp;
    private final List<ColumnDef> columns;
    private final int blockRows;
    private SegmentMeta meta;
    private final FileChannel channel;
    private final ColumnVector[] buffers;
    private final BlockEncoder encoder;
    private final ColumnAccumulator[] accumulators;
    private final List<Integer> blockRowCounts = new ArrayList<>();
    private final ByteSink writeBuffer = new ByteSink(WRITE_BUFFER_BYTES);
    /** File position of the first byte in {@link #writeBuffer}. */
    private long flushedBytes;
    /** File bytes known synced to the device. */
    private long syncedBytes;
    private int buffered;
    private long rowCount;
    private State state = State.OPEN;

    private SegmentWriter(FilesFacade fs, Path target, Path temp, List<ColumnDef> columns, int blockRows,
                          SegmentMeta meta, FileChannel channel) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
        this.columns = columns;
        this.blockRows = blockRows;
        this.meta = meta;
        this.channel = channel;
        this.buffers = new ColumnVector[columns.size()];
        this.accumulators = new ColumnAccumulator[columns.size()];
        for (int c = 0; c < buffers.length; c++) {
            buffers[c] = new ColumnVector(columns.get(c).type(), blockRows);
            buffers[c].reset(blockRows);
            accumulators[c] = new ColumnAccumulator(columns.get(c).type());
        }
        this.encoder = new BlockEncoder(blockRows);
    }

    /** {@link #create(FilesFacade, Path, List, int, SegmentMeta)} with {@link #DEFAULT_BLOCK_ROWS}. */
    public static SegmentWriter create(FilesFacade fs, Path target, List<ColumnDef> columns, SegmentMeta meta) {
        return create(fs, target, columns, DEFAULT_BLOCK_ROWS, meta);
    }

    /**
     * Starts a segment at {@code target} (which must not exist yet), writing to a temp file beside it.
     *
     * @param blockRows rows per block, 1..{@value SegmentFormat#MAX_BLOCK_ROWS}; {@link #DEFAULT_BLOCK_ROWS} normally
     */
    public static SegmentWriter create(FilesFacade fs, Path target, List<ColumnDef> columns, int blockRows, SegmentMeta meta) {
        Objects.requireNonNull(fs, "fs");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(meta, "meta");
        List<ColumnDef> cols = List.copyOf(columns);
        if (cols.isEmpty()) {
            throw StorageException.invalid("a segment needs at least one column [file=" + target + ']');
        }
        Set<String> names = new HashSet<>();
        for (ColumnDef c : cols) {
            if (!names.add(c.name().toLowerCase(Locale.ROOT))) {
                throw StorageException.invalid("duplicate column in segment [file=" + target + ", column=" + c.name() + ']');
            }
        }
        if (blockRows < 1 || blockRows > SegmentFormat.MAX_BLOCK_ROWS) {
            throw StorageException.invalid("block row count out of range [file=" + target + ", blockRows=" + blockRows
                    + ", max=" + SegmentFormat.MAX_BLOCK_ROWS + ']');
        }
        if (fs.exists(target)) {
            throw StorageException.alreadyExists("segment file already exists [file=" + target + ']');
        }
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        FileChannel channel;
        try {
            channel = fs.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw StorageException.io("cannot create segment file [file=" + temp + ']', e);
        }
        SegmentWriter writer = new SegmentWriter(fs, target, temp, cols, blockRows, meta, channel);
        writer.writeHeader();
        return writer;
    }

    public Path target() {
        return target;
    }

    /** Rows appended so far. */
    public long rowCount() {
        return rowCount;
    }

    /**
     * Appends all rows of {@code rows}, whose columns must match the segment's (same order, names and
     * types). Rows must already be in the table's sort order.
     */
    public void append(RowBatch rows) {
        append(rows, 0, rows.rowCount());
    }

    /** {@link #append(RowBatch)} of the rows {@code [from, to)} of {@code rows} only. */
    public void append(RowBatch rows, int fromRow, int toRow) {
        checkOpen();
        checkColumns(rows);
        if (fromRow < 0 || toRow < fromRow || toRow > rows.rowCount()) {
            throw new IndexOutOfBoundsException("rows outside the batch [from=" + fromRow + ", to=" + toRow
                    + ", rows=" + rows.rowCount() + ']');
        }
        int total = toRow;
        int from = fromRow;
        try {
            while (from < total) {
                int take = Math.min(total - from, blockRows - buffered);
                for (int c = 0; c < buffers.length; c++) {
                    copyRows(rows.column(c), from, take, buffers[c], buffered);
                }
                buffered += take;
                from += take;
                rowCount += take;
                if (buffered == blockRows) {
                    flushBlock();
                }
            }
        } catch (StorageException | Error e) {
            abortAfterFailure(e);
            throw e;
        } catch (RuntimeException e) {
            abortAfterFailure(e);
            throw StorageException.io("segment write failed [file=" + temp + ']', e);
        }
    }

    /**
     * Writes the last block, the footer and the trailer, fsyncs, and publishes the file at the
     * target path. On failure nothing appears at the target and the temp file is removed.
     */
    public void finish() {
        finish(meta);
    }

    /**
     * {@link #finish()} with {@code finalMeta} in the footer instead of the meta given at create: for
     * a writer that streams rows and learns the timestamp range only as it writes them.
     */
    public void finish(SegmentMeta finalMeta) {
        checkOpen();
        meta = Objects.requireNonNull(finalMeta, "finalMeta");
        try {
            if (buffered > 0) {
                flushBlock();
            }
            long footerOffset = flushedBytes + writeBuffer.length();
            ByteSink footerBytes = new ByteSink(4096);
            buildFooter(footerOffset).write(footerBytes);
            CRC32C crc = new CRC32C();
            crc.update(footerBytes.array(), 0, footerBytes.length());
            writeBuffer.putBytes(footerBytes.array(), 0, footerBytes.length());
            writeBuffer.putLong(footerOffset);
            writeBuffer.putInt(footerBytes.length());
            writeBuffer.putInt((int) crc.getValue());
            writeBuffer.putInt(SegmentFormat.FORMAT_VERSION);
            writeBuffer.putInt(SegmentFormat.MAGIC);
            flushWriteBuffer();
            fs.force(channel, true);
        } catch (IOException e) {
            abortAfterFailure(e);
            throw StorageException.io("cannot write segment file [file=" + temp + ']', e);
        } catch (RuntimeException | Error e) {
            abortAfterFailure(e);
            throw e;
        }
        try {
            fs.close(channel);
        } catch (IOException e) {
            abortAfterFailure(e);
            throw StorageException.io("cannot close segment file [file=" + temp + ']', e);
        }
        try {
            fs.atomicMove(temp, target);
        } catch (IOException e) {
            abortAfterFailure(e);
            throw StorageException.io("cannot publish segment file [from=" + temp + ", to=" + target + ']', e);
        }
        try {
            fs.fsyncDirectory(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            // the rename may not survive a crash: take it back so the caller sees one clear outcome, a failure
            state = State.ABORTED;
            deleteQuietly(target, e);
            throw StorageException.io("cannot make segment rename durable [file=" + target + ']', e);
        }
        state = State.FINISHED;
    }

    /** Abandons the segment: closes and deletes the temp file. Does nothing after finish or abort. */
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        abortAfterFailure(null);
    }

    /** {@link #abort()} unless {@link #finish()} succeeded. */
    @Override
    public void close() {
        abort();
    }

    // ---- internals ----

    private void checkOpen() {
        if (state != State.OPEN) {
            throw StorageException.closed("segment writer is " + state.name().toLowerCase(Locale.ROOT) + " [file=" + target + ']');
        }
    }

    private void checkColumns(RowBatch rows) {
        if (rows.columnCount() != columns.size()) {
            throw StorageException.invalid("batch column count does not match segment [file=" + target
                    + ", batchColumns=" + rows.columnCount() + ", segmentColumns=" + columns.size() + ']');
        }
        for (int c = 0; c < columns.size(); c++) {
            ColumnDef want = columns.get(c);
            ColumnDef got = rows.columns().get(c);
            if (want.type() != got.type() || !want.name().equalsIgnoreCase(got.name())) {
                throw StorageException.invalid("batch column does not match segment [file=" + target + ", index=" + c
                        + ", expected=" + want.name() + ' ' + want.type() + ", got=" + got.name() + ' ' + got.type() + ']');
            }
            if (rows.column(c).size() < rows.rowCount()) {
                throw StorageException.invalid("batch column holds fewer rows than the batch [file=" + target
                        + ", column=" + got.name() + ", rows=" + rows.column(c).size() + ", batchRows=" + rows.rowCount() + ']');
            }
        }
    }

    /** Copies rows {@code [from, from+count)} of {@code src} to {@code dst} at row {@code at}; null slots get neutral values. */
    private static void copyRows(ColumnVector src, int from, int count, ColumnVector dst, int at) {
        if (src.hasNulls) {
            System.arraycopy(src.nulls, from, dst.nulls, at, count);
        } else {
            Arrays.fill(dst.nulls, at, at + count, false);
        }
        switch (src.type().physical()) {
            case LONG -> System.arraycopy(src.longs, from, dst.longs, at, count);
            case DOUBLE -> System.arraycopy(src.doubles, from, dst.doubles, at, count);
            case BYTES -> {
                int[] so = src.offsets;
                int[] dO = dst.offsets;
                if (!src.hasNulls) {
                    int start = so[from];
                    int len = so[from + count] - start;
                    int base = dO[at];
                    dst.ensureByteCapacity(base + len);
                    System.arraycopy(src.bytes, start, dst.bytes, base, len);
                    for (int i = 0; i < count; i++) {
                        dO[at + i + 1] = base + (so[from + i + 1] - start);
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        int r = from + i;
                        int base = dO[at + i];
                        int len = src.nulls[r] ? 0 : so[r + 1] - so[r];
                        dst.ensureByteCapacity(base + len);
                        System.arraycopy(src.bytes, so[r], dst.bytes, base, len);
                        dO[at + i + 1] = base + len;
                    }
                }
            }
        }
    }

    private void writeHeader() {
        writeBuffer.putInt(SegmentFormat.MAGIC);
        writeBuffer.putInt(SegmentFormat.FORMAT_VERSION);
        writeBuffer.putLong(0);
    }

    private void flushBlock() throws StorageException {
        int rows = buffered;
        for (int c = 0; c < buffers.length; c++) {
            ColumnType type = columns.get(c).type();
            ColumnVector buf = buffers[c];
            encoder.encode(buf, rows, type);
            long offset = flushedBytes + writeBuffer.length();
            writeBuffer.putBytes(encoder.storedBytes(), 0, encoder.storedLength);
            accumulators[c].add(offset, encoder, buf, rows);
            if (writeBuffer.length() >= WRITE_BUFFER_BYTES) {
                try {
                    flushWriteBuffer();
                } catch (IOException e) {
                    throw StorageException.io("cannot write segment file [file=" + temp + ']', e);
                }
            }
            buf.reset(blockRows);
        }
        blockRowCounts.add(rows);
        buffered = 0;
    }

    private void flushWriteBuffer() throws IOException {
        fs.write(channel, ByteBuffer.wrap(writeBuffer.array(), 0, writeBuffer.length()), flushedBytes);
        flushedBytes += writeBuffer.length();
        writeBuffer.clear();
        if (flushedBytes - syncedBytes >= SYNC_EVERY_BYTES) {
            // Write the segment out as it grows instead of leaving tens of MB dirty for one fsync at
            // finish: on ext4 that final fsync also holds up the WAL's group-commit fsyncs on the
            // same device, which showed up as 100-250 ms ack latency spikes at every flush.
            fs.force(channel, false);
            syncedBytes = flushedBytes;
        }
    }

    private SegmentFooter buildFooter(long footerOffset) {
        int blocks = blockRowCounts.size();
        int[] blockRowsArr = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            blockRowsArr[b] = blockRowCounts.get(b);
        }
        int chunks = columns.size() * blocks;
        long[] offset = new long[chunks];
        int[] stored = new int[chunks];
        int[] decoded = new int[chunks];
        Encoding[] encoding = new Encoding[chunks];
        byte[] flags = new byte[chunks];
        int[] crc = new int[chunks];
        ZoneMap[] zones = new ZoneMap[chunks];
        ZoneMap[] columnZones = new ZoneMap[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            ColumnAccumulator acc = accumulators[c];
            columnZones[c] = acc.segmentZoneMap(rowCount);
            for (int b = 0; b < blocks; b++) {
                int i = c * blocks + b;
                ColumnAccumulator.Chunk ch = acc.chunks.get(b);
                offset[i] = ch.offset();
                stored[i] = ch.storedLength();
                decoded[i] = ch.decodedLength();
                encoding[i] = ch.encoding();
                flags[i] = (byte) ch.flags();
                crc[i] = ch.crc();
                zones[i] = ch.zoneMap();
            }
        }
        assert footerOffset >= SegmentFormat.HEADER_LENGTH;
        return new SegmentFooter(SegmentFormat.FORMAT_VERSION, columns, blockRows, rowCount, meta, blockRowsArr,
                columnZones, offset, stored, decoded, encoding, flags, crc, zones);
    }

    private void abortAfterFailure(Throwable cause) {
        state = State.ABORTED;
        try {
            fs.close(channel);
        } catch (IOException | RuntimeException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
        deleteQuietly(temp, cause);
    }

    private void deleteQuietly(Path path, Throwable cause) {
        try {
            fs.deleteIfExists(path);
        } catch (IOException | RuntimeException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }
}
