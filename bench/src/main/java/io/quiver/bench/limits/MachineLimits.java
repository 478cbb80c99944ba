package io.quiver.bench.limits;

import io.quiver.bench.Parallel;
import io.quiver.bench.Samples;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Measures the machine's ceilings for a scan, each over {@code passes} timed passes after one
 * untimed warm-up pass, on {@code threads} threads working on disjoint parts of the data. Every
 * figure is in bytes per second.
 */
public final class MachineLimits {
    /** Where results go so the JIT cannot drop the loops. */
    private static final AtomicLong SINK = new AtomicLong();
    /** CRC input size: a segment block after its copy to the heap sits in L2, so the CRC runs from cache. */
    private static final int CRC_BUFFER_BYTES = 32 * 1024;

    private MachineLimits() {
    }

    /** A long[] of {@code megabytes} MiB with counter-like values (their size does not matter for a sum). */
    public static long[] array(int megabytes) {
        long[] a = new long[megabytes * (1 << 20) / 8];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextInt(1 << 20);
        }
        return a;
    }

    /** Sequential read bandwidth: a tight {@code long[]} sum. */
    public static Samples sum(long[] data, int threads, int passes) {
        Samples s = new Samples();
        for (int p = -1; p < passes; p++) {
            long nanos = Parallel.run(threads, t -> {
                int from = share(data.length, threads, t);
                int to = share(data.length, threads, t + 1);
                SINK.addAndGet(MemoryKernels.sum(data, from, to));
            });
            if (p >= 0) {
                s.add(data.length * 8.0 / (nanos / 1e9));
            }
        }
        return s;
    }

    /** memcpy bandwidth: bytes copied per second ({@code System.arraycopy}; each byte is read once and written once). */
    public static Samples copy(long[] src, long[] dst, int threads, int passes) {
        int n = Math.min(src.length, dst.length);
        Samples s = new Samples();
        for (int p = -1; p < passes; p++) {
            long nanos = Parallel.run(threads, t -> MemoryKernels.copy(src, dst, share(n, threads, t), share(n, threads, t + 1)));
            if (p >= 0) {
                s.add(n * 8.0 / (nanos / 1e9));
            }
        }
        return s;
    }

    /** CRC32C (the block checksum the segment reader verifies) over a cache-resident buffer, per thread. */
    public static Samples crc32c(long bytesPerThread, int threads, int passes) {
        Samples s = new Samples();
        byte[][] buffers = new byte[threads][CRC_BUFFER_BYTES];
        for (byte[] b : buffers) {
            new SplittableRandom(2).nextBytes(b);
        }
        long rounds = Math.max(1, bytesPerThread / CRC_BUFFER_BYTES);
        for (int p = -1; p < passes; p++) {
            long nanos = Parallel.run(threads, t -> {
                CRC32C crc = new CRC32C();
                for (long r = 0; r < rounds; r++) {
                    crc.update(buffers[t], 0, CRC_BUFFER_BYTES);
                }
                SINK.addAndGet(crc.getValue());
            });
            if (p >= 0) {
                s.add(rounds * CRC_BUFFER_BYTES * threads / (nanos / 1e9));
            }
        }
        return s;
    }

    /** LZ4 safe-decompressor output bytes per second over the whole corpus. */
    public static Samples lz4(Lz4Corpus corpus, int threads, int passes) {
        Samples s = new Samples();
        byte[][] scratch = new byte[threads][Lz4Corpus.BLOCK_BYTES];
        int blocks = corpus.blocks();
        for (int p = -1; p < passes; p++) {
            long nanos = Parallel.run(threads, t ->
                    SINK.addAndGet(corpus.decompress(share(blocks, threads, t), share(blocks, threads, t + 1), scratch[t])));
            if (p >= 0) {
                s.add(corpus.rawBytes() / (nanos / 1e9));
            }
        }
        return s;
    }

    /** Start index of part {@code part} of {@code n} items cut in {@code parts} near-equal parts. */
    public static int share(int n, int parts, int part) {
        return (int) ((long) n * part / parts);
    }
}
