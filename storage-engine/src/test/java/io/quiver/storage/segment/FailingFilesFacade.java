package io.quiver.storage.segment;

import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.fs.FilesFacade;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The real file system, except that the n-th call of one chosen operation throws an IOException. */
final class FailingFilesFacade implements FilesFacade {
    enum Op { OPEN, WRITE, FORCE, CLOSE, MOVE, FSYNC_DIR, MAP }

    private final FilesFacade delegate = new DefaultFilesFacade(Integer.MAX_VALUE);
    private final Map<Op, Integer> calls = new EnumMap<>(Op.class);
    private final Op failOp;
    private final int failOnCall;

    /** Fails call number {@code failOnCall} (1-based) of {@code op}; later calls of it succeed again. */
    FailingFilesFacade(Op op, int failOnCall) {
        this.failOp = op;
        this.failOnCall = failOnCall;
    }

    int calls(Op op) {
        return calls.getOrDefault(op, 0);
    }

    private void maybeFail(Op op) throws IOException {
        int n = calls.merge(op, 1, Integer::sum);
        if (op == failOp && n == failOnCall) {
            throw new IOException("injected failure [op=" + op + ", call=" + n + ']');
        }
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        maybeFail(Op.OPEN);
        return delegate.open(path, options);
    }

    @Override
    public void write(FileChannel channel, ByteBuffer src, long position) throws IOException {
        maybeFail(Op.WRITE);
        delegate.write(channel, src, position);
    }

    @Override
    public int read(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        return delegate.read(channel, dst, position);
    }

    @Override
    public void force(FileChannel channel, boolean metadata) throws IOException {
        maybeFail(Op.FORCE);
        delegate.force(channel, metadata);
    }

    @Override
    public void truncate(FileChannel channel, long size) throws IOException {
        delegate.truncate(channel, size);
    }

    @Override
    public MemorySegment mapReadOnly(FileChannel channel, long offset, long size, Arena arena) throws IOException {
        maybeFail(Op.MAP);
        return delegate.mapReadOnly(channel, offset, size, arena);
    }

    @Override
    public void close(FileChannel channel) throws IOException {
        // the channel is closed even when the call "fails", as a real close that reports an error does
        delegate.close(channel);
        maybeFail(Op.CLOSE);
    }

    @Override
    public void atomicMove(Path from, Path to) throws IOException {
        maybeFail(Op.MOVE);
        delegate.atomicMove(from, to);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        maybeFail(Op.FSYNC_DIR);
        delegate.fsyncDirectory(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        delegate.createDirectories(dir);
    }

    @Override
    public boolean exists(Path path) {
        return delegate.exists(path);
    }

    @Override
    public long size(Path path) throws IOException {
        return delegate.size(path);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return delegate.deleteIfExists(path);
    }

    @Override
    public void deleteRecursively(Path dir) throws IOException {
        delegate.deleteRecursively(dir);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return delegate.list(dir);
    }
}
