package io.quiver.query.exec;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Grouped SUM/AVG and COUNT(x) over arguments with NULLs mixed in at several densities (none, a
 * few, most), under selection vectors: each group's sum is the same additions in the same order as
 * a row-by-row loop (bit for bit), and NULLs are neither added nor counted.
 */
class GroupedSumTest {
    @Test
    void sumsAndCountsSkipNullsInRowOrder() {
        SplittableRandom r = new SplittableRandom(4);
        for (ColumnType type : new ColumnType[] {ColumnType.DOUBLE, ColumnType.BIGINT}) {
            for (int nullPercent : new int[] {0, 6, 94, 100}) {
                int groups = 13;
                Accumulator.SumDouble sum = new Accumulator.SumDouble(false);
                Accumulator.Count count = new Accumulator.Count(false);
                sum.ensure(groups);
                count.ensure(groups);
                double[] expectedSum = new double[groups];
                long[] expectedCount = new long[groups];
                for (int b = 0; b < 20; b++) {
                    int size = 1 + r.nextInt(Batch.MAX_ROWS);
                    ColumnVector v = new ColumnVector(type, size);
                    for (int i = 0; i < size; i++) {
                        if (r.nextInt(100) < nullPercent) {
                            v.appendNull();
                        } else if (type == ColumnType.DOUBLE) {
                            v.appendDouble(r.nextDouble(-1e6, 1e6));
                        } else {
                            v.appendLong(r.nextLong(-1_000_000, 1_000_000));
                        }
                    }
                    int[] idx = new int[size];
                    int n = 0;
                    for (int i = 0; i < size; i++) {
                        if (b % 2 == 0 || r.nextBoolean()) {
                            idx[n++] = i;
                        }
                    }
                    int[] gids = new int[n];
                    for (int k = 0; k < n; k++) {
                        gids[k] = r.nextInt(groups);
                        int i = idx[k];
                        if (!v.nulls[i]) {
                            expectedSum[gids[k]] += type == ColumnType.DOUBLE ? v.doubles[i] : (double) v.longs[i];
                            expectedCount[gids[k]]++;
                        }
                    }
                    sum.add(gids, v, idx, n);
                    count.add(gids, v, idx, n);
                }
                ColumnVector sums = new ColumnVector(ColumnType.DOUBLE, groups);
                ColumnVector counts = new ColumnVector(ColumnType.BIGINT, groups);
                sum.output(0, groups, sums);
                count.output(0, groups, counts);
                for (int g = 0; g < groups; g++) {
                    String at = type + " nulls " + nullPercent + "% group " + g;
                    assertEquals(expectedCount[g], counts.longs[g], at);
                    assertEquals(expectedCount[g] == 0, sums.nulls[g], at);
                    if (expectedCount[g] > 0) {
                        assertEquals(Double.doubleToLongBits(expectedSum[g]), Double.doubleToLongBits(sums.doubles[g]), at);
                    }
                }
            }
        }
    }
}
