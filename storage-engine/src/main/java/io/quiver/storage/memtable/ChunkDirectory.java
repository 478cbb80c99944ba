package io.quiver.storage.memtable;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The chunks of one memtable column and their zone maps, indexed by chunk number. A column
 * replaces its directory with a larger copy when it runs out of slots (never moving the chunks
 * themselves) and publishes the copy through a volatile field; slots of an existing directory are
 * filled in place before the memtable's row count is released, so a reader that acquired the
 * row count sees every chunk and statistic of the rows it may read.
 *
 * <p>Zone-map entries of the chunk being filled change while readers look at them, so they are
 * written and read with opaque access: never torn, and (because they only ever widen) always
 * valid bounds for the rows a reader may see. {@code min}/{@code max} hold longs for long columns
 * and raw double bits for DOUBLE columns.
 */
final class ChunkDirectory {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    /** A chunk slot is null while not allocated, and forever for chunks wholly before a late column. */
    final MemorySegment[] chunks;
    private final long[] min;
    private final long[] max;
    private final int[] nullCounts;
    private final int[] nanCounts;

    ChunkDirectory(int capacity) {
        this(new MemorySegment[capacity], new long[capacity], new long[capacity], new int[capacity], new int[capacity]);
    }

    private ChunkDirectory(MemorySegment[] chunks, long[] min, long[] max, int[] nullCounts, int[] nanCounts) {
        this.chunks = chunks;
        this.min = min;
        this.max = max;
        this.nullCounts = nullCounts;
        this.nanCounts = nanCounts;
    }

    int capacity() {
        return chunks.length;
    }

    /** A copy with room for at least {@code capacity} chunks; this directory stays valid for readers holding it. */
    ChunkDirectory grow(int capacity) {
        int cap = Math.max(capacity, chunks.length * 2);
        return new ChunkDirectory(Arrays.copyOf(chunks, cap), Arrays.copyOf(min, cap), Arrays.copyOf(max, cap),
                Arrays.copyOf(nullCounts, cap), Arrays.copyOf(nanCounts, cap));
    }

    /** The chunk at {@code index}, or null when not allocated (also for indexes past the capacity). */
    MemorySegment chunk(int index) {
        return index < chunks.length ? chunks[index] : null;
    }

    long min(int chunk) {
        return (long) LONGS.getOpaque(min, chunk);
    }

    long max(int chunk) {
        return (long) LONGS.getOpaque(max, chunk);
    }

    int nullCount(int chunk) {
        return (int) INTS.getOpaque(nullCounts, chunk);
    }

    int nanCount(int chunk) {
        return (int) INTS.getOpaque(nanCounts, chunk);
    }

    void setMin(int chunk, long value) {
        LONGS.setOpaque(min, chunk, value);
    }

    void setMax(int chunk, long value) {
        LONGS.setOpaque(max, chunk, value);
    }

    void setNullCount(int chunk, int value) {
        INTS.setOpaque(nullCounts, chunk, value);
    }

    void setNanCount(int chunk, int value) {
        INTS.setOpaque(nanCounts, chunk, value);
    }
}
