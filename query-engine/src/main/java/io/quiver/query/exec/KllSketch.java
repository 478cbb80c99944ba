package io.quiver.query.exec;

import java.util.Arrays;

/**
 * A KLL quantile sketch (Karnin, Lang, Liberty 2016) over doubles: what {@code approx_quantile}
 * keeps per group. Level {@code h} holds items of weight 2^h; when the sketch is over capacity, the
 * lowest full level is sorted and every other item (starting at a coin-flip offset) moves up a level
 * with twice the weight. Capacities shrink geometrically (factor 2/3) below the top level, so the
 * sketch holds about {@code 3k} items whatever the input size.
 *
 * <p>Error bound: with {@link #K} = 200 the rank of the returned value differs from {@code q·n} by
 * at most about 1.65% of n with 99% probability (the KLL bound; {@code KllSketchTest} checks 1.65%
 * over seeded inputs of several distributions, orders and merge trees). Coin flips come from a
 * per-sketch seeded generator, so one input order always gives one answer. Exact while n <= K.
 */
final class KllSketch {
    static final int K = 200;
    private static final double SHRINK = 2.0 / 3.0;

    /** levels[h][0 .. sizes[h]) are the items of level h (level 0 unsorted). */
    private double[][] levels = new double[1][];
    private int[] sizes = new int[1];
    private long count;
    private long coin = 0x9E3779B97F4A7C15L;

    KllSketch() {
        levels[0] = new double[8];
    }

    long count() {
        return count;
    }

    void add(double x) {
        append(0, x);
        count++;
        if (sizes[0] >= capacity(0)) {
            compress();
        }
    }

    /** Folds {@code other} in; {@code other} is not changed. */
    void merge(KllSketch other) {
        while (levels.length < other.levels.length) {
            addLevel();
        }
        for (int h = 0; h < other.levels.length; h++) {
            for (int i = 0; i < other.sizes[h]; i++) {
                append(h, other.levels[h][i]);
            }
        }
        count += other.count;
        compress();
    }

    /** The value whose weighted rank first reaches {@code q * n} (a discrete quantile), or NaN when empty. */
    double quantile(double q) {
        int items = 0;
        for (int s : sizes) {
            items += s;
        }
        if (items == 0) {
            return Double.NaN;
        }
        double[] values = new double[items];
        long[] weights = new long[items];
        int at = 0;
        for (int h = 0; h < levels.length; h++) {
            for (int i = 0; i < sizes[h]; i++) {
                values[at] = levels[h][i];
                weights[at++] = 1L << h;
            }
        }
        int[] order = new int[items];
        for (int i = 0; i < items; i++) {
            order[i] = i;
        }
        IntSort.sort(order, (a, b) -> Values.compareDouble(values[a], values[b]));
        long total = 0;
        for (long w : weights) {
            total += w;
        }
        double target = q * total;
        long cumulative = 0;
        for (int i = 0; i < items; i++) {
            cumulative += weights[order[i]];
            if (cumulative >= target) {
                return values[order[i]];
            }
        }
        return values[order[items - 1]];
    }

    /** Heap bytes held (for the query's memory budget). */
    long bytes() {
        long b = 64;
        for (double[] l : levels) {
            b += l == null ? 0 : 16 + l.length * 8L;
        }
        return b;
    }

    private int capacity(int h) {
        int depth = levels.length - 1 - h;
        return Math.max(2, (int) Math.ceil(K * Math.pow(SHRINK, depth)));
    }

    private void append(int h, double x) {
        double[] l = levels[h];
        if (l == null) {
            l = new double[Math.max(8, capacity(h))];
            levels[h] = l;
        } else if (sizes[h] == l.length) {
            l = Arrays.copyOf(l, l.length * 2);
            levels[h] = l;
        }
        l[sizes[h]++] = x;
    }

    private void addLevel() {
        levels = Arrays.copyOf(levels, levels.length + 1);
        sizes = Arrays.copyOf(sizes, sizes.length + 1);
    }

    /** Compacts the lowest over-full level until every level fits its capacity. */
    private void compress() {
        for (int h = 0; h < levels.length; h++) {
            if (sizes[h] < capacity(h)) {
                continue;
            }
            if (h + 1 == levels.length) {
                addLevel();
            }
            double[] l = levels[h];
            int n = sizes[h];
            Arrays.sort(l, 0, n);
            // An odd item out stays behind so the compacted run has even length.
            int keep = n % 2;
            int offset = flip();
            for (int i = keep + offset; i < n; i += 2) {
                append(h + 1, l[i]);
            }
            sizes[h] = keep;
        }
    }

    private int flip() {
        long z = (coin += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) ((z ^ (z >>> 31)) >>> 63);
    }
}
