/**
 * The memtable: acknowledged rows of a table held off the heap, in columnar chunks, until a flush
 * seals them into a segment; queries read it concurrently with the single writer.
 *
 * <p><b>Memory.</b> Each {@link io.quiver.storage.memtable.Memtable} uses one
 * {@link io.quiver.storage.memtable.MemtableMemory}: a {@link io.quiver.storage.memory.NativeArena}
 * tagged {@link io.quiver.storage.memory.NativeMemoryTag#MEMTABLE}. Its columns allocate chunks (and
 * VARCHAR pages) from it on the writer thread as rows arrive; nothing is freed piecemeal. The
 * {@link io.quiver.storage.memtable.Memtable#release} that drops the last reference (the creator
 * holds one, readers that may outlive it retain their own) closes the arena, freeing everything;
 * or, when the memtable was built with the table's
 * {@link io.quiver.storage.memtable.MemtableMemoryPool}, gives the memory to the pool, which hands
 * it to the table's next memtable (reused segments skip the JDK's zeroing and the kernel's page
 * faults) and frees it when the table closes or goes idle. Chunks are never moved or resized, so a
 * reader never sees memory move under it.
 *
 * <p><b>Concurrency.</b> One writer ({@code append}, {@code addColumn}; the caller serialises
 * them), any number of lock-free readers. The writer fills rows above the published row count,
 * then publishes the new count with a release store; readers acquire the count and read only
 * below it, so they see whole batches or nothing. Growing structures (chunk directories, VARCHAR
 * page lists, the column set) are replaced by complete copies through volatile fields.
 *
 * <p><b>Access.</b> Chunks are {@link java.lang.foreign.MemorySegment}s read and written with bulk
 * {@code MemorySegment.copy} to and from the primitive arrays of
 * {@link io.quiver.storage.vector.ColumnVector}; see {@link io.quiver.storage.memory} for why not
 * Agrona's {@code UnsafeBuffer}.
 */
package io.quiver.storage.memtable;
