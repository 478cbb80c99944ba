package io.quiver.storage.segment;

import io.quiver.storage.ColumnType;

/**
 * How the values of one column in one block are laid out before compression. The encoder picks one
 * per block by analysing the values; the id is written to disk and must never be renumbered.
 */
public enum Encoding {
    /** Raw values: 8 bytes per row for LONG/DOUBLE physical types; lengths + bytes for VARCHAR. */
    PLAIN(0),
    /** Every row holds the same value, stored once. */
    CONSTANT(1),
    /** Frame of reference: a base (the minimum) plus each value's offset bit-packed at a fixed width. */
    FOR_BITPACK(2),
    /** The first value, then every difference to the previous value, frame-of-reference bit-packed. */
    DELTA_BITPACK(3),
    /** VARCHAR: the distinct values sorted ascending, plus one bit-packed code per row. */
    DICTIONARY(4),
    /**
     * DOUBLE with at least half its rows NULL: the non-null rows' raw values only, in row order (the
     * null bitmap places them). Format version 2.
     */
    SPARSE(5);

    private static final Encoding[] BY_ID = {PLAIN, CONSTANT, FOR_BITPACK, DELTA_BITPACK, DICTIONARY, SPARSE};

    private final byte id;

    Encoding(int id) {
        this.id = (byte) id;
    }

    public byte id() {
        return id;
    }

    /** The encoding with this id, or null when unknown. */
    static Encoding fromIdOrNull(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** Whether a block of {@code type} may use this encoding. */
    boolean appliesTo(ColumnType type) {
        return switch (type.physical()) {
            case LONG -> this != DICTIONARY && this != SPARSE;
            case DOUBLE -> this == PLAIN || this == CONSTANT || this == SPARSE;
            case BYTES -> this == PLAIN || this == DICTIONARY;
        };
    }
}
