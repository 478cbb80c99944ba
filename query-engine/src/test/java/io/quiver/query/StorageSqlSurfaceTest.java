package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.StorageEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The SQL surface cases over real segments: the fixture is flushed (one segment per day partition,
 * strings dictionary-coded, so string kernels run their per-dictionary-entry paths); rows a test
 * inserts stay in the memtable.
 */
class StorageSqlSurfaceTest extends SqlSurfaceSuite {
    @TempDir
    Path dir;
    private StorageEngine storage;

    @Override
    QueryCatalog newCatalog() throws Exception {
        storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig());
        return new StorageQueryCatalog(storage);
    }

    @Override
    void fixtureLoaded() throws Exception {
        storage.flushAll();
    }

    @Override
    void closeCatalog() {
        storage.close();
    }
}
