package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;

/** The SQL surface cases over the in-memory test catalog (one-row splits with exact statistics). */
class MemorySqlSurfaceTest extends SqlSurfaceSuite {
    @Override
    QueryCatalog newCatalog() {
        return new MemoryCatalog(1, true);
    }
}
