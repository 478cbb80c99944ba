package io.quiver.query.exec;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The set against {@link HashSet} through both layouts and the moves between them: dense runs that
 * then scatter, scattered values that then fill a range, the ends of the long range (where a window
 * offset would overflow), the value the hashed layout reserves as its empty marker, and merges.
 */
class LongHashSetTest {
    private static final long EMPTY_MARKER = Long.MIN_VALUE + 0x5A5A5A5AL;

    @Test
    void agreesWithHashSetThroughEveryLayout() {
        for (long seed = 1; seed <= 60; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            LongHashSet set = new LongHashSet();
            Set<Long> expected = new HashSet<>();
            int phases = 1 + r.nextInt(4);
            for (int p = 0; p < phases; p++) {
                int n = r.nextInt(20_000);
                int kind = r.nextInt(6);
                long origin = switch (r.nextInt(5)) {
                    case 0 -> Long.MIN_VALUE;
                    case 1 -> Long.MAX_VALUE - 100_000;
                    case 2 -> EMPTY_MARKER - 5_000;
                    default -> r.nextLong(-1_000_000, 1_000_000);
                };
                for (int i = 0; i < n; i++) {
                    long v = switch (kind) {
                        case 0 -> origin + r.nextLong(1_000);               // dense
                        case 1 -> origin + r.nextLong(100_000);             // dense enough once many
                        case 2 -> r.nextLong();                             // scattered
                        case 3 -> origin + i;                               // a growing run
                        case 4 -> r.nextBoolean() ? Long.MIN_VALUE + r.nextInt(64) : Long.MAX_VALUE - r.nextInt(64);
                        default -> origin - i * 7L;                         // a run growing downwards
                    };
                    assertEquals(expected.add(v), set.add(v), "seed " + seed + " value " + v);
                }
                assertEquals(expected.size(), set.size(), "seed " + seed);
            }
            Set<Long> listed = new HashSet<>();
            set.forEach(v -> assertEquals(true, listed.add(v), "listed twice: " + v));
            assertEquals(expected, listed, "seed " + seed);
        }
    }

    @Test
    void mergesAcrossLayouts() {
        SplittableRandom r = new SplittableRandom(3);
        LongHashSet dense = new LongHashSet();
        LongHashSet scattered = new LongHashSet();
        Set<Long> expected = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            long d = 1_000 + r.nextLong(200_000);
            long s = r.nextLong();
            dense.add(d);
            scattered.add(s);
            expected.add(d);
            expected.add(s);
        }
        dense.add(EMPTY_MARKER);
        expected.add(EMPTY_MARKER);
        LongHashSet a = new LongHashSet();
        a.addAll(dense);
        a.addAll(scattered);
        LongHashSet b = new LongHashSet();
        b.addAll(scattered);
        b.addAll(dense);
        for (LongHashSet merged : new LongHashSet[] {a, b}) {
            assertEquals(expected.size(), merged.size());
            Set<Long> listed = new HashSet<>();
            merged.forEach(listed::add);
            assertEquals(expected, listed);
        }
    }

    @Test
    void denseIdsStayInABitmap() {
        LongHashSet set = new LongHashSet();
        for (long i = 0; i < 2_000_000; i++) {
            set.add(i * 7919 % 400_000); // every id five times, in a scattered order
        }
        assertEquals(400_000, set.size());
        // 400 000 ids in a bitmap: 64 KiB at most, where the hashed layout would need 8 MiB
        assertEquals(true, set.bytes() <= 80_000, "bytes " + set.bytes());
    }

    /** A window at the top of the long range, rounded up past Long.MAX_VALUE, must not take in values at the bottom. */
    @Test
    void windowAtTheTopDoesNotWrapToTheBottom() {
        LongHashSet set = new LongHashSet();
        Set<Long> expected = new HashSet<>();
        for (long v = Long.MAX_VALUE - 3_000; v < Long.MAX_VALUE; v++) {
            set.add(v);
            expected.add(v);
        }
        for (long v = Long.MIN_VALUE; v < Long.MIN_VALUE + 200; v++) {
            assertEquals(true, set.add(v), "value " + v);
            expected.add(v);
        }
        assertEquals(expected.size(), set.size());
        Set<Long> listed = new HashSet<>();
        set.forEach(listed::add);
        assertEquals(expected, listed);
    }
}
