package io.quiver.bench.jmh;

import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.segment.BlockDecoder;
import io.quiver.storage.segment.SegmentReader;
import io.quiver.storage.segment.SegmentWriter;
import io.quiver.storage.vector.ColumnVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * SELECT sum(v) over one segment of {@value #BLOCKS} blocks x 8192 rows, page-cached: checksum,
 * decode and sum every block on one thread. Score = rows per second (target >= 300 M/s for
 * BIGINT_COUNTER). Run: {@code java -cp 'bench/target/classes:bench/target/lib/*'
 * org.openjdk.jmh.Main SegmentScanSumBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class SegmentScanSumBenchmark {
    static final int BLOCKS = 256;
    static final int ROWS = BLOCKS * SegmentWriter.DEFAULT_BLOCK_ROWS;

    @Param({"BIGINT_COUNTER", "TIMESTAMP_SORTED"})
    public SegmentCodecBenchmark.Shape shape;

    private Path dir;
    private SegmentReader reader;
    private final BlockDecoder decoder = new BlockDecoder();
    private ColumnVector out;
    private long expected;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("quiver-scan-bench");
        Path file = dir.resolve("scan.seg");
        var rows = SegmentCodecBenchmark.batch(shape, ROWS, 7);
        for (int i = 0; i < ROWS; i++) {
            expected += rows.column(0).longs[i];
        }
        SegmentCodecBenchmark.writeSegment(DefaultFilesFacade.INSTANCE, file, rows, SegmentWriter.DEFAULT_BLOCK_ROWS);
        reader = SegmentReader.open(DefaultFilesFacade.INSTANCE, file);
        out = new ColumnVector(shape.type, SegmentWriter.DEFAULT_BLOCK_ROWS);
        System.out.printf("%n[%s] %d rows, %d blocks, file %.1f MB (%.2f bytes/row), block 0: %s%s%n", shape, ROWS,
                reader.blockCount(), reader.sizeBytes() / 1e6, (double) reader.sizeBytes() / ROWS,
                reader.blockEncoding(0, 0), reader.isBlockCompressed(0, 0) ? "+LZ4" : "");
        if (sum() != expected) {
            throw new IllegalStateException("wrong sum");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        SegmentReader.closeQuietly(reader);
        DefaultFilesFacade.INSTANCE.deleteRecursively(dir);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long sum() {
        long total = 0;
        for (int b = 0, n = reader.blockCount(); b < n; b++) {
            reader.readBlock(0, b, out, decoder);
            long[] v = out.longs;
            long s = 0;
            for (int i = 0, rows = out.size(); i < rows; i++) {
                s += v[i];
            }
            total += s;
        }
        return total;
    }
}
