package io.quiver.query.exec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented approx_quantile bound: rank error at most 1.65% of n, over seeded inputs. */
class KllSketchTest {
    private static final double BOUND = 0.0165;
    private static final double[] QS = {0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0};

    /** Normalised distance of q*n from the rank interval of v in sorted data. */
    private static double rankError(double[] sorted, double v, double q) {
        int lo = lowerBound(sorted, v);
        int hi = upperBound(sorted, v);
        double target = q * sorted.length;
        double miss = target < lo ? lo - target : target > hi ? target - hi : 0;
        return miss / sorted.length;
    }

    private static int lowerBound(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (Values.compareDouble(a[m], v) < 0) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }

    private static int upperBound(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (Values.compareDouble(a[m], v) <= 0) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }

    private static double[] data(int kind, int n, Random r) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = switch (kind) {
                case 0 -> r.nextDouble();
                case 1 -> r.nextGaussian() * 1e6;
                case 2 -> Math.exp(r.nextGaussian() * 3); // heavy tail
                case 3 -> r.nextInt(20); // many duplicates
                case 4 -> i; // sorted input
                default -> n - i; // reverse sorted
            };
        }
        return d;
    }

    @Test
    void rankErrorStaysWithinTheDocumentedBound() {
        long seed = 4242;
        Random r = new Random(seed);
        double worst = 0;
        String worstCase = "";
        for (int kind = 0; kind < 6; kind++) {
            for (int n : new int[]{1, 150, 10_000, 300_000}) {
                double[] d = data(kind, n, r);
                // One sketch fed directly, and the same data split over 7 sketches merged in a tree,
                // as parallel aggregation does.
                KllSketch single = new KllSketch();
                for (double x : d) {
                    single.add(x);
                }
                List<KllSketch> parts = new ArrayList<>();
                for (int p = 0; p < 7; p++) {
                    parts.add(new KllSketch());
                }
                for (int i = 0; i < n; i++) {
                    parts.get(r.nextInt(7)).add(d[i]);
                }
                while (parts.size() > 1) {
                    KllSketch a = parts.remove(parts.size() - 1);
                    parts.get(r.nextInt(parts.size())).merge(a);
                }
                KllSketch merged = parts.get(0);
                assertEquals(n, single.count());
                assertEquals(n, merged.count());
                double[] sorted = d.clone();
                Arrays.sort(sorted);
                for (double q : QS) {
                    for (KllSketch s : List.of(single, merged)) {
                        double e = rankError(sorted, s.quantile(q), q);
                        if (e > worst) {
                            worst = e;
                            worstCase = "kind=" + kind + " n=" + n + " q=" + q + (s == single ? " single" : " merged");
                        }
                    }
                }
                assertTrue(single.bytes() < 40_000, "sketch stays small: " + single.bytes());
            }
        }
        System.out.printf("KLL worst normalised rank error %.5f (%s)%n", worst, worstCase);
        assertTrue(worst <= BOUND, "seed=" + seed + " worst rank error " + worst + " at " + worstCase);
    }

    @Test
    void exactForSmallInputs() {
        KllSketch s = new KllSketch();
        for (int i = 1; i <= KllSketch.K - 1; i++) {
            s.add(i);
        }
        assertEquals(100.0, s.quantile(0.5));
        assertEquals(1.0, s.quantile(0.0));
        assertEquals(199.0, s.quantile(1.0));
        assertTrue(Double.isNaN(new KllSketch().quantile(0.5)));
    }
}
