package io.quiver.bench;

import java.util.Arrays;

/**
 * Throughput of repeated passes (higher is better). Commands report the best pass, the one least
 * disturbed on a shared machine, and the median beside it so the noise is visible.
 */
public final class Samples {
    private double[] values = new double[8];
    private int count;

    public void add(double value) {
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count++] = value;
    }

    /** The same passes with every value multiplied by {@code factor} (bytes/s to rows/s, say). */
    public Samples scaled(double factor) {
        Samples s = new Samples();
        for (int i = 0; i < count; i++) {
            s.add(values[i] * factor);
        }
        return s;
    }

    public int count() {
        return count;
    }

    public double best() {
        double best = Double.NaN;
        for (int i = 0; i < count; i++) {
            best = i == 0 ? values[i] : Math.max(best, values[i]);
        }
        return best;
    }

    public double median() {
        if (count == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
    }
}
