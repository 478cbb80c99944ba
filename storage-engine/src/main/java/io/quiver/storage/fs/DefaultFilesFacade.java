package io.quiver.storage.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real file system. Counts open channels so that the configured open-file limit
 * ({@code storage.max.open.files}) fails an open with a clear error instead of hitting the
 * operating system's limit somewhere less convenient.
 */
public final class DefaultFilesFacade implements FilesFacade {
    /** No limit beyond the operating system's. */
    public static final DefaultFilesFacade INSTANCE = new DefaultFilesFacade(Integer.MAX_VALUE);

    private final int maxOpenFiles;
    private final AtomicInteger openFiles = new AtomicInteger();

    public DefaultFilesFacade(int maxOpenFiles) {
        this.maxOpenFiles = maxOpenFiles;
    }

    public int openFiles() {
        return openFiles.get();
    }

    public int maxOpenFiles() {
        return maxOpenFiles;
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        if (openFiles.incrementAndGet() > maxOpenFiles) {
            openFiles.decrementAndGet();
            throw new TooManyOpenFilesException("open file limit reached [limit=" + maxOpenFiles + ", file=" + path
                    + "]; raise storage.max.open.files");
        }
        try {
            return FileChannel.open(path, options);
        } catch (IOException | RuntimeException e) {
            openFiles.decrementAndGet();
            throw e;
        }
    }

    @Override
    public void write(FileChannel channel, ByteBuffer src, long position) throws IOException {
        long pos = position;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    @Override
    public int read(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        return channel.read(dst, position);
    }

    @Override
    public void force(FileChannel channel, boolean metadata) throws IOException {
        channel.force(metadata);
    }

    @Override
    public void truncate(FileChannel channel, long size) throws IOException {
        channel.truncate(size);
    }

    @Override
    public MemorySegment mapReadOnly(FileChannel channel, long offset, long size, Arena arena) throws IOException {
        return channel.map(FileChannel.MapMode.READ_ONLY, offset, size, arena);
    }

    @Override
    public void close(FileChannel channel) throws IOException {
        if (channel.isOpen()) {
            openFiles.decrementAndGet();
            channel.close();
        }
    }

    @Override
    public void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system does not support atomic rename [from=" + from + ", to=" + to + ']', e);
        }
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public long size(Path path) throws IOException {
        return Files.size(path);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return Files.deleteIfExists(path);
    }

    @Override
    public void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        }
        out.sort(null);
        return out;
    }
}
