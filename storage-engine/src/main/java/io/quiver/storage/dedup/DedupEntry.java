package io.quiver.storage.dedup;

/**
 * The fixed-size value of an {@link IdempotencyIndex} entry: 16 bytes in the map. A Chronicle
 * Values interface, so the map stores it flat and reads it into a reused heap instance without
 * allocating. Public only because Chronicle generates its implementation.
 */
public interface DedupEntry {
    /** WAL seq of the batch's DATA record. */
    long getSeq();

    void setSeq(long seq);

    /** When the batch was recorded, epoch milliseconds. */
    long getEpochMillis();

    void setEpochMillis(long epochMillis);
}
