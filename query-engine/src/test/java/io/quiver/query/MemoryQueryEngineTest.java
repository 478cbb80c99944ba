package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;

/** The hand-written cases over the in-memory test catalog (3-row splits, exact statistics). */
class MemoryQueryEngineTest extends QueryEngineSuite {
    @Override
    QueryCatalog newCatalog() {
        return new MemoryCatalog(3, true);
    }
}
