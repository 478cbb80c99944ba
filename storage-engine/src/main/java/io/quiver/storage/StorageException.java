package io.quiver.storage;

/**
 * Every failure the storage engine reports. Messages follow {@code what happened [key=value ...]}
 * so logs and client errors name the file, table, column or block involved.
 */
public class StorageException extends RuntimeException {
    /** What kind of failure, so callers can map it to a protocol status. */
    public enum Kind {
        /** The caller sent something wrong (bad schema, bad value, unknown table): a user error. */
        INVALID_INPUT,
        /** Something already exists (table, column). */
        ALREADY_EXISTS,
        /** A table, column or file that was expected does not exist. */
        NOT_FOUND,
        /** A configured limit was reached (memtable, WAL, open files, disk space). Retry later. */
        RESOURCE_EXHAUSTED,
        /** Stored bytes fail their checksum or do not parse: never served. */
        CORRUPT,
        /** The operating system refused an I/O operation (full disk, failed fsync). */
        IO,
        /** The engine is closing or closed. */
        CLOSED
    }

    private final Kind kind;

    public StorageException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** True when retrying the same request later may succeed. */
    public boolean isTransient() {
        return kind == Kind.RESOURCE_EXHAUSTED || kind == Kind.IO || kind == Kind.CLOSED;
    }

    public static StorageException invalid(String message) {
        return new StorageException(Kind.INVALID_INPUT, message);
    }

    public static StorageException notFound(String message) {
        return new StorageException(Kind.NOT_FOUND, message);
    }

    public static StorageException alreadyExists(String message) {
        return new StorageException(Kind.ALREADY_EXISTS, message);
    }

    public static StorageException exhausted(String message) {
        return new StorageException(Kind.RESOURCE_EXHAUSTED, message);
    }

    public static StorageException corrupt(String message) {
        return new StorageException(Kind.CORRUPT, message);
    }

    public static StorageException io(String message, Throwable cause) {
        String detail = cause == null ? "" : " [cause=" + cause + ']';
        return new StorageException(Kind.IO, message + detail, cause);
    }

    public static StorageException closed(String message) {
        return new StorageException(Kind.CLOSED, message);
    }

    public static StorageException tableDoesNotExist(String table) {
        return notFound("table does not exist [table=" + table + ']');
    }
}
