package io.quiver.storage.memtable;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands the memory of a table's released memtable to its next memtable, so that a busy table
 * stops paying for fresh native memory at every flush (see {@link MemtableMemory}). Keeps at most
 * one spare; a memtable smaller than {@code minRecycleBytes} (flushed because it got old, not big:
 * a quiet table) is freed instead, and {@link #releaseSpare} frees the spare of a table gone idle.
 * Thread-safe: the last release of a memtable may happen on any reader's thread.
 */
public final class MemtableMemoryPool implements AutoCloseable {
    private final long minRecycleBytes;
    private final AtomicReference<MemtableMemory> spare = new AtomicReference<>();
    private volatile boolean closed;

    /** @param minRecycleBytes smallest memtable memory worth keeping for the next memtable */
    public MemtableMemoryPool(long minRecycleBytes) {
        this.minRecycleBytes = minRecycleBytes;
    }

    /** Memory for a new memtable: the spare if there is one, else fresh. */
    MemtableMemory take() {
        MemtableMemory m = spare.getAndSet(null);
        return m != null ? m : new MemtableMemory();
    }

    /** Called once by a memtable whose last reference was released. */
    void recycle(MemtableMemory m) {
        if (closed || m.usedBytes() < minRecycleBytes) {
            m.close();
            return;
        }
        m.recycle();
        if (!spare.compareAndSet(null, m)) {
            m.close();
        } else if (closed) {
            releaseSpare(); // raced close(): do not leave it behind
        }
    }

    /** Bytes held by the spare (0 when none). */
    public long spareBytes() {
        MemtableMemory m = spare.get();
        return m == null ? 0 : m.heldBytes();
    }

    /** Frees the spare, if any. */
    public void releaseSpare() {
        MemtableMemory m = spare.getAndSet(null);
        if (m != null) {
            m.close();
        }
    }

    /** Frees the spare; memtables released afterwards free their memory. */
    @Override
    public void close() {
        closed = true;
        releaseSpare();
    }
}
