package io.quiver.storage.table;

import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.TableSchema;
import io.quiver.storage.fs.FilesFacade;

import java.io.IOException;
import java.nio.file.Path;

/** The catalog's entry points into the table package (creation, recovery, background work). */
public final class Tables {
    private Tables() {
    }

    /** Writes a new table's files into {@code dir} without opening it. */
    public static void initialise(Path dir, FilesFacade fs, TableSchema schema, Durability durability) throws IOException {
        fs.createDirectories(dir);
        fs.createDirectories(dir.resolve(Table.WAL_DIR));
        fs.writeAtomically(dir.resolve(TableMetaFile.FILE_NAME), TableMetaFile.encode(new TableMetaFile.TableMeta(schema, durability)));
        fs.writeAtomically(dir.resolve(Manifest.FILE_NAME), Manifest.empty().encode());
    }

    public static Table open(Path dir, FilesFacade fs, StorageConfig config) throws IOException {
        return Table.open(dir, fs, config);
    }

    public static void backgroundWork(Table t, long nowNanos) {
        t.doBackgroundWork(nowNanos);
    }

    public static void compactionWork(Table t) {
        t.doCompactionWork();
    }

    public static void closeWithoutFlush(Table t) {
        t.close(false);
    }
}
