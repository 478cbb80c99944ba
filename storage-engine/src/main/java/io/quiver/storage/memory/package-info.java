/**
 * Native (off-heap) memory of the storage engine: where it comes from, who owns it, how much of it
 * is held.
 *
 * <p><b>Allocation.</b> All off-heap allocation goes through {@link io.quiver.storage.memory.NativeMemory#openArena},
 * which returns a {@link io.quiver.storage.memory.NativeArena} backed by a shared
 * {@link java.lang.foreign.Arena}. One arena per owner (a memtable, a WAL writer, a segment
 * writer): the owner allocates from it as it grows and closes it once, which frees everything.
 * One arena per owner rather than per allocation because closing a shared arena costs a
 * thread handshake; owners free their memory all at once anyway.
 *
 * <p><b>Accounting.</b> Each arena carries a {@link io.quiver.storage.memory.NativeMemoryTag};
 * {@link io.quiver.storage.memory.NativeMemory} keeps global per-tag counters of bytes held and
 * bytes ever allocated. Tests record {@code heldBytes(tag)} before and assert it is back after,
 * which finds every leak of that tag.
 *
 * <p><b>Access: MemorySegment rather than Agrona's UnsafeBuffer.</b> Owners in this engine access
 * their memory through the {@link java.lang.foreign.MemorySegment} the arena returns, for two
 * reasons. First, the hot operations are bulk copies between Java primitive arrays and native
 * memory ({@code long[]}/{@code double[]}/{@code byte[]} of a column vector), and
 * {@code MemorySegment.copy(array, ..., segment, layout, ...)} is one intrinsified memcpy, while
 * {@code UnsafeBuffer} has a bulk form only for {@code byte[]} and would need a
 * {@code putLong} loop for the rest. Second, segments of a shared arena are checked: a reader that
 * touches one after its arena was closed gets an {@link java.lang.IllegalStateException}, never
 * a read of freed memory or a crash, and the close waits out accesses already in flight. The
 * per-access check is one load, hoisted out of loops by the JIT. {@link io.quiver.storage.memory.NativeArena#allocateBuffer}
 * still hands out an {@code UnsafeBuffer} for code written against Agrona's API; such a buffer is
 * not checked, so its owner must stop using it before closing the arena.
 */
package io.quiver.storage.memory;
