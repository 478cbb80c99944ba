package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.StorageException;
import io.quiver.storage.vector.ColumnVector;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A VARCHAR column. The UTF-8 bytes of all its values form one append-only byte stream, stored in
 * fixed-size pages; a row's chunk slot holds the stream position where its value ends (its start
 * is the previous row's end). A value may span pages, so a value of any size fits without a
 * special case and no page is ever moved or resized. NULL rows and rows before the column existed
 * are empty (their end equals the previous end; before the column's first row, ends are 0).
 */
final class VarcharColumn extends MemtableColumn {
    /** Largest byte count one read may return: what a Java byte[] can hold. */
    static final long MAX_READ_BYTES = Integer.MAX_VALUE - 16;

    private final int pageBytes;
    /** Pages of the byte stream; replaced by a longer copy when full, published like the chunk directory. */
    private volatile MemorySegment[] pages = new MemorySegment[16];
    // Writer-only state.
    private int pageCount;
    private long dataLength;
    /** Set by validate() for the batch being appended: non-NULL value bytes, and whether they are one contiguous run. */
    private long pendingBytes;
    private boolean pendingContiguous;
    /** Stream position reached while writing a batch's ends run by run. */
    private long writeEnd;

    VarcharColumn(ColumnDef def, ChunkLayout layout, MemtableMemory memory, long firstRow, int pageBytes) {
        super(def, layout, memory, firstRow);
        this.pageBytes = pageBytes;
    }

    @Override
    void validate(ColumnVector src, int rows) {
        int[] offsets = src.offsets;
        requireLength(offsets == null ? 0 : offsets.length, rows + 1, def, "offsets");
        requireNulls(src, rows);
        byte[] bytes = src.bytes;
        int start = offsets[0];
        if (start < 0 || offsets[rows] > (bytes == null ? 0 : bytes.length)) {
            throw StorageException.invalid("batch VARCHAR offsets point outside its bytes [column=" + def.name()
                    + ", first=" + start + ", last=" + offsets[rows] + ", bytes=" + (bytes == null ? 0 : bytes.length) + ']');
        }
        long nullBytes = 0;
        boolean checkNulls = src.hasNulls;
        boolean[] isNull = src.nulls;
        for (int i = 0; i < rows; i++) {
            int len = offsets[i + 1] - offsets[i];
            if (len < 0) {
                throw StorageException.invalid("batch VARCHAR offsets decrease [column=" + def.name() + ", row=" + i
                        + ", start=" + offsets[i] + ", end=" + offsets[i + 1] + ']');
            }
            if (checkNulls && isNull[i]) {
                nullBytes += len; // should be 0 by ColumnVector's contract; dropped if not
            }
        }
        pendingBytes = offsets[rows] - start - nullBytes;
        pendingContiguous = nullBytes == 0;
    }

    @Override
    long bytesNeeded(long rowCount, int rows) {
        long pagesNeeded = Math.ceilDiv(dataLength + pendingBytes, (long) pageBytes) - pageCount;
        return super.bytesNeeded(rowCount, rows) + Math.max(0, pagesNeeded) * pageBytes;
    }

    @Override
    void reserve(long rowCount, int rows) {
        super.reserve(rowCount, rows);
        long pagesNeeded = Math.ceilDiv(dataLength + pendingBytes, (long) pageBytes);
        if (pagesNeeded > Integer.MAX_VALUE) {
            throw StorageException.exhausted("memtable column too large [column=" + def.name() + ", bytes=" + (dataLength + pendingBytes) + ']');
        }
        MemorySegment[] current = pages;
        if (pagesNeeded > current.length) {
            current = Arrays.copyOf(current, (int) Math.max(pagesNeeded, current.length * 2L));
            pages = current; // volatile: see the class comment of ChunkDirectory
        }
        while (pageCount < pagesNeeded) {
            current[pageCount] = allocate(pageBytes); // contents undefined: bytes are read only below a published end
            pageCount++;
        }
    }

    @Override
    void initStats(ChunkDirectory dir, int chunk) {
        // VARCHAR chunks keep only a null count.
    }

    @Override
    void write(long rowCount, ColumnVector src, int rows) {
        long start = dataLength;
        int[] offsets = src.offsets;
        if (pendingContiguous) {
            copyIn(src.bytes, offsets[0], pendingBytes, start);
        } else {
            long at = start;
            for (int i = 0; i < rows; i++) {
                if (!src.nulls[i]) {
                    int len = offsets[i + 1] - offsets[i];
                    copyIn(src.bytes, offsets[i], len, at);
                    at += len;
                }
            }
        }
        writeEnd = start;
        super.write(rowCount, src, rows);
        dataLength = start + pendingBytes;
    }

    @Override
    void writeRun(ChunkDirectory dir, int chunk, MemorySegment segment, int inChunk, ColumnVector src, int srcPos, int len) {
        int nulls = writeNulls(dir, chunk, segment, inChunk, src, srcPos, len);
        int[] offsets = src.offsets;
        boolean[] isNull = src.nulls;
        long end = writeEnd;
        long slot = ChunkLayout.slotOffset(inChunk);
        for (int i = srcPos, last = srcPos + len; i < last; i++, slot += ChunkLayout.SLOT_BYTES) {
            if (nulls == 0 || !isNull[i]) {
                end += offsets[i + 1] - offsets[i];
            }
            segment.set(JAVA_LONG, slot, end);
        }
        writeEnd = end;
    }

    private void copyIn(byte[] src, int srcOffset, long length, long streamPosition) {
        MemorySegment[] pageArray = pages;
        long position = streamPosition;
        int from = srcOffset;
        long remaining = length;
        while (remaining > 0) {
            int page = (int) (position / pageBytes);
            int inPage = (int) (position % pageBytes);
            int n = (int) Math.min(remaining, pageBytes - inPage);
            MemorySegment.copy(src, from, pageArray[page], JAVA_BYTE, inPage, n);
            from += n;
            position += n;
            remaining -= n;
        }
    }

    private void copyOut(long streamPosition, byte[] dst, long length) {
        copyOut(streamPosition, dst, 0, length);
    }

    private void copyOut(long streamPosition, byte[] dst, int dstOffset, long length) {
        MemorySegment[] pageArray = pages;
        long position = streamPosition;
        int to = dstOffset;
        long remaining = length;
        while (remaining > 0) {
            int page = (int) (position / pageBytes);
            int inPage = (int) (position % pageBytes);
            int n = (int) Math.min(remaining, pageBytes - inPage);
            MemorySegment.copy(pageArray[page], JAVA_BYTE, inPage, dst, to, n);
            to += n;
            position += n;
            remaining -= n;
        }
    }

    /** Stream position where {@code row}'s value starts: 0 up to the column's first row. */
    private long startOf(ChunkDirectory dir, long row) {
        return row <= firstRow ? 0 : endOf(dir, row - 1);
    }

    /** Stream position where {@code row}'s value ends; 0 before the column's first row. */
    private long endOf(ChunkDirectory dir, long row) {
        MemorySegment segment = dir.chunk(layout.chunkOf(row));
        return segment == null ? 0 : segment.get(JAVA_LONG, ChunkLayout.slotOffset(layout.rowInChunk(row)));
    }

    @Override
    void read(long fromRow, int count, ColumnVector out) {
        out.reset(count);
        ChunkDirectory dir = directory();
        long base = startOf(dir, fromRow);
        long total = fromRow + count <= firstRow ? 0 : endOf(dir, fromRow + count - 1) - base;
        if (total > MAX_READ_BYTES) {
            throw new IllegalArgumentException("VARCHAR rows hold more bytes than one vector can [column=" + def.name()
                    + ", fromRow=" + fromRow + ", count=" + count + ", bytes=" + total + "]: read fewer rows");
        }
        out.ensureByteCapacity((int) total);
        copyOut(base, out.bytes, total);
        int[] offsets = out.offsets;
        int nulls = 0;
        int done = 0;
        long row = fromRow;
        while (done < count) {
            int chunk = layout.chunkOf(row);
            int inChunk = layout.rowInChunk(row);
            int len = Math.min(count - done, layout.rowsPerChunk - inChunk);
            MemorySegment segment = dir.chunk(chunk);
            if (segment == null) {
                Arrays.fill(offsets, done + 1, done + len + 1, 0); // before the column existed: base is 0 too
            } else {
                // Rows of the chunk before the column was added have no slot written (the chunk's memory
                // may be reused): they are NULL and empty.
                int before = (int) Math.max(0, Math.min(len, firstRow - row));
                Arrays.fill(offsets, done + 1, done + before + 1, 0);
                long slot = ChunkLayout.slotOffset(inChunk + before);
                for (int i = done + before + 1, last = done + len; i <= last; i++, slot += ChunkLayout.SLOT_BYTES) {
                    offsets[i] = (int) (segment.get(JAVA_LONG, slot) - base);
                }
            }
            nulls += readNulls(dir, chunk, segment, inChunk, out.nulls, done, len);
            done += len;
            row += len;
        }
        out.hasNulls = nulls > 0;
        out.setSize(count);
    }

    @Override
    void gather(int[] rows, int from, int count, ColumnVector out) {
        out.reset(count);
        ChunkDirectory dir = directory();
        int[] offsets = out.offsets;
        boolean[] nulls = out.nulls;
        int nullCount = 0;
        long total = 0;
        offsets[0] = 0;
        for (int i = 0; i < count; i++) {
            int row = rows[from + i];
            int chunk = layout.chunkOf(row);
            int inChunk = layout.rowInChunk(row);
            MemorySegment segment = dir.chunk(chunk);
            boolean isNull = isNullAt(dir, chunk, segment, inChunk);
            nulls[i] = isNull;
            long length = 0;
            if (isNull) {
                nullCount++;
            } else {
                long start = startOf(dir, row);
                length = segment.get(JAVA_LONG, ChunkLayout.slotOffset(inChunk)) - start;
                if (total + length > MAX_READ_BYTES) {
                    throw new IllegalArgumentException("VARCHAR rows hold more bytes than one vector can [column=" + def.name()
                            + ", rows=" + count + "]: gather fewer rows");
                }
                out.ensureByteCapacity((int) (total + length));
                copyOut(start, out.bytes, (int) total, length);
            }
            total += length;
            offsets[i + 1] = (int) total;
        }
        out.hasNulls = nullCount > 0;
        out.setSize(count);
    }
}
