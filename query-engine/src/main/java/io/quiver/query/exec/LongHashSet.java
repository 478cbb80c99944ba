package io.quiver.query.exec;

import java.util.Arrays;

/**
 * An open-addressing set of longs (linear probing, power-of-two capacity, load factor 1/2): what
 * COUNT(DISTINCT) of integer, date, timestamp, boolean and double (by normalised bits) values keeps
 * per group, with no object per value. One key value is reserved as the empty marker and tracked
 * by a flag instead.
 */
final class LongHashSet {
    private static final long EMPTY = Long.MIN_VALUE + 0x5A5A5A5AL;
    private long[] slots;
    private int size;
    private boolean hasEmptyKey;

    LongHashSet() {
        slots = new long[8];
        Arrays.fill(slots, EMPTY);
    }

    int size() {
        return size + (hasEmptyKey ? 1 : 0);
    }

    /** Adds {@code v}; returns true when it was not present. */
    boolean add(long v) {
        if (v == EMPTY) {
            boolean added = !hasEmptyKey;
            hasEmptyKey = true;
            return added;
        }
        int mask = slots.length - 1;
        int i = (int) Values.mix(v) & mask;
        while (true) {
            long s = slots[i];
            if (s == v) {
                return false;
            }
            if (s == EMPTY) {
                slots[i] = v;
                if (++size * 2 > slots.length) {
                    rehash();
                }
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    void addAll(LongHashSet other) {
        if (other.hasEmptyKey) {
            add(EMPTY);
        }
        for (long s : other.slots) {
            if (s != EMPTY) {
                add(s);
            }
        }
    }

    /** Calls {@code out} with every value, in no particular order. */
    void forEach(java.util.function.LongConsumer out) {
        if (hasEmptyKey) {
            out.accept(EMPTY);
        }
        for (long s : slots) {
            if (s != EMPTY) {
                out.accept(s);
            }
        }
    }

    long bytes() {
        return 32 + slots.length * 8L;
    }

    private void rehash() {
        long[] old = slots;
        slots = new long[old.length * 2];
        Arrays.fill(slots, EMPTY);
        size = 0;
        for (long s : old) {
            if (s != EMPTY) {
                add(s);
            }
        }
    }
}
