package io.quiver.bench.jmh;

import io.quiver.bench.limits.Lz4Corpus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The LZ4 ceiling: lz4-java's safe decompressor (the only one the segment reader uses) on one
 * 64 KiB block per call, cycling through a corpus of realistic blocks. Score = blocks/s;
 * output MB/s = score x 65536 / 1e6; for BIGINT_COUNTERS rows/s = score x 8192.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class Lz4DecompressBenchmark {
    public enum Data { BIGINT_COUNTERS, EVENT_URLS }

    @Param({"BIGINT_COUNTERS", "EVENT_URLS"})
    public Data data;

    /** Raw corpus size in MiB. */
    @Param("64")
    public int mb;

    private Lz4Corpus corpus;
    private final byte[] scratch = new byte[Lz4Corpus.BLOCK_BYTES];
    private int block;

    @Setup
    public void setup() {
        corpus = data == Data.BIGINT_COUNTERS ? Lz4Corpus.bigintCounters(mb, 7) : Lz4Corpus.eventUrls(mb, 7);
        System.out.printf("%n[%s] %d blocks, LZ4 ratio %.3f%n", data, corpus.blocks(), corpus.ratio());
    }

    @Benchmark
    public long decompressBlock() {
        int b = block;
        block = b + 1 == corpus.blocks() ? 0 : b + 1;
        return corpus.decompress(b, b + 1, scratch);
    }
}
