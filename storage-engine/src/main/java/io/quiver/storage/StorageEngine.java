package io.quiver.storage;

import io.quiver.storage.dedup.IdempotencyIndex;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.fs.FilesFacade;
import io.quiver.storage.table.Table;
import io.quiver.storage.table.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The storage engine of one data directory: the catalog of tables, and the background workers: one
 * flushes memtables, another compacts segments (so that a long merge never delays a flush).
 *
 * <p>Layout: {@code <root>/tables/<table>/} per table (see FORMAT.md). Creating a table builds it in
 * {@code tables/.creating-<name>} and renames it into place; dropping renames it to
 * {@code tables/.dropped-<name>-<n>} before deleting, so a crash never leaves half a table visible.
 * A lock file stops two processes from opening the same directory.
 */
public final class StorageEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageEngine.class);
    static final String TABLES_DIR = "tables";
    static final String LOCK_FILE = ".lock";

    private final Path root;
    private final Path tablesDir;
    private final FilesFacade fs;
    private final StorageConfig config;
    private final Map<String, Table> tables = new ConcurrentSkipListMap<>();
    private final Object catalogLock = new Object();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Thread background;
    /** Compacts on its own thread, so that a long merge never delays a flush (see Table's compactionLock). */
    private final Thread compactor;
    private final Object backgroundSignal = new Object();
    private volatile boolean closed;

    private StorageEngine(Path root, FilesFacade fs, StorageConfig config, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.tablesDir = root.resolve(TABLES_DIR);
        this.fs = fs;
        this.config = config;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.background = Thread.ofPlatform().name("quiver-storage-maintenance").daemon()
                .unstarted(() -> runBackground(t -> Tables.backgroundWork(t, System.nanoTime())));
        this.compactor = Thread.ofPlatform().name("quiver-storage-compaction").daemon()
                .unstarted(() -> runBackground(Tables::compactionWork));
    }

    public static StorageEngine open(Path root, StorageConfig config) throws IOException {
        return open(root, config, new DefaultFilesFacade(config.maxOpenFiles()));
    }

    /** Opens (creating if needed) the data directory and recovers every table. */
    public static StorageEngine open(Path root, StorageConfig config, FilesFacade fs) throws IOException {
        fs.createDirectories(root.resolve(TABLES_DIR));
        FileChannel ch = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this same process
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw StorageException.io("data directory is in use by another process [dir=" + root.toAbsolutePath() + ']', null);
        }
        StorageEngine engine = new StorageEngine(root, fs, config, ch, lock);
        try {
            engine.recover();
        } catch (IOException | RuntimeException e) {
            engine.close(false);
            throw e;
        }
        engine.background.start();
        engine.compactor.start();
        if (engine.tables.isEmpty()) {
            engine.warmUpIdempotencyIndex();
        }
        return engine;
    }

    private void recover() throws IOException {
        for (Path p : fs.list(tablesDir)) {
            String name = p.getFileName().toString();
            if (name.startsWith(".creating-") || name.startsWith(".dropped-")) {
                LOG.info("removing an interrupted table create/drop [dir={}]", p);
                fs.deleteRecursively(p);
                continue;
            }
            Table t = Tables.open(p, fs, config);
            tables.put(key(t.name()), t);
        }
        LOG.info("storage opened [dir={}, tables={}]", root.toAbsolutePath().normalize(), tables.size());
    }

    /**
     * Chronicle Map generates and compiles classes the first time a JVM opens a persisted map,
     * which takes seconds. With no table to recover, do it now in the background on a scratch map,
     * so the first table created (often auto-created by an ingest) does not pay it in its first ack.
     */
    private void warmUpIdempotencyIndex() {
        Thread.ofPlatform().name("quiver-dedup-warmup").daemon().start(() -> {
            // A scratch directory outside the data directory: nothing of the warm-up is ever data.
            Path scratchDir = null;
            try {
                scratchDir = java.nio.file.Files.createTempDirectory("quiver-warmup");
                try (IdempotencyIndex scratch = IdempotencyIndex.open(scratchDir.resolve("dedup.cm"), 16, 1)) {
                    scratch.lookup("warm-up"); // the heap value class is generated on a thread's first lookup
                    LOG.debug("idempotency index code generated");
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("idempotency index warm-up failed; the first table pays it instead", e);
            } finally {
                if (scratchDir != null) {
                    try {
                        DefaultFilesFacade.INSTANCE.deleteRecursively(scratchDir);
                    } catch (IOException ignored) {
                        // a leftover scratch directory in the temp dir is harmless
                    }
                }
            }
        });
    }

    public Path root() {
        return root;
    }

    public StorageConfig config() {
        return config;
    }

    public FilesFacade files() {
        return fs;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    public List<Table> tables() {
        return new ArrayList<>(tables.values());
    }

    public List<String> tableNames() {
        return tables.values().stream().map(Table::name).toList();
    }

    public Optional<Table> table(String name) {
        return Optional.ofNullable(tables.get(key(name)));
    }

    public Table tableOrThrow(String name) {
        Table t = tables.get(key(name));
        if (t == null) {
            throw StorageException.tableDoesNotExist(name);
        }
        return t;
    }

    public Table createTable(TableSchema schema) throws IOException {
        return createTable(schema, config.durability());
    }

    /** Creates a table; fails ALREADY_EXISTS if one of that name (case-insensitive) exists. */
    public Table createTable(TableSchema schema, Durability durability) throws IOException {
        synchronized (catalogLock) {
            ensureOpen();
            if (tables.containsKey(key(schema.name()))) {
                throw StorageException.alreadyExists("table already exists [table=" + schema.name() + ']');
            }
            Path staging = tablesDir.resolve(".creating-" + schema.name());
            fs.deleteRecursively(staging);
            Path target = tablesDir.resolve(schema.name());
            if (fs.exists(target)) {
                throw StorageException.alreadyExists("a directory of that name exists but is not an open table [dir=" + target + ']');
            }
            Table t;
            boolean moved = false;
            try {
                Tables.initialise(staging, fs, schema, durability);
                fs.atomicMove(staging, target);
                moved = true;
                fs.fsyncDirectory(tablesDir);
                t = Tables.open(target, fs, config);
            } catch (IOException | RuntimeException e) {
                fs.deleteRecursively(moved ? target : staging);
                throw e;
            }
            tables.put(key(schema.name()), t);
            LOG.info("table created [table={}, columns={}]", schema.name(), schema.columnCount());
            return t;
        }
    }

    /** Drops a table and deletes its files. Open scans keep reading what they pinned. */
    public void dropTable(String name) throws IOException {
        synchronized (catalogLock) {
            ensureOpen();
            Table t = tables.remove(key(name));
            if (t == null) {
                throw StorageException.tableDoesNotExist(name);
            }
            Tables.closeWithoutFlush(t);
            Path dir = tablesDir.resolve(t.name());
            Path doomed = tablesDir.resolve(".dropped-" + t.name() + '-' + System.nanoTime());
            fs.atomicMove(dir, doomed);
            fs.fsyncDirectory(tablesDir);
            fs.deleteRecursively(doomed);
            LOG.info("table dropped [table={}]", t.name());
        }
    }

    public TableSchema addColumn(String table, ColumnDef column) throws IOException {
        synchronized (catalogLock) {
            ensureOpen();
            return tableOrThrow(table).addColumn(column);
        }
    }

    /** Flushes every table's memtable now. */
    public void flushAll() throws IOException {
        for (Table t : tables()) {
            t.flush();
        }
    }

    private void runBackground(java.util.function.Consumer<Table> work) {
        while (!closed) {
            for (Table t : tables()) {
                if (closed) {
                    break;
                }
                work.accept(t);
            }
            synchronized (backgroundSignal) {
                if (!closed) {
                    try {
                        backgroundSignal.wait(config.backgroundIntervalMs());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw StorageException.closed("storage engine is closed [dir=" + root + ']');
        }
    }

    /** Flushes every memtable, closes every table and releases the directory lock. */
    @Override
    public void close() {
        close(true);
    }

    /** Closes; without {@code flush} the memtables are dropped and the WAL replays them at next open. */
    public void close(boolean flush) {
        synchronized (catalogLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Wake, never interrupt: an interrupt closes a FileChannel mid-write (ClosedByInterruptException)
        // and would turn an orderly stop into a failed flush or compaction.
        synchronized (backgroundSignal) {
            backgroundSignal.notifyAll();
        }
        try {
            background.join(30_000);
            compactor.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Table t : tables.values()) {
            try {
                if (flush) {
                    t.close();
                } else {
                    Tables.closeWithoutFlush(t);
                }
            } catch (RuntimeException e) {
                LOG.error("closing table failed [table={}]", t.name(), e);
            }
        }
        tables.clear();
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("releasing the data directory lock failed", e);
        }
        LOG.info("storage closed [dir={}]", root.toAbsolutePath().normalize());
    }
}
