package io.quiver.storage.dedup;

import io.quiver.storage.StorageException;

/** Rules for client-chosen batch ids, shared by the WAL's DATA records and the idempotency index. */
public final class BatchIds {
    /** Longest batch id in characters. */
    public static final int MAX_LENGTH = 128;

    private BatchIds() {
    }

    /** @throws StorageException INVALID_INPUT if {@code batchId} is null or longer than {@link #MAX_LENGTH} */
    public static void validate(CharSequence batchId) {
        if (batchId == null) {
            throw StorageException.invalid("batch id is missing");
        }
        if (batchId.length() > MAX_LENGTH) {
            throw StorageException.invalid("batch id too long [length=" + batchId.length() + ", max=" + MAX_LENGTH
                    + ", batchId=" + batchId.subSequence(0, 32) + "...]");
        }
    }
}
