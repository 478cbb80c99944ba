package io.quiver.query.plan;

import io.quiver.storage.ColumnType;

/** A named, typed output column of a plan node. {@code table} is the alias that qualifies it, or null. */
public record Field(String table, String name, ColumnType type) {
    public Field withTable(String alias) {
        return new Field(alias, name, type);
    }
}
