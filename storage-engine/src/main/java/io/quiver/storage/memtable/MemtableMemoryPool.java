package io.quiver.storage.memtable;

/**
 * Hands the memory of a table's released memtables to its next memtable, so that a busy table
 * stops paying for fresh native memory at every flush (see {@link MemtableMemory}).
 *
 * <p>Keeps one spare, which absorbs the memory of every memtable released while it waits, up to
 * {@code maxSpareBytes}. One spare memtable's worth was not enough under a flat-out load: while a
 * flush runs, the next memtable grows larger than the one being flushed, and two memtables may
 * finish flushing before the next one is sealed; each byte that did not fit the single spare was
 * freed and then allocated fresh again (zeroed and page-faulted in on the WAL completion thread that
 * applies batches: a fifth of the server's CPU samples at one million events a second).
 *
 * <p>A memtable smaller than {@code minRecycleBytes} (flushed because it got old, not big: a quiet
 * table) is freed instead, and {@link #releaseSpare} frees the spare of a table gone idle.
 * Thread-safe: the last release of a memtable may happen on any reader's thread.
 */
public final class MemtableMemoryPool implements AutoCloseable {
    private final long minRecycleBytes;
    private final long maxSpareBytes;
    private MemtableMemory spare;
    private volatile long spareBytes;
    private boolean closed;

    /**
     * @param minRecycleBytes smallest memtable memory worth keeping for the next memtable
     * @param maxSpareBytes   most bytes the spare may hold (a released memory that would take it over
     *                        this is freed, unless it is larger than the spare, which it then replaces)
     */
    public MemtableMemoryPool(long minRecycleBytes, long maxSpareBytes) {
        this.minRecycleBytes = minRecycleBytes;
        this.maxSpareBytes = maxSpareBytes;
    }

    /** Memory for a new memtable: the spare if there is one, else fresh. */
    synchronized MemtableMemory take() {
        MemtableMemory m = spare;
        spare = null;
        spareBytes = 0;
        return m != null ? m : new MemtableMemory();
    }

    /** Called once by a memtable whose last reference was released. */
    void recycle(MemtableMemory m) {
        MemtableMemory toFree = m;
        synchronized (this) {
            if (!closed && m.usedBytes() >= minRecycleBytes) {
                m.recycle();
                if (spare == null) {
                    spare = m;
                    toFree = null;
                } else if (spare.heldBytes() + m.heldBytes() <= maxSpareBytes) {
                    spare.absorb(m);
                    toFree = null;
                } else if (m.heldBytes() > spare.heldBytes()) {
                    toFree = spare;
                    spare = m;
                }
                spareBytes = spare == null ? 0 : spare.heldBytes();
            }
        }
        if (toFree != null) {
            toFree.close(); // outside the lock: closing a shared arena waits for every thread
        }
    }

    /** Bytes held by the spare (0 when none). */
    public long spareBytes() {
        return spareBytes;
    }

    /** Frees the spare, if any. */
    public void releaseSpare() {
        MemtableMemory m;
        synchronized (this) {
            m = spare;
            spare = null;
            spareBytes = 0;
        }
        if (m != null) {
            m.close();
        }
    }

    /** Frees the spare; memtables released afterwards free their memory. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        releaseSpare();
    }
}
