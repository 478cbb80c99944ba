package io.quiver.storage.memory;

import io.quiver.storage.StorageException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeArenaTest {
    private final NativeMemoryLeakCheck leakCheck = NativeMemoryLeakCheck.start();

    @AfterEach
    void noLeak() {
        leakCheck.assertNoLeak();
    }

    @Test
    void countsHeldAndAllocatedBytesPerTagUntilClose() {
        long allocatedBefore = NativeMemory.allocatedBytes(NativeMemoryTag.SCAN);
        long memtableBefore = NativeMemory.heldBytes(NativeMemoryTag.MEMTABLE);
        long arenasBefore = NativeMemory.openArenas(NativeMemoryTag.SCAN);
        NativeArena arena = NativeMemory.openArena(NativeMemoryTag.SCAN);
        assertEquals(arenasBefore + 1, NativeMemory.openArenas(NativeMemoryTag.SCAN));
        MemorySegment a = arena.allocate(100);
        MemorySegment b = arena.allocate(4096);
        assertEquals(100, a.byteSize());
        assertEquals(0, a.address() % NativeArena.DEFAULT_ALIGNMENT);
        assertEquals(4196, arena.heldBytes());
        assertEquals(4196, leakCheck.heldSinceStart(NativeMemoryTag.SCAN));
        assertEquals(memtableBefore, NativeMemory.heldBytes(NativeMemoryTag.MEMTABLE), "other tags untouched");
        assertEquals(0L, b.get(JAVA_LONG, 4088), "memory comes zeroed");

        arena.close();
        assertEquals(0, arena.heldBytes());
        assertEquals(0, leakCheck.heldSinceStart(NativeMemoryTag.SCAN));
        assertEquals(allocatedBefore + 4196, NativeMemory.allocatedBytes(NativeMemoryTag.SCAN), "allocated only grows");
        assertFalse(arena.isOpen());
    }

    @Test
    void closedArenaRefusesAllocationAndAccess() {
        NativeArena arena = NativeMemory.openArena(NativeMemoryTag.OTHER);
        MemorySegment segment = arena.allocate(64);
        segment.set(JAVA_LONG, 0, 42L);
        arena.close();
        arena.close(); // second close does nothing, in particular does not count the bytes twice

        StorageException e = assertThrows(StorageException.class, () -> arena.allocate(8));
        assertEquals(StorageException.Kind.CLOSED, e.kind());
        assertThrows(IllegalStateException.class, () -> segment.get(JAVA_LONG, 0), "freed memory must not be readable");
    }

    @Test
    void rejectsNonPositiveSizes() {
        try (NativeArena arena = NativeMemory.openArena(NativeMemoryTag.OTHER)) {
            assertThrows(IllegalArgumentException.class, () -> arena.allocate(0));
            assertThrows(IllegalArgumentException.class, () -> arena.allocate(-8));
            assertEquals(0, arena.heldBytes());
        }
    }

    @Test
    void agronaBufferWrapsArenaMemory() {
        try (NativeArena arena = NativeMemory.openArena(NativeMemoryTag.OTHER)) {
            UnsafeBuffer buffer = arena.allocateBuffer(256);
            assertEquals(256, buffer.capacity());
            buffer.putLong(248, Long.MIN_VALUE);
            buffer.putStringAscii(0, "quiver");
            assertEquals(Long.MIN_VALUE, buffer.getLong(248));
            assertEquals("quiver", buffer.getStringAscii(0));
            assertEquals(256, arena.heldBytes());
            assertTrue(arena.isOpen());
        }
    }
}
