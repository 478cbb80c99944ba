package io.quiver.storage.memtable;

import io.quiver.storage.memory.NativeArena;
import io.quiver.storage.memory.NativeMemory;
import io.quiver.storage.memory.NativeMemoryTag;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The native memory of one memtable: an arena, the segments (column chunks, VARCHAR pages) handed
 * out of it, and, when the memory is being reused, the segments of an earlier memtable waiting to be
 * handed out again.
 *
 * <p>Why reuse: a fresh allocation is zeroed by the JDK and, being fresh, page-faulted in by the
 * kernel; for a memtable that is written once and flushed that costs more than writing the rows
 * (two thirds of the append time in {@code IngestWritePathBenchmark}). A reused segment was faulted
 * in long ago and is not zeroed: every byte a reader may look at is written before the row count
 * that covers it is published (values, NULL slots as 0, null bits), so old contents are never seen.
 *
 * <p>Ownership: one memtable uses it at a time, on its writer thread; {@link #recycle} (after the
 * memtable's last release) makes everything handed out available again, {@link #close} frees the
 * arenas. A {@link MemtableMemoryPool} moves it from a released memtable to the next one, and may
 * {@link #absorb} the memory of several released memtables into one, so that a memtable that grows
 * larger than the one before it still finds reused memory.
 */
public final class MemtableMemory implements AutoCloseable {
    /** Fresh allocations come from the first; the others were absorbed from other memtables' memory. */
    private final List<NativeArena> arenas = new ArrayList<>(List.of(NativeMemory.openArena(NativeMemoryTag.MEMTABLE)));
    /** Segments handed out since the last recycle, and free ones by size (a memtable uses two sizes). */
    private final List<MemorySegment> inUse = new ArrayList<>();
    private final List<ArrayDeque<MemorySegment>> free = new ArrayList<>();
    /** Bytes handed out since the last recycle; volatile so limits and metrics read it from other threads. */
    private volatile long usedBytes;
    /** Bytes of fresh (not reused) memory handed out since the last recycle: what reuse did not cover. */
    private volatile long freshBytes;

    /**
     * A segment of {@code bytes}: a free one of that size (contents undefined) or a fresh one
     * (zeroed). {@code fresh[0]} tells the caller which, for callers that must clear part of it.
     */
    MemorySegment allocate(long bytes, boolean[] fresh) {
        MemorySegment segment = null;
        for (ArrayDeque<MemorySegment> sized : free) {
            if (sized.peekFirst().byteSize() == bytes) {
                segment = sized.pollFirst();
                if (sized.isEmpty()) {
                    free.remove(sized);
                }
                break;
            }
        }
        fresh[0] = segment == null;
        if (segment == null) {
            segment = arenas.getFirst().allocate(bytes);
            freshBytes += bytes;
        }
        inUse.add(segment);
        usedBytes += bytes;
        return segment;
    }

    /** Bytes handed out to the current memtable. */
    public long usedBytes() {
        return usedBytes;
    }

    /** Bytes the arenas hold: handed out plus free. */
    public long heldBytes() {
        long held = 0;
        for (NativeArena a : arenas) {
            held += a.heldBytes();
        }
        return held;
    }

    /** False once closed, or once another memory {@linkplain #absorb absorbed} this one. */
    boolean isOpen() {
        return !arenas.isEmpty() && arenas.getFirst().isOpen();
    }

    /** Makes every segment handed out free again. The memtable that used them must be released. */
    void recycle() {
        for (MemorySegment s : inUse) {
            addFree(s);
        }
        inUse.clear();
        usedBytes = 0;
        freshBytes = 0;
    }

    /**
     * Takes over {@code other}'s arenas and free segments; {@code other} must be recycled (nothing
     * in use) and is left empty, so closing it frees nothing. Neither may be in use by a memtable.
     */
    void absorb(MemtableMemory other) {
        if (!other.inUse.isEmpty() || !inUse.isEmpty()) {
            throw new IllegalStateException("absorbing memtable memory that is in use");
        }
        for (ArrayDeque<MemorySegment> sized : other.free) {
            for (MemorySegment s : sized) {
                addFree(s);
            }
        }
        other.free.clear();
        arenas.addAll(other.arenas);
        other.arenas.clear();
    }

    private void addFree(MemorySegment s) {
        ArrayDeque<MemorySegment> sized = null;
        for (ArrayDeque<MemorySegment> d : free) {
            if (d.peekFirst().byteSize() == s.byteSize()) {
                sized = d;
                break;
            }
        }
        if (sized == null) {
            sized = new ArrayDeque<>();
            free.add(sized);
        }
        sized.addLast(s);
    }

    /** Bytes handed out since the last recycle that were fresh (zeroed and faulted in) rather than reused. */
    public long freshBytes() {
        return freshBytes;
    }

    /** Frees all of it. */
    @Override
    public void close() {
        inUse.clear();
        free.clear();
        usedBytes = 0;
        for (NativeArena a : arenas) {
            a.close();
        }
    }
}
