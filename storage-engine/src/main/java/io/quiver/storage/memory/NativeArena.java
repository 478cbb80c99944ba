package io.quiver.storage.memory;

import io.quiver.storage.StorageException;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A group of native allocations with one owner, freed all at once by {@link #close}. Backed by a
 * shared {@link Arena}, so segments may be read from any thread, and a thread that touches a
 * segment after the close gets an {@link IllegalStateException} from the JDK instead of reading
 * freed memory (closing a shared arena waits out accesses already in flight).
 *
 * <p>Allocation is meant for the owner's thread (one writer); {@link #heldBytes} may be read from
 * any thread. Memory comes zeroed.
 */
public final class NativeArena implements AutoCloseable {
    /** Alignment of every allocation: enough for long and double access at any 8-byte offset. */
    public static final long DEFAULT_ALIGNMENT = 8;

    private final NativeMemoryTag tag;
    private final Arena arena = Arena.ofShared();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Written only by the owner thread; volatile so metrics and limits read it from elsewhere. */
    private volatile long heldBytes;

    NativeArena(NativeMemoryTag tag) {
        this.tag = tag;
        NativeMemory.arenaOpened(tag);
    }

    public NativeMemoryTag tag() {
        return tag;
    }

    /** Allocates {@code bytes} zeroed bytes, 8-byte aligned, freed when this arena closes. */
    public MemorySegment allocate(long bytes) {
        return allocate(bytes, DEFAULT_ALIGNMENT);
    }

    public MemorySegment allocate(long bytes, long alignment) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation size must be positive [bytes=" + bytes + ']');
        }
        if (closed.get()) {
            throw StorageException.closed("native arena is closed [tag=" + tag + ']');
        }
        MemorySegment segment;
        try {
            segment = arena.allocate(bytes, alignment);
        } catch (OutOfMemoryError e) {
            // malloc failed: the process is short of native memory, not of heap.
            throw new StorageException(StorageException.Kind.RESOURCE_EXHAUSTED,
                    "native allocation failed [tag=" + tag + ", bytes=" + bytes + ", held=" + heldBytes + ']', e);
        } catch (IllegalStateException e) {
            throw new StorageException(StorageException.Kind.CLOSED, "native arena is closed [tag=" + tag + ']', e);
        }
        heldBytes += bytes;
        NativeMemory.allocated(tag, bytes);
        return segment;
    }

    /**
     * Allocates {@code bytes} and wraps them in an Agrona buffer, for code that wants Agrona's
     * accessors. The buffer holds a raw address: unlike the segment, it is NOT checked after
     * {@link #close}, so its owner must stop using it before closing.
     */
    public UnsafeBuffer allocateBuffer(int bytes) {
        MemorySegment segment = allocate(bytes);
        return new UnsafeBuffer(segment.address(), bytes);
    }

    /** Bytes allocated from this arena and not yet freed (0 after close). */
    public long heldBytes() {
        return heldBytes;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Frees every allocation of this arena. A second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long held = heldBytes;
        heldBytes = 0;
        try {
            arena.close();
        } finally {
            NativeMemory.arenaClosed(tag, held);
        }
    }
}
