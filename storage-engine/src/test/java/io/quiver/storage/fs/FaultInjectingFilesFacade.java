package io.quiver.storage.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A {@link FilesFacade} for tests that delegates to a real one ({@link DefaultFilesFacade} by
 * default) and injects faults by rule, so a test can make exactly one call fail on exactly one file.
 *
 * <pre>{@code
 * FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
 * fs.rule(Op.WRITE).onFiles("wal-.*\\.log").nth(3).partialWrite(10); // 3rd matching write: 10 bytes, then IOException
 * fs.rule(Op.FORCE).always().fail();                                  // every fsync fails until the rule is removed
 * fs.rule(Op.READ).always().shortRead(7);                             // reads return at most 7 bytes
 * fs.rule(Op.FORCE).always().run(() -> latch.await(...));             // observe or stall a call, then let it proceed
 * fs.setDiskFull(true);                                               // writes throw "No space left on device"
 * }</pre>
 *
 * Rules count the calls that match their op and file pattern from the moment they are added; the
 * rule fires on matching calls number {@code nth .. nth + times - 1} (once by default). Channel ops
 * (write, read, force, truncate, map, close) are matched by the path the channel was opened with.
 * Every call is counted per op and per file name ({@link #calls(Op)}, {@link #calls(Op, String)}).
 * Thread-safe.
 */
public final class FaultInjectingFilesFacade implements FilesFacade {
    /** The operations a rule can target. */
    public enum Op { OPEN, WRITE, READ, FORCE, TRUNCATE, MAP, CLOSE, ATOMIC_MOVE, FSYNC_DIRECTORY, CREATE_DIRECTORIES, SIZE, DELETE, LIST }

    /** The message of the IOException a full disk gives. */
    public static final String DISK_FULL_MESSAGE = "No space left on device";

    /** Code run when a rule fires; may throw to fail the call, or block to stall it. */
    @FunctionalInterface
    public interface Hook {
        void run() throws Exception;
    }

    private final FilesFacade delegate;
    private final Map<FileChannel, Path> channelPaths = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Op, AtomicLong> callsPerOp = new EnumMap<>(Op.class);
    private final Map<Op, Map<String, AtomicLong>> callsPerFile = new EnumMap<>(Op.class);
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private volatile boolean diskFull;

    public FaultInjectingFilesFacade() {
        this(new DefaultFilesFacade(Integer.MAX_VALUE));
    }

    public FaultInjectingFilesFacade(FilesFacade delegate) {
        this.delegate = delegate;
        for (Op op : Op.values()) {
            callsPerOp.put(op, new AtomicLong());
            callsPerFile.put(op, new ConcurrentHashMap<>());
        }
    }

    // ------------------------------------------------------------------ configuration

    /** Starts a rule for {@code op}; it is active once one of its actions (fail, partialWrite, ...) is chosen. */
    public Rule rule(Op op) {
        return new Rule(op);
    }

    public void clearRules() {
        rules.clear();
    }

    /** While on, every write throws IOException("No space left on device") before writing anything. */
    public void setDiskFull(boolean full) {
        diskFull = full;
    }

    /** Calls of {@code op} so far, on any file. */
    public long calls(Op op) {
        return callsPerOp.get(op).get();
    }

    /** Calls of {@code op} so far on files whose name matches {@code fileNameRegex}. */
    public long calls(Op op, String fileNameRegex) {
        Pattern p = Pattern.compile(fileNameRegex);
        long n = 0;
        for (Map.Entry<String, AtomicLong> e : callsPerFile.get(op).entrySet()) {
            if (p.matcher(e.getKey()).matches()) {
                n += e.getValue().get();
            }
        }
        return n;
    }

    /** The path a channel was opened with through this facade, or null. */
    public Path pathOf(FileChannel channel) {
        return channelPaths.get(channel);
    }

    /** One fault rule; configure with the fluent methods, then pick an action. */
    public final class Rule {
        private final Op op;
        private Pattern files;
        private long nth = 1;
        private long times = 1;
        private Action action;
        private String message = "injected fault";
        private int bytes;
        private Hook hook;
        private final AtomicLong matched = new AtomicLong();
        private final AtomicLong fired = new AtomicLong();

        private Rule(Op op) {
            this.op = op;
        }

        /** Only calls on files whose name (not the whole path) matches this regex. */
        public Rule onFiles(String fileNameRegex) {
            files = Pattern.compile(fileNameRegex);
            return this;
        }

        /** Fire first on the n-th matching call (1-based). */
        public Rule nth(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("nth is 1-based");
            }
            nth = n;
            return this;
        }

        /** Fire on this many consecutive matching calls. */
        public Rule times(long n) {
            times = n;
            return this;
        }

        /** Fire on every matching call from the nth on. */
        public Rule always() {
            times = Long.MAX_VALUE / 2;
            return this;
        }

        /** The call throws IOException("injected fault") without reaching the file. */
        public Rule fail() {
            return fail("injected fault");
        }

        public Rule fail(String ioExceptionMessage) {
            message = ioExceptionMessage;
            return activate(Action.FAIL);
        }

        /** WRITE only: writes the first {@code n} bytes of the buffer, then throws IOException. */
        public Rule partialWrite(int n) {
            if (op != Op.WRITE) {
                throw new IllegalArgumentException("partialWrite applies to WRITE");
            }
            bytes = n;
            message = "injected fault after a partial write of " + n + " bytes";
            return activate(Action.PARTIAL_WRITE);
        }

        /** READ only: the read returns at most {@code n} (>= 1) bytes; the caller must loop. */
        public Rule shortRead(int n) {
            if (op != Op.READ || n < 1) {
                throw new IllegalArgumentException("shortRead applies to READ with n >= 1");
            }
            bytes = n;
            return activate(Action.SHORT_READ);
        }

        /** Runs {@code hook} before the call proceeds (block on a latch, record an event, or throw to fail it). */
        public Rule run(Hook h) {
            hook = h;
            return activate(Action.HOOK);
        }

        /** How often the rule has fired. */
        public long fired() {
            return fired.get();
        }

        public void remove() {
            rules.remove(this);
        }

        private Rule activate(Action a) {
            if (action != null) {
                throw new IllegalStateException("rule already has an action");
            }
            action = a;
            rules.add(this);
            return this;
        }

        private boolean fires(Op calledOp, Path path) {
            if (calledOp != op) {
                return false;
            }
            if (files != null && (path == null || !files.matcher(path.getFileName().toString()).matches())) {
                return false;
            }
            long m = matched.incrementAndGet();
            if (m >= nth && m - nth < times) {
                fired.incrementAndGet();
                return true;
            }
            return false;
        }
    }

    private enum Action { FAIL, PARTIAL_WRITE, SHORT_READ, HOOK }

    /** Counts the call and returns the rule that fires for it (after running hooks), or null. */
    private Rule before(Op op, Path path) throws IOException {
        callsPerOp.get(op).incrementAndGet();
        String name = path == null || path.getFileName() == null ? "" : path.getFileName().toString();
        callsPerFile.get(op).computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
        Rule firing = null;
        for (Rule r : rules) {
            if (!r.fires(op, path)) {
                continue;
            }
            switch (r.action) {
                case FAIL -> throw new IOException(r.message + " [op=" + op + ", file=" + path + ']');
                case HOOK -> runHook(r, op, path);
                default -> firing = r;
            }
        }
        return firing;
    }

    private static void runHook(Rule r, Op op, Path path) throws IOException {
        try {
            r.hook.run();
        } catch (IOException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted in hook [op=" + op + ", file=" + path + ']', e);
        } catch (Exception e) {
            throw new IOException("hook failed [op=" + op + ", file=" + path + ']', e);
        }
    }

    // ------------------------------------------------------------------ FilesFacade

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        before(Op.OPEN, path);
        FileChannel ch = delegate.open(path, options);
        channelPaths.put(ch, path);
        return ch;
    }

    @Override
    public void write(FileChannel channel, ByteBuffer src, long position) throws IOException {
        Path path = channelPaths.get(channel);
        Rule r = before(Op.WRITE, path);
        if (diskFull) {
            throw new IOException(DISK_FULL_MESSAGE);
        }
        if (r != null && r.action == Action.PARTIAL_WRITE) {
            int n = Math.min(r.bytes, src.remaining());
            ByteBuffer part = src.slice(src.position(), n);
            delegate.write(channel, part, position);
            src.position(src.position() + n);
            throw new IOException(r.message + " [file=" + path + ']');
        }
        delegate.write(channel, src, position);
    }

    @Override
    public int read(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        Rule r = before(Op.READ, channelPaths.get(channel));
        if (r != null && r.action == Action.SHORT_READ && dst.remaining() > r.bytes) {
            ByteBuffer part = dst.slice(dst.position(), r.bytes);
            int n = delegate.read(channel, part, position);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        return delegate.read(channel, dst, position);
    }

    @Override
    public void force(FileChannel channel, boolean metadata) throws IOException {
        before(Op.FORCE, channelPaths.get(channel));
        delegate.force(channel, metadata);
    }

    @Override
    public void truncate(FileChannel channel, long size) throws IOException {
        before(Op.TRUNCATE, channelPaths.get(channel));
        delegate.truncate(channel, size);
    }

    @Override
    public MemorySegment mapReadOnly(FileChannel channel, long offset, long size, Arena arena) throws IOException {
        before(Op.MAP, channelPaths.get(channel));
        return delegate.mapReadOnly(channel, offset, size, arena);
    }

    @Override
    public void close(FileChannel channel) throws IOException {
        Path path = channelPaths.remove(channel);
        try {
            before(Op.CLOSE, path);
        } finally {
            delegate.close(channel); // a failed close still releases the descriptor, as on Linux
        }
    }

    @Override
    public void atomicMove(Path from, Path to) throws IOException {
        callsPerOp.get(Op.ATOMIC_MOVE).incrementAndGet();
        // Match the rule on either name: tests usually know the target, sometimes the temp file.
        boolean fail = false;
        String message = null;
        for (Rule r : rules) {
            if (r.op == Op.ATOMIC_MOVE && (r.files == null
                    || r.files.matcher(from.getFileName().toString()).matches()
                    || r.files.matcher(to.getFileName().toString()).matches())) {
                long m = r.matched.incrementAndGet();
                if (m >= r.nth && m - r.nth < r.times) {
                    r.fired.incrementAndGet();
                    if (r.action == Action.HOOK) {
                        runHook(r, Op.ATOMIC_MOVE, to);
                    } else {
                        fail = true;
                        message = r.message;
                    }
                }
            }
        }
        callsPerFile.get(Op.ATOMIC_MOVE).computeIfAbsent(to.getFileName().toString(), k -> new AtomicLong()).incrementAndGet();
        if (fail) {
            throw new IOException(message + " [op=ATOMIC_MOVE, from=" + from + ", to=" + to + ']');
        }
        delegate.atomicMove(from, to);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        before(Op.FSYNC_DIRECTORY, dir);
        delegate.fsyncDirectory(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        before(Op.CREATE_DIRECTORIES, dir);
        delegate.createDirectories(dir);
    }

    @Override
    public boolean exists(Path path) {
        return delegate.exists(path);
    }

    @Override
    public long size(Path path) throws IOException {
        before(Op.SIZE, path);
        return delegate.size(path);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        before(Op.DELETE, path);
        return delegate.deleteIfExists(path);
    }

    @Override
    public void deleteRecursively(Path dir) throws IOException {
        before(Op.DELETE, dir);
        delegate.deleteRecursively(dir);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        before(Op.LIST, dir);
        return delegate.list(dir);
    }
}
