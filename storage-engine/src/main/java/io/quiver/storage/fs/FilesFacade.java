package io.quiver.storage.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation the storage engine performs goes through this interface, so a test can make
 * exactly one call fail on exactly one file (see {@code FaultInjectingFilesFacade} in the test jar)
 * and exercise each error path. Implementations must be thread-safe.
 */
public interface FilesFacade {
    FileChannel open(Path path, OpenOption... options) throws IOException;

    /** Writes all of {@code src} at {@code position}; loops over short writes. */
    void write(FileChannel channel, ByteBuffer src, long position) throws IOException;

    /** Reads up to {@code dst.remaining()} bytes at {@code position}; returns the count or -1 at EOF. */
    int read(FileChannel channel, ByteBuffer dst, long position) throws IOException;

    /** fsync (data only when {@code metadata} is false). */
    void force(FileChannel channel, boolean metadata) throws IOException;

    void truncate(FileChannel channel, long size) throws IOException;

    /** Maps {@code [offset, offset+size)} read-only into {@code arena}; the arena owns the mapping. */
    MemorySegment mapReadOnly(FileChannel channel, long offset, long size, Arena arena) throws IOException;

    void close(FileChannel channel) throws IOException;

    /** Atomic rename, replacing {@code to} if it exists. */
    void atomicMove(Path from, Path to) throws IOException;

    /** fsync a directory so a rename or create inside it is durable. */
    void fsyncDirectory(Path dir) throws IOException;

    void createDirectories(Path dir) throws IOException;

    boolean exists(Path path);

    long size(Path path) throws IOException;

    /** Deletes a file or an empty directory if present; returns whether it existed. */
    boolean deleteIfExists(Path path) throws IOException;

    /** Deletes a directory tree if present. */
    void deleteRecursively(Path dir) throws IOException;

    /** The entries of a directory, sorted by name; empty if it does not exist. */
    List<Path> list(Path dir) throws IOException;

    /** Writes a small file atomically: temp file, fsync, rename, fsync directory. */
    default void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        FileChannel ch = open(tmp, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        try {
            write(ch, ByteBuffer.wrap(content), 0);
            force(ch, true);
        } finally {
            close(ch);
        }
        atomicMove(tmp, target);
        fsyncDirectory(target.getParent());
    }

    /** Reads a whole small file. */
    default byte[] readAll(Path path) throws IOException {
        FileChannel ch = open(path, java.nio.file.StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException("file too large to read whole: " + path);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            long pos = 0;
            while (buf.hasRemaining()) {
                int n = read(ch, buf, pos);
                if (n < 0) {
                    throw new IOException("short read [file=" + path + ", expected=" + size + ", got=" + pos + ']');
                }
                pos += n;
            }
            return buf.array();
        } finally {
            close(ch);
        }
    }
}
