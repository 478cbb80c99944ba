package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.storage.vector.RowBatch;

/** The differential suite over the in-memory test catalog: one split per chunk, exact split statistics. */
class MemoryDifferentialTest extends DifferentialSuite {
    @Override
    QueryCatalog openCatalog() {
        return new MemoryCatalog(CHUNK_ROWS, true);
    }

    @Override
    void append(QueryCatalog catalog, String table, RowBatch chunk, int chunkIndex) {
        ((MemoryCatalog) catalog).appendChunk(table, chunk);
    }

    @Override
    int queries() {
        return 500;
    }
}
