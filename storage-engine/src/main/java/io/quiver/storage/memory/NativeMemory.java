package io.quiver.storage.memory;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The storage engine's single door to native (off-heap) memory, and its per-tag accounting.
 *
 * <p>Memory is handed out by {@link NativeArena}s ({@link #openArena}): each arena has one owner
 * that closes it, which frees everything allocated from it. The counters here are global per
 * {@link NativeMemoryTag}: {@link #heldBytes} goes up on allocation and down on free, so a test
 * that records it before and compares after finds a leak; {@link #allocatedBytes} only grows and
 * tells how much churn a tag causes.
 *
 * <p>Counters are updated once per allocation and once per arena close, never per row, so an
 * {@link AtomicLongArray} is cheap enough and keeps every reader exact.
 */
public final class NativeMemory {
    private static final NativeMemoryTag[] TAGS = NativeMemoryTag.values();
    private static final AtomicLongArray HELD = new AtomicLongArray(TAGS.length);
    private static final AtomicLongArray ALLOCATED = new AtomicLongArray(TAGS.length);
    private static final AtomicLongArray OPEN_ARENAS = new AtomicLongArray(TAGS.length);

    private NativeMemory() {
    }

    /** Opens an arena whose memory is counted under {@code tag}; the caller owns and closes it. */
    public static NativeArena openArena(NativeMemoryTag tag) {
        return new NativeArena(tag);
    }

    /** Bytes currently held (allocated and not yet freed) under {@code tag}. */
    public static long heldBytes(NativeMemoryTag tag) {
        return HELD.get(tag.ordinal());
    }

    /** Bytes ever allocated under {@code tag} since the process started. */
    public static long allocatedBytes(NativeMemoryTag tag) {
        return ALLOCATED.get(tag.ordinal());
    }

    /** Arenas of {@code tag} opened and not yet closed. */
    public static long openArenas(NativeMemoryTag tag) {
        return OPEN_ARENAS.get(tag.ordinal());
    }

    /** Bytes currently held under every tag together. */
    public static long totalHeldBytes() {
        long sum = 0;
        for (NativeMemoryTag tag : TAGS) {
            sum += heldBytes(tag);
        }
        return sum;
    }

    static void arenaOpened(NativeMemoryTag tag) {
        OPEN_ARENAS.incrementAndGet(tag.ordinal());
    }

    static void allocated(NativeMemoryTag tag, long bytes) {
        HELD.addAndGet(tag.ordinal(), bytes);
        ALLOCATED.addAndGet(tag.ordinal(), bytes);
    }

    static void arenaClosed(NativeMemoryTag tag, long heldBytes) {
        HELD.addAndGet(tag.ordinal(), -heldBytes);
        OPEN_ARENAS.decrementAndGet(tag.ordinal());
    }
}
