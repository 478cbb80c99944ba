package io.quiver.query.exec;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The word-at-a-time substring search behind {@code LIKE '%x%'} agrees with a plain search. */
class LikeSearchTest {
    private static int naive(byte[] b, int from, int to, byte[] m) {
        outer:
        for (int p = from; p + m.length <= to; p++) {
            for (int q = 0; q < m.length; q++) {
                if (b[p + q] != m[q]) {
                    continue outer;
                }
            }
            return p;
        }
        return -1;
    }

    @Test
    void findsTheFirstMatchAnywhereInAnyRange() {
        long seed = 20261123;
        SplittableRandom r = new SplittableRandom(seed);
        for (int round = 0; round < 20_000; round++) {
            int alphabet = 1 + r.nextInt(4); // small alphabets: many partial matches and repeats
            byte[] b = new byte[r.nextInt(60)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (r.nextBoolean() ? 'a' + r.nextInt(alphabet) : 0x80 + r.nextInt(alphabet)); // high bytes too
            }
            byte[] m = new byte[1 + r.nextInt(5)];
            for (int i = 0; i < m.length; i++) {
                m[i] = (byte) (r.nextBoolean() ? 'a' + r.nextInt(alphabet) : 0x80 + r.nextInt(alphabet));
            }
            int from = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            int to = from + r.nextInt(b.length - from + 1);
            assertEquals(naive(b, from, to, m), RowKernels.indexOf(b, from, to, m), "seed " + seed + " round " + round);
        }
    }
}
