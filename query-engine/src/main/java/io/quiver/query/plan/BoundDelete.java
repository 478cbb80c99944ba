package io.quiver.query.plan;

import io.quiver.query.catalog.TableHandle;
import io.quiver.storage.TableSchema;

/**
 * A DELETE bound against its table: {@code columns} are the table columns its condition reads (in
 * ascending schema order) and {@code condition} is a BOOLEAN expression whose column references are
 * positions in {@code columns}. A null condition deletes every row; a row whose condition is NULL
 * or FALSE stays.
 */
public record BoundDelete(TableHandle handle, TableSchema schema, int[] columns, Expr condition) {
    /** The bound table read through {@code columns}, filtered by the condition (what the zone-map rules derive from). */
    public Plan.Scan asScan() {
        java.util.List<Field> fields = new java.util.ArrayList<>();
        for (int c : columns) {
            fields.add(new Field(schema.name(), schema.column(c).name(), schema.column(c).type()));
        }
        return new Plan.Scan(schema.name(), handle, schema, columns, condition, fields);
    }
}
