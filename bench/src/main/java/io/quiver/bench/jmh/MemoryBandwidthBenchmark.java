package io.quiver.bench.jmh;

import io.quiver.bench.limits.MachineLimits;
import io.quiver.bench.limits.MemoryKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The memory ceiling of a scan, as JMH measures it: a tight sum over a long[] much larger than the
 * caches, walked sequentially one 8192-long block per call, and a memcpy the same way. Score =
 * longs per second, i.e. BIGINT rows/s at 8 B/row (GB/s = score x 8 / 1e9). Same kernels as
 * {@code ops/quiver-bench limits}; run with {@code -t 2} for both cores.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx3g")
public class MemoryBandwidthBenchmark {
    /** Rows per call: one segment block. */
    static final int BLOCK = 8192;

    /** Array size in MiB per thread. */
    @Param("256")
    public int mb;

    private long[] data;
    private long[] target;
    private int pos;

    @Setup
    public void setup() {
        data = MachineLimits.array(mb);
        target = new long[data.length];
        if (data.length % BLOCK != 0) {
            throw new IllegalArgumentException("mb must hold whole blocks");
        }
    }

    private int nextBlock() {
        int from = pos;
        pos = from + BLOCK == data.length ? 0 : from + BLOCK;
        return from;
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public long sum() {
        int from = nextBlock();
        return MemoryKernels.sum(data, from, from + BLOCK);
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public void copy() {
        int from = nextBlock();
        MemoryKernels.copy(data, target, from, from + BLOCK);
    }
}
