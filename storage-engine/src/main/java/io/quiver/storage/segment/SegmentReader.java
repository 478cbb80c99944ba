package io.quiver.storage.segment;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.fs.FilesFacade;
import io.quiver.storage.vector.ColumnVector;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

import static io.quiver.storage.segment.SegmentFormat.HEADER_LENGTH;
import static io.quiver.storage.segment.SegmentFormat.TRAILER_LENGTH;

/**
 * Reads one immutable segment file through a read-only memory map. Opening checks the header, the
 * trailer and the footer's CRC and parses the footer onto the heap (columns, zone maps, chunk
 * directory); blocks are checked (CRC32C) and decoded on demand by {@link #readBlock}.
 *
 * <p><b>Sharing and lifetime.</b> One reader serves any number of threads at once (each with its
 * own {@link BlockDecoder}). It is reference counted: it starts with one reference, the owner's;
 * a scan that may outlive the owner's interest takes its own with {@link #tryRetain()} and gives
 * it back with {@link #release()}. The last release closes the shared {@link Arena}, which unmaps
 * the file. {@code readBlock} itself holds a reference for its duration, so the mapping can never
 * be touched after unmap: once released, {@code readBlock} fails with a CLOSED StorageException.
 * Footer metadata (columns, zone maps, meta) stays readable after release: it lives on the heap.
 */
public final class SegmentReader {
    private final Path file;
    private final long sizeBytes;
    private final Arena arena;
    private final MemorySegment map;
    private final SegmentFooter footer;
    /** Live references; 0 means released and unmapped, never incremented again. */
    private final AtomicInteger refs = new AtomicInteger(1);

    private SegmentReader(Path file, long sizeBytes, Arena arena, MemorySegment map, SegmentFooter footer) {
        this.file = file;
        this.sizeBytes = sizeBytes;
        this.arena = arena;
        this.map = map;
        this.footer = footer;
    }

    /**
     * Maps {@code file} and validates its header, trailer and footer.
     *
     * @throws StorageException NOT_FOUND when the file does not exist, CORRUPT when it is not a
     *         readable segment (a {@link SegmentVersionException} when it is from a newer format),
     *         IO when the operating system fails.
     */
    public static SegmentReader open(FilesFacade fs, Path file) {
        Objects.requireNonNull(fs, "fs");
        Objects.requireNonNull(file, "file");
        FileChannel channel;
        try {
            channel = fs.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw StorageException.notFound("segment file does not exist [file=" + file + ']');
        } catch (IOException e) {
            throw StorageException.io("cannot open segment file [file=" + file + ']', e);
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment map;
            long size;
            try {
                size = channel.size();
                if (size < HEADER_LENGTH + TRAILER_LENGTH) {
                    throw SegmentFooter.corrupt("segment file too short", file, "size=" + size);
                }
                map = fs.mapReadOnly(channel, 0, size, arena);
            } finally {
                // the mapping stays valid without the channel; one fewer open descriptor per segment
                fs.close(channel);
            }
            SegmentFooter footer = readFooter(map, size, file);
            return new SegmentReader(file, size, arena, map, footer);
        } catch (IOException e) {
            arena.close();
            throw StorageException.io("cannot map segment file [file=" + file + ']', e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static SegmentFooter readFooter(MemorySegment map, long size, Path file) {
        ValueLayout.OfInt intLe = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfLong longLe = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (map.get(intLe, SegmentFormat.HEADER_MAGIC_OFFSET) != SegmentFormat.MAGIC) {
            throw SegmentFooter.corrupt("not a segment file (bad magic in header)", file, "");
        }
        // the version first: a newer format may lay out everything after it differently
        SegmentFooter.checkVersion(map.get(intLe, SegmentFormat.HEADER_VERSION_OFFSET), file);
        long trailer = size - TRAILER_LENGTH;
        if (map.get(intLe, trailer + SegmentFormat.TRAILER_MAGIC_OFFSET) != SegmentFormat.MAGIC) {
            throw SegmentFooter.corrupt("segment trailer is missing (truncated or unfinished file)", file, "size=" + size);
        }
        SegmentFooter.checkVersion(map.get(intLe, trailer + SegmentFormat.TRAILER_VERSION_OFFSET), file);
        long footerOffset = map.get(longLe, trailer + SegmentFormat.TRAILER_FOOTER_OFFSET_OFFSET);
        int footerLength = map.get(intLe, trailer + SegmentFormat.TRAILER_FOOTER_LENGTH_OFFSET);
        int footerCrc = map.get(intLe, trailer + SegmentFormat.TRAILER_FOOTER_CRC_OFFSET);
        if (footerOffset < HEADER_LENGTH || footerLength <= 0 || footerOffset + footerLength != trailer) {
            throw SegmentFooter.corrupt("segment trailer points outside the file", file,
                    "footerOffset=" + footerOffset + ", footerLength=" + footerLength + ", size=" + size);
        }
        byte[] bytes = new byte[footerLength];
        MemorySegment.copy(map, ValueLayout.JAVA_BYTE, footerOffset, bytes, 0, footerLength);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        if ((int) crc.getValue() != footerCrc) {
            throw SegmentFooter.corrupt("segment footer checksum mismatch", file, "");
        }
        return SegmentFooter.parse(bytes, footerOffset, file);
    }

    // ---- lifetime ----

    /** Takes a reference; false once the reader has been fully released (then it must not be used). */
    public boolean tryRetain() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one unmaps the file. */
    public void release() {
        int n = refs.decrementAndGet();
        if (n == 0) {
            // every reader of the mapping holds a reference, so nothing touches it past this point
            arena.close();
        } else if (n < 0) {
            refs.incrementAndGet();
            throw new IllegalStateException("segment reader released more often than retained [file=" + file + ']');
        }
    }

    /** Whether the file is still mapped. */
    public boolean isOpen() {
        return refs.get() > 0;
    }

    /** Releases the owner's reference of {@code reader} (if any), never throwing. */
    public static void closeQuietly(SegmentReader reader) {
        if (reader == null) {
            return;
        }
        try {
            reader.release();
        } catch (RuntimeException ignored) {
            // already released: nothing left to close
        }
    }

    // ---- data ----

    /**
     * Decodes block {@code block} of column {@code column} into {@code out} (same type as the
     * column), which is reset to the block's row count. For a DICTIONARY block, {@code out.dictCodes}
     * and {@code out.dictionary} are set as well (codes in ascending value order, -1 for a null row);
     * both are reused by the next read into the same {@code out}.
     *
     * @throws StorageException CORRUPT when the block fails its checksum or does not decode (other
     *         blocks stay readable); CLOSED after the reader was released
     */
    public void readBlock(int column, int block, ColumnVector out, BlockDecoder scratch) {
        read(column, block, out, scratch, true);
    }

    /**
     * Like {@link #readBlock}, but a DICTIONARY block is left as {@code out.dictCodes} +
     * {@code out.dictionary} only: its per-row strings are not written (every row reads as the empty
     * string) until {@link io.quiver.storage.scan.DictionaryRows} materialises the rows someone needs.
     * Other encodings decode exactly as {@link #readBlock} does.
     */
    public void readBlockCodes(int column, int block, ColumnVector out, BlockDecoder scratch) {
        read(column, block, out, scratch, false);
    }

    private void read(int column, int block, ColumnVector out, BlockDecoder scratch, boolean materialize) {
        Objects.checkIndex(column, footer.columns.size());
        Objects.checkIndex(block, footer.blockCount());
        ColumnDef def = footer.columns.get(column);
        if (out.type() != def.type()) {
            throw StorageException.invalid("vector type does not match column [file=" + file + ", column=" + def.name()
                    + ", columnType=" + def.type() + ", vectorType=" + out.type() + ']');
        }
        if (!tryRetain()) {
            throw StorageException.closed("segment reader is closed [file=" + file + ']');
        }
        try {
            int chunk = column * footer.blockCount() + block;
            scratch.decode(map, footer.chunkOffset[chunk], footer.storedLength[chunk], footer.decodedLength[chunk],
                    footer.flags[chunk], footer.crc[chunk], footer.encoding[chunk], footer.blockRows[block],
                    (int) footer.chunkZones[chunk].nullCount(), def.type(), out, materialize);
        } catch (BlockDecoder.BadChunkException e) {
            out.reset(0);
            String what = e.checksum ? "segment block checksum mismatch" : "segment block does not decode";
            throw StorageException.corrupt(what + " [file=" + file + ", column=" + def.name() + ", block=" + block
                    + (e.checksum ? "" : ", reason=" + e.getMessage()) + ']');
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            out.reset(0);
            throw StorageException.corrupt("segment block does not decode [file=" + file + ", column=" + def.name()
                    + ", block=" + block + ", reason=" + e + ']');
        } finally {
            release();
        }
    }

    /**
     * Narrows {@code mask} (bit {@code r & 63} of word {@code r >>> 6} stands for row {@code r} of
     * the block; bits past its rows must be zero) to the rows of LONG-physical column {@code column}
     * whose value is not NULL and lies in {@code [lo, hi]} (outside it, when {@code negate}), from the
     * block's zone map or its packed values where it can. Returns false, leaving {@code mask} as it
     * was, when the block's encoding needs a full decode ({@link #readBlock}) instead.
     *
     * @throws StorageException as {@link #readBlock}
     */
    public boolean filterBlockRange(int column, int block, long lo, long hi, boolean negate, long[] mask, BlockDecoder scratch) {
        ColumnDef def = checkLongColumn(column, block);
        try {
            int chunk = column * footer.blockCount() + block;
            ZoneMap z = footer.chunkZones[chunk];
            boolean bounds = z.hasBounds();
            return scratch.filterRange(map, footer.chunkOffset[chunk], footer.storedLength[chunk], footer.decodedLength[chunk],
                    footer.flags[chunk], footer.crc[chunk], footer.encoding[chunk], footer.blockRows[block], (int) z.nullCount(),
                    bounds, bounds ? z.minLong() : 0, bounds ? z.maxLong() : 0, lo, hi, negate, mask);
        } catch (BlockDecoder.BadChunkException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw badBlock(def, block, e);
        } finally {
            release();
        }
    }

    /**
     * The sum of the non-NULL values of LONG-physical column {@code column} in {@code block}, into
     * {@code out[0]}, computed from the encoded values (FOR, CONSTANT) without decoding them. Returns
     * false when the encoding needs a full decode, or the sum might not fit a long.
     *
     * @throws StorageException as {@link #readBlock}
     */
    public boolean sumBlock(int column, int block, long[] out, BlockDecoder scratch) {
        ColumnDef def = checkLongColumn(column, block);
        try {
            int chunk = column * footer.blockCount() + block;
            return scratch.sum(map, footer.chunkOffset[chunk], footer.storedLength[chunk], footer.decodedLength[chunk],
                    footer.flags[chunk], footer.crc[chunk], footer.encoding[chunk], footer.blockRows[block],
                    (int) footer.chunkZones[chunk].nullCount(), out);
        } catch (BlockDecoder.BadChunkException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw badBlock(def, block, e);
        } finally {
            release();
        }
    }

    /** Checks the arguments of a LONG-column kernel and retains the mapping (the caller releases it). */
    private ColumnDef checkLongColumn(int column, int block) {
        Objects.checkIndex(column, footer.columns.size());
        Objects.checkIndex(block, footer.blockCount());
        ColumnDef def = footer.columns.get(column);
        if (!def.type().isLongPhysical()) {
            throw StorageException.invalid("not an integer column [file=" + file + ", column=" + def.name() + ", type=" + def.type() + ']');
        }
        if (!tryRetain()) {
            throw StorageException.closed("segment reader is closed [file=" + file + ']');
        }
        return def;
    }

    private StorageException badBlock(ColumnDef def, int block, RuntimeException e) {
        if (e instanceof BlockDecoder.BadChunkException bad) {
            String what = bad.checksum ? "segment block checksum mismatch" : "segment block does not decode";
            return StorageException.corrupt(what + " [file=" + file + ", column=" + def.name() + ", block=" + block
                    + (bad.checksum ? "" : ", reason=" + bad.getMessage()) + ']');
        }
        return StorageException.corrupt("segment block does not decode [file=" + file + ", column=" + def.name()
                + ", block=" + block + ", reason=" + e + ']');
    }

    /** Reads every block of every column, throwing on the first that fails: a scrub for tools and tests. */
    public void verifyAllBlocks(BlockDecoder scratch) {
        for (int c = 0; c < footer.columns.size(); c++) {
            ColumnVector v = new ColumnVector(footer.columns.get(c).type(), footer.nominalBlockRows);
            for (int b = 0; b < footer.blockCount(); b++) {
                readBlock(c, b, v, scratch);
            }
        }
    }

    // ---- metadata (heap copies; valid even after release) ----

    public Path file() {
        return file;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public SegmentMeta meta() {
        return footer.meta;
    }

    /** The format version the file was written in. */
    public int formatVersion() {
        return footer.formatVersion;
    }

    public long rowCount() {
        return footer.rowCount;
    }

    public List<ColumnDef> columns() {
        return footer.columns;
    }

    /** Index of the column (case-insensitive), or -1 when the segment predates it: read it as NULL. */
    public int columnIndex(String name) {
        List<ColumnDef> columns = footer.columns;
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The last table schema {@link #columnIndexes} mapped, with its map: one schema serves every query until a column is added. */
    private record ColumnMap(TableSchema schema, int[] indexes) {
    }

    private volatile ColumnMap columnMap;

    /**
     * {@link #columnIndex} of every column of {@code schema}, in schema order; shared, do not modify.
     * Remembered for the last schema asked about: a scan opens a split per segment per query, and
     * matching every column name against every segment column each time was a tenth of a 0.1 ms
     * {@code count(*)}.
     */
    public int[] columnIndexes(TableSchema schema) {
        ColumnMap m = columnMap;
        if (m != null && m.schema() == schema) {
            return m.indexes();
        }
        int[] indexes = new int[schema.columnCount()];
        for (int c = 0; c < indexes.length; c++) {
            indexes[c] = columnIndex(schema.column(c).name());
        }
        columnMap = new ColumnMap(schema, indexes);
        return indexes;
    }

    public int blockCount() {
        return footer.blockCount();
    }

    /** The block row count the writer was configured with; every block but the last has exactly this many. */
    public int nominalBlockRows() {
        return footer.nominalBlockRows;
    }

    public int blockRowCount(int block) {
        return footer.blockRows[block];
    }

    /** Segment row number of the block's first row. */
    public long blockFirstRow(int block) {
        return footer.blockFirstRow[block];
    }

    public ZoneMap zoneMap(int column, int block) {
        return footer.chunkZones[chunkIndex(column, block)];
    }

    /** Statistics over the whole segment for one column. */
    public ZoneMap columnZoneMap(int column) {
        return footer.columnZones[column];
    }

    public Encoding blockEncoding(int column, int block) {
        return footer.encoding[chunkIndex(column, block)];
    }

    public boolean isBlockCompressed(int column, int block) {
        return (footer.flags[chunkIndex(column, block)] & SegmentFormat.FLAG_LZ4) != 0;
    }

    public int blockStoredLength(int column, int block) {
        return footer.storedLength[chunkIndex(column, block)];
    }

    public int blockDecodedLength(int column, int block) {
        return footer.decodedLength[chunkIndex(column, block)];
    }

    /** File offset of a chunk's stored bytes (for tools and tests). */
    public long blockFileOffset(int column, int block) {
        return footer.chunkOffset[chunkIndex(column, block)];
    }

    private int chunkIndex(int column, int block) {
        Objects.checkIndex(column, footer.columns.size());
        Objects.checkIndex(block, footer.blockCount());
        return column * footer.blockCount() + block;
    }

    @Override
    public String toString() {
        return "SegmentReader[" + file + ", rows=" + footer.rowCount + ", blocks=" + footer.blockCount() + ", open=" + isOpen() + ']';
    }
}
