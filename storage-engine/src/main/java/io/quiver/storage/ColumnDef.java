package io.quiver.storage;

import java.util.Objects;

/** A named, typed, nullable column. */
public record ColumnDef(String name, ColumnType type) {
    public static final int MAX_NAME_LENGTH = 127;

    public ColumnDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        validateName(name, "column");
    }

    /** Names are identifiers: letters, digits, underscore; not starting with a digit. */
    public static void validateName(String name, String what) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw StorageException.invalid(what + " name must be 1.." + MAX_NAME_LENGTH + " characters [name=" + name + ']');
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                throw StorageException.invalid(what + " name may hold only letters, digits and '_' and must not start with a digit [name=" + name + ']');
            }
        }
    }
}
