package io.quiver.storage.wal;

import java.nio.ByteBuffer;

/** Receives replayed WAL records in seq order. */
@FunctionalInterface
public interface WalRecordHandler {
    /**
     * One record. {@code payload} is a read-only view valid only during this call (its bytes are
     * reused for the next record): decode or copy what you keep. An exception thrown here stops the
     * replay and propagates unchanged; the WAL is not modified for it.
     */
    void onRecord(long seq, int type, ByteBuffer payload);
}
