package io.quiver.query.exec;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.Test;

import java.util.List;
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
                    int[] idx = selection(r, size, b % 2 == 0);
                    int n = idx.length;
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

    /**
     * Sums per key slot after {@code GroupTable.countRows} ({@code SumDouble.addKeyed}): the same
     * bits per group as {@code add} over the group ids {@code findOrInsert} gives, for dictionary
     * keys (with NULL keys, selections, a dictionary naming one string twice so two codes share a
     * group) and small-range integer keys, arguments with no, some, most and only NULLs.
     */
    @Test
    void keyedSumsMatchRowByRowBitForBit() {
        SplittableRandom r = new SplittableRandom(12);
        for (ColumnType keyType : new ColumnType[] {ColumnType.VARCHAR, ColumnType.BIGINT}) {
            GroupTable keyed = new GroupTable(new ColumnType[] {keyType});
            GroupTable plain = new GroupTable(new ColumnType[] {keyType});
            Accumulator.SumDouble fast = new Accumulator.SumDouble(false);
            Accumulator.SumDouble slow = new Accumulator.SumDouble(false);
            long[] scratch = new long[1];
            for (int b = 0; b < 40; b++) {
                int nullPercent = new int[] {0, 6, 94, 100}[b % 4];
                int size = 50 + r.nextInt(Batch.MAX_ROWS - 50);
                ColumnVector key = new ColumnVector(keyType, size);
                List<String> entries = List.of("DE", "", "Österreich", "日本", b % 3 == 0 ? "DE" : "US");
                if (keyType == ColumnType.VARCHAR) {
                    key.dictionary = new ColumnVector(ColumnType.VARCHAR, entries.size());
                    entries.forEach(key.dictionary::appendString);
                    key.dictCodes = new int[size];
                }
                ColumnVector arg = new ColumnVector(ColumnType.DOUBLE, size);
                for (int i = 0; i < size; i++) {
                    if (r.nextInt(12) == 0) {
                        key.appendNull();
                    } else if (keyType == ColumnType.VARCHAR) {
                        int code = r.nextInt(entries.size());
                        key.appendString(entries.get(code));
                        key.dictCodes[i] = code;
                    } else {
                        key.appendLong(r.nextInt(9) - 4); // near 0, the value a NULL slot holds: the range stays small
                    }
                    if (r.nextInt(100) < nullPercent) {
                        arg.appendNull();
                    } else {
                        arg.appendDouble(r.nextDouble(-1e6, 1e6));
                    }
                }
                int[] idx = selection(r, size, b % 2 == 0);
                int n = idx.length;
                int[] gids = new int[n];
                plain.findOrInsert(new ColumnVector[] {key}, idx, n, gids, scratch);
                slow.ensure(plain.size());
                slow.add(gids, arg, idx, n);
                int met = keyed.countRows(new ColumnVector[] {key}, idx, n, scratch);
                assertEquals(true, met > 0, "batch " + b + " counted");
                fast.ensure(keyed.size());
                fast.addKeyed(arg, idx, n, keyed, key, keyed.countedGroups(), keyed.countedSlots(), met, keyed.countedSlotCount());
            }
            assertEquals(plain.size(), keyed.size());
            assertEquals(sumsByKey(plain, slow, keyType), sumsByKey(keyed, fast, keyType), keyType.toString());
        }
    }

    /** Each group's key (as text, "NULL" for NULL) -> its sum's bits (null for a NULL sum). */
    private static java.util.Map<String, Long> sumsByKey(GroupTable table, Accumulator.SumDouble sum, ColumnType keyType) {
        int groups = table.size();
        ColumnVector keys = new ColumnVector(keyType, groups);
        table.writeKeys(0, 0, groups, keys);
        ColumnVector sums = new ColumnVector(ColumnType.DOUBLE, groups);
        sum.output(0, groups, sums);
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (int g = 0; g < groups; g++) {
            String k = keys.nulls[g] ? "NULL" : keyType == ColumnType.VARCHAR ? "'" + keys.getString(g) + "'" : Long.toString(keys.longs[g]);
            assertEquals(null, out.put(k, sums.nulls[g] ? null : Double.doubleToLongBits(sums.doubles[g])), "one group per key " + k);
        }
        return out;
    }

    /**
     * A whole block into one group (AVG over a table): summed as one exact long when the values
     * are small, the same bits as the additions row by row; large and negative values, NULLs and
     * selections on the other paths. MIN and MAX over the same blocks against a loop.
     */
    @Test
    void wholeBlocksIntoOneGroupMatchRowByRow() {
        SplittableRandom r = new SplittableRandom(8);
        long[][] ranges = {{0, 1L << 31}, {-(1L << 31), 1L << 31}, {-(1L << 40), 1L << 40}, {Long.MIN_VALUE / 4, Long.MAX_VALUE / 4}};
        for (long[] range : ranges) {
            Accumulator.SumDouble avg = new Accumulator.SumDouble(true);
            Accumulator.Extreme min = new Accumulator.Extreme(ColumnType.BIGINT, io.quiver.query.plan.AggFn.MIN);
            Accumulator.Extreme max = new Accumulator.Extreme(ColumnType.BIGINT, io.quiver.query.plan.AggFn.MAX);
            avg.ensure(1);
            min.ensure(1);
            max.ensure(1);
            double sum = 0;
            long count = 0;
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (int b = 0; b < 30; b++) {
                int size = 1 + r.nextInt(Batch.MAX_ROWS);
                ColumnVector v = new ColumnVector(ColumnType.BIGINT, size);
                boolean withNulls = b % 5 == 4;
                for (int i = 0; i < size; i++) {
                    if (withNulls && r.nextInt(10) == 0) {
                        v.appendNull();
                    } else {
                        v.appendLong(r.nextLong(range[0], range[1]));
                    }
                }
                int[] idx = b % 7 == 6 ? java.util.stream.IntStream.range(0, size).filter(i -> i % 3 != 0).toArray() : Batch.identity(size);
                int n = b % 7 == 6 ? idx.length : size;
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    if (!v.nulls[i]) {
                        sum += (double) v.longs[i];
                        count++;
                        lo = Math.min(lo, v.longs[i]);
                        hi = Math.max(hi, v.longs[i]);
                    }
                }
                assertEquals(true, avg.addAll(0, v, idx, n));
                assertEquals(true, min.addAll(0, v, idx, n));
                assertEquals(true, max.addAll(0, v, idx, n));
            }
            ColumnVector out = new ColumnVector(ColumnType.DOUBLE, 1);
            avg.output(0, 1, out);
            ColumnVector mins = new ColumnVector(ColumnType.BIGINT, 1);
            ColumnVector maxes = new ColumnVector(ColumnType.BIGINT, 1);
            min.output(0, 1, mins);
            max.output(0, 1, maxes);
            String at = "range " + range[0] + ".." + range[1];
            if (range[1] <= 1L << 40) {
                // sums below 2^53: exact either way, so the same bits
                assertEquals(Double.doubleToLongBits(sum / count), Double.doubleToLongBits(out.doubles[0]), at);
            } else {
                assertEquals(sum / count, out.doubles[0], Math.abs(sum / count) * 1e-9, at);
            }
            assertEquals(lo, mins.longs[0], at);
            assertEquals(hi, maxes.longs[0], at);
        }
    }

    /** Every row of a batch, or (when not {@code all}) a random half of them, in order: a selection vector. */
    private static int[] selection(SplittableRandom r, int size, boolean all) {
        int[] idx = new int[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (all || r.nextBoolean()) {
                idx[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(idx, n);
    }
}
