package io.quiver.query.exec;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The unchecked fast loop of a global SUM must give the exact total and still detect overflow. */
class DenseSumTest {
    private static long exact(long start, long[] v, int n) {
        BigInteger t = BigInteger.valueOf(start);
        for (int i = 0; i < n; i++) {
            t = t.add(BigInteger.valueOf(v[i]));
        }
        return t.longValueExact();
    }

    @Test
    void smallNonNegativeNegativeAndHugeValuesSumExactly() {
        SplittableRandom r = new SplittableRandom(7);
        long[][] ranges = {{0, 1L << 31}, {-1000, 1000}, {0, 1L << 40}, {-(1L << 50), 1L << 50}};
        for (long[] range : ranges) {
            long[] v = new long[4096];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextLong(range[0], range[1]);
            }
            for (long start : new long[] {0, 123, -(1L << 40)}) {
                assertEquals(exact(start, v, v.length), Accumulator.SumLong.sumDense(start, v, v.length));
                assertEquals(exact(start, v, 17), Accumulator.SumLong.sumDense(start, v, 17));
            }
        }
    }

    @Test
    void overflowIsDetectedOnEitherPath() {
        long[] small = {Integer.MAX_VALUE, Integer.MAX_VALUE, 5};
        assertThrows(ArithmeticException.class, () -> Accumulator.SumLong.sumDense(Long.MAX_VALUE - 10, small, 3));
        long[] huge = {Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2};
        assertThrows(ArithmeticException.class, () -> Accumulator.SumLong.sumDense(0, huge, 3));
        long[] cancelling = {Long.MAX_VALUE, -Long.MAX_VALUE, 1};
        assertEquals(1, Accumulator.SumLong.sumDense(0, cancelling, 3));
    }

    @Test
    void onlyZeroToNMinusOneCountsAsDense() {
        assertTrue(Accumulator.isIdentity(new int[] {0, 1, 2, 3}, 4));
        assertTrue(Accumulator.isIdentity(new int[] {0, 1, 2, 9}, 3));
        assertFalse(Accumulator.isIdentity(new int[] {0, 2, 3}, 3));
        assertFalse(Accumulator.isIdentity(new int[] {1, 2, 3}, 3));
        assertFalse(Accumulator.isIdentity(new int[0], 0));
    }
}
