package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.StorageEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The hand-written cases over the real storage engine: the fixture rows are flushed into segments
 * (one per day partition) before each test; rows a test inserts stay in the memtable.
 */
class StorageQueryEngineTest extends QueryEngineSuite {
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
