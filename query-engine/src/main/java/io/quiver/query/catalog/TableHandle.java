package io.quiver.query.catalog;

import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.TableScan;

/** One table: its current schema and a way to open a consistent snapshot for reading. */
public interface TableHandle {
    TableSchema schema();

    /** A snapshot of the table; the caller closes it when the query ends. */
    TableScan openScan();
}
