package io.quiver.bench.storage;

import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.fs.FilesFacade;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** The real file system, counting fsyncs and written bytes: shows how many appends one group commit covers. */
final class CountingFilesFacade implements FilesFacade {
    private final FilesFacade real = DefaultFilesFacade.INSTANCE;
    final LongAdder fsyncs = new LongAdder();
    final LongAdder writtenBytes = new LongAdder();

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        return real.open(path, options);
    }

    @Override
    public void write(FileChannel channel, ByteBuffer src, long position) throws IOException {
        writtenBytes.add(src.remaining());
        real.write(channel, src, position);
    }

    @Override
    public int read(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        return real.read(channel, dst, position);
    }

    @Override
    public void force(FileChannel channel, boolean metadata) throws IOException {
        fsyncs.increment();
        real.force(channel, metadata);
    }

    @Override
    public void truncate(FileChannel channel, long size) throws IOException {
        real.truncate(channel, size);
    }

    @Override
    public MemorySegment mapReadOnly(FileChannel channel, long offset, long size, Arena arena) throws IOException {
        return real.mapReadOnly(channel, offset, size, arena);
    }

    @Override
    public void close(FileChannel channel) throws IOException {
        real.close(channel);
    }

    @Override
    public void atomicMove(Path from, Path to) throws IOException {
        real.atomicMove(from, to);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        fsyncs.increment();
        real.fsyncDirectory(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        real.createDirectories(dir);
    }

    @Override
    public boolean exists(Path path) {
        return real.exists(path);
    }

    @Override
    public long size(Path path) throws IOException {
        return real.size(path);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return real.deleteIfExists(path);
    }

    @Override
    public void deleteRecursively(Path dir) throws IOException {
        real.deleteRecursively(dir);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return real.list(dir);
    }
}
