package io.quiver.storage;

/**
 * When an ingest is acknowledged relative to its bytes reaching stable storage.
 *
 * <ul>
 *   <li>{@link #FSYNC} (default): the WAL group-commits: appends wait for the next fsync (every
 *       {@code wal.group.commit.interval.us}); the ack means the bytes survive a power loss.</li>
 *   <li>{@link #BATCH}: the WAL is written to the OS at once and fsynced on the group-commit
 *       interval, but the ack does not wait for that fsync: an ack survives a process crash
 *       ({@code kill -9}) but a power loss may drop the last interval.</li>
 *   <li>{@link #NONE}: written to the OS page cache, never fsynced by the WAL (only at flush).
 *       Survives a process crash; for benchmarks and scratch data.</li>
 * </ul>
 */
public enum Durability {
    FSYNC, BATCH, NONE;

    public static Durability parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw StorageException.invalid("unknown durability [durability=" + s + ", expected one of fsync, batch, none]");
        }
    }
}
