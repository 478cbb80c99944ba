package io.quiver.server.ingest;

import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a whole table back through the storage scan API, as maps of column name to value (null = NULL). */
final class TableContents {
    private TableContents() {
    }

    static List<Map<String, Object>> read(Table table, String orderBy) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (TableScan scan = table.openScan()) {
            TableSchema schema = scan.schema();
            int[] cols = new int[schema.columnCount()];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = i;
            }
            for (ScanSplit split : scan.splits()) {
                try (ScanCursor cursor = split.open(cols, ScanPredicate.ALL)) {
                    RowBatch out = new RowBatch(schema.columns(), cursor.maxBatchRows());
                    while (cursor.next(out)) {
                        for (int r = 0; r < out.rowCount(); r++) {
                            Map<String, Object> row = new LinkedHashMap<>();
                            for (int c = 0; c < cols.length; c++) {
                                row.put(schema.column(c).name(), out.column(c).getObject(r));
                            }
                            rows.add(row);
                        }
                    }
                }
            }
        }
        rows.sort(Comparator.comparing(r -> (Comparable) r.get(orderBy), Comparator.nullsFirst(Comparator.naturalOrder())));
        return rows;
    }
}
