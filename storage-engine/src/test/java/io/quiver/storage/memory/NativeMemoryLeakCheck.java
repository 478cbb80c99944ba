package io.quiver.storage.memory;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Records native bytes held and arenas open per tag, and later asserts both are back: a test
 * starts one before its body and calls {@link #assertNoLeak} after. Assumes test classes run one
 * at a time in the JVM (surefire's default), so no other test allocates meanwhile.
 */
public final class NativeMemoryLeakCheck {
    private final Map<NativeMemoryTag, Long> heldBefore = new EnumMap<>(NativeMemoryTag.class);
    private final Map<NativeMemoryTag, Long> arenasBefore = new EnumMap<>(NativeMemoryTag.class);

    private NativeMemoryLeakCheck() {
        for (NativeMemoryTag tag : NativeMemoryTag.values()) {
            heldBefore.put(tag, NativeMemory.heldBytes(tag));
            arenasBefore.put(tag, NativeMemory.openArenas(tag));
        }
    }

    public static NativeMemoryLeakCheck start() {
        return new NativeMemoryLeakCheck();
    }

    public void assertNoLeak() {
        for (NativeMemoryTag tag : NativeMemoryTag.values()) {
            assertEquals(heldBefore.get(tag), NativeMemory.heldBytes(tag), "native bytes leaked [tag=" + tag + ']');
            assertEquals(arenasBefore.get(tag), NativeMemory.openArenas(tag), "native arenas left open [tag=" + tag + ']');
        }
    }

    /** Bytes held under {@code tag} now, minus when the check started. */
    public long heldSinceStart(NativeMemoryTag tag) {
        return NativeMemory.heldBytes(tag) - heldBefore.get(tag);
    }
}
