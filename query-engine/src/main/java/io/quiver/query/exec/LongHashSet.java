package io.quiver.query.exec;

import java.util.Arrays;

/**
 * A set of longs: what COUNT(DISTINCT) of integer, date, timestamp, boolean and double (by
 * normalised bits) values keeps per group, with no object per value.
 *
 * <p>Two layouts, chosen by the values seen. <b>Dense</b>: a bitmap over a window of consecutive
 * values, one bit per value, while the window stays small against the number of values (ids,
 * counters, dates: a bit each instead of two 8-byte slots, so a set of 400 000 user ids is 50 KB that
 * stays in cache instead of 8 MB that does not). <b>Hashed</b>: open addressing (linear probing,
 * power-of-two capacity, load factor 1/2), one key value reserved as the empty marker and tracked by
 * a flag instead. A set starts dense and turns hashed when a value would stretch the window past
 * {@link #DENSITY} bits per value; a hashed set turns dense again when it grows while its values
 * have become that dense.
 */
final class LongHashSet {
    private static final long EMPTY = Long.MIN_VALUE + 0x5A5A5A5AL;
    /** Window bits allowed per value held (a hashed value costs 128 bits of table at load 1/2). */
    private static final long DENSITY = 32;
    /** A window this small is always allowed, however few the values (the 8 slots a hashed set starts with). */
    private static final long MIN_DENSE_BITS = 512;
    /** And never larger than this (8 MiB of bitmap). */
    private static final long MAX_DENSE_BITS = 1L << 26;

    /** Dense layout: bit {@code v - base} of {@code bits} is set for every value {@code v} held; null when hashed. */
    private long[] bits;
    /** The value of bit 0 of {@link #bits}; a multiple of 64 so windows shift by whole words. */
    private long base;
    private boolean anyDense;

    /** Hashed layout; null when dense. */
    private long[] slots;
    private boolean hasEmptyKey;
    /** Values held (either layout, the empty marker's value included). */
    private int size;
    /** Smallest and largest value held (valid when size > 0): tell when a hashed set has become dense. */
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    LongHashSet() {
        bits = new long[1];
    }

    int size() {
        return size;
    }

    /** Adds {@code v}; returns true when it was not present. */
    boolean add(long v) {
        long[] b = bits;
        if (b != null) {
            long off = v - base;
            // v >= base: the unsigned difference is exact, so no far-away value wraps into the window
            if (anyDense && v >= base && Long.compareUnsigned(off, (long) b.length << 6) < 0) {
                int w = (int) (off >>> 6);
                long word = b[w];
                long bit = 1L << off;
                if ((word & bit) != 0) {
                    return false;
                }
                b[w] = word | bit;
                size++;
                min = Math.min(min, v);
                max = Math.max(max, v);
                return true;
            }
            return addOutsideWindow(v);
        }
        return addHashed(v);
    }

    private boolean addOutsideWindow(long v) {
        if (!anyDense) {
            base = v & ~63L;
            anyDense = true;
            Arrays.fill(bits, 0);
            min = v;
            max = v;
            bits[0] = 1L << (v - base);
            size = 1;
            return true;
        }
        long lo = Math.min(min, v);
        long hi = Math.max(max, v);
        long newBase = lo & ~63L;
        // hi >= newBase, so the unsigned difference is the true span even where a signed one would overflow
        long span = hi - newBase + 1;
        if (span != 0 && Long.compareUnsigned(span, denseLimit(size + 1)) <= 0) {
            regrowWindow(newBase, span);
            return add(v);
        }
        toHashed();
        return addHashed(v);
    }

    /** The largest window a dense set of {@code values} values may keep. */
    private static long denseLimit(long values) {
        return Math.min(MAX_DENSE_BITS, Math.max(MIN_DENSE_BITS, values * DENSITY));
    }

    /**
     * Moves the bitmap to start at {@code newBase} (<= base) and cover at least {@code span} bits,
     * rounded up to a power of two words so that a window growing one value at a time copies rarely.
     * Every value held lies in [min, max], inside the new window.
     */
    private void regrowWindow(long newBase, long span) {
        long need = (span + 63) >>> 6;
        long words = Math.min(MAX_DENSE_BITS >>> 6, need <= 1 ? 1 : Long.highestOneBit(need - 1) << 1);
        long[] grown = new long[(int) words];
        int shift = (int) ((base - newBase) >>> 6);
        if (anyDense) {
            System.arraycopy(bits, 0, grown, shift, Math.min(bits.length, grown.length - shift));
        }
        bits = grown;
        base = newBase;
    }

    private void toHashed() {
        long[] dense = bits;
        long from = base;
        bits = null;
        anyDense = false;
        slots = new long[Math.max(8, Integer.highestOneBit(Math.max(1, size)) << 2)];
        Arrays.fill(slots, EMPTY);
        int held = size;
        size = 0;
        long lo = min;
        long hi = max;
        for (int w = 0; w < dense.length; w++) {
            long word = dense[w];
            while (word != 0) {
                addHashed(from + ((long) w << 6) + Long.numberOfTrailingZeros(word));
                word &= word - 1;
            }
        }
        assert size == held;
        min = lo;
        max = hi;
    }

    private boolean addHashed(long v) {
        if (v == EMPTY) {
            boolean added = !hasEmptyKey;
            hasEmptyKey = true;
            if (added) {
                size++;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
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
                size++;
                min = Math.min(min, v);
                max = Math.max(max, v);
                if ((size - (hasEmptyKey ? 1 : 0)) * 2 > slots.length) {
                    grow();
                }
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    /** A full hashed table: becomes dense when its values now are, else doubles. */
    private void grow() {
        long newBase = min & ~63L;
        long span = max - newBase + 1;
        if (span != 0 && Long.compareUnsigned(span, denseLimit(size)) <= 0) {
            long[] old = slots;
            boolean empty = hasEmptyKey;
            slots = null;
            hasEmptyKey = false;
            anyDense = true;
            base = newBase;
            bits = new long[1];
            regrowWindow(newBase, span);
            int held = size;
            size = 0;
            for (long s : old) {
                if (s != EMPTY) {
                    add(s);
                }
            }
            if (empty) {
                add(EMPTY);
            }
            assert size == held;
            return;
        }
        long[] old = slots;
        long[] table = new long[old.length * 2];
        Arrays.fill(table, EMPTY);
        int mask = table.length - 1;
        // every value is distinct and the table has room: place each without the lookup of add
        for (long s : old) {
            if (s != EMPTY) {
                int i = (int) Values.mix(s) & mask;
                while (table[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                table[i] = s;
            }
        }
        slots = table;
    }

    /**
     * Loads the word or slot {@code v} would be looked up in and returns it: called for many sets
     * before adding to them, so those loads' cache misses overlap instead of following one another.
     */
    long touch(long v) {
        long[] b = bits;
        if (b != null) {
            long off = v - base;
            return b[(int) ((off >>> 6) & (b.length - 1))];
        }
        long[] t = slots;
        return t[(int) Values.mix(v) & (t.length - 1)];
    }

    void addAll(LongHashSet other) {
        other.forEach(this::add);
    }

    /** Calls {@code out} with every value, in no particular order. */
    void forEach(java.util.function.LongConsumer out) {
        if (bits != null) {
            if (!anyDense) {
                return;
            }
            for (int w = 0; w < bits.length; w++) {
                long word = bits[w];
                while (word != 0) {
                    out.accept(base + ((long) w << 6) + Long.numberOfTrailingZeros(word));
                    word &= word - 1;
                }
            }
            return;
        }
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
        return 48 + (bits != null ? bits.length * 8L : slots.length * 8L);
    }
}
