package io.quiver.client;

import java.util.Objects;

/** A named, typed column of a table definition. */
public record ColumnDefinition(String name, ColumnType type) {
    public ColumnDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static ColumnDefinition of(String name, ColumnType type) {
        return new ColumnDefinition(name, type);
    }
}
