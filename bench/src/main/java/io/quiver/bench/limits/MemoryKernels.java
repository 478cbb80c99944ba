package io.quiver.bench.limits;

/**
 * The simplest loops that touch memory: what no scan over the same bytes can beat. Shared by the
 * {@code limits} subcommand and {@link io.quiver.bench.jmh.MemoryBandwidthBenchmark}.
 */
public final class MemoryKernels {
    private MemoryKernels() {
    }

    /** Sum of {@code a[from, to)}: one sequential read stream, one add per long. */
    public static long sum(long[] a, int from, int to) {
        long s = 0;
        for (int i = from; i < to; i++) {
            s += a[i];
        }
        return s;
    }

    /** Copies {@code src[from, to)} to the same range of {@code dst}: one read and one write stream. */
    public static void copy(long[] src, long[] dst, int from, int to) {
        System.arraycopy(src, from, dst, from, to - from);
    }
}
