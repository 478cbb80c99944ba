package io.quiver.bench.jmh;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.fs.FilesFacade;
import io.quiver.storage.segment.BlockDecoder;
import io.quiver.storage.segment.SegmentMeta;
import io.quiver.storage.segment.SegmentReader;
import io.quiver.storage.segment.SegmentWriter;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Segment block codec throughput per column shape, one thread. Scores are rows per second
 * (operations = rows); MB/s = score x the "bytes/row" printed at setup / 1e6.
 * <ul>
 *   <li>{@code encode}: analyse + encode + LZ4 + CRC32C of {@value #ROWS} rows in 8192-row blocks
 *       through {@link SegmentWriter} (writes discarded).</li>
 *   <li>{@code decode}: CRC check + LZ4 (when stored compressed) + decode of the same rows from a
 *       page-cached, memory-mapped segment through {@link SegmentReader#readBlock}.</li>
 * </ul>
 * Run: {@code java -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main SegmentCodecBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class SegmentCodecBenchmark {
    static final int ROWS = 64 * 8192;

    @Param({"BIGINT_COUNTER", "TIMESTAMP_SORTED", "DOUBLE_PRICE", "VARCHAR_LOW_CARD", "VARCHAR_UNIQUE"})
    public Shape shape;

    private RowBatch rows;
    private final DiscardingFilesFacade discard = new DiscardingFilesFacade();
    private Path dir;
    private SegmentReader reader;
    private final BlockDecoder decoder = new BlockDecoder();
    private ColumnVector out;
    private long encodedSegments;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        rows = batch(shape, ROWS, 42);
        dir = Files.createTempDirectory("quiver-codec-bench");
        Path file = dir.resolve("codec.seg");
        writeSegment(DefaultFilesFacade.INSTANCE, file, rows, SegmentWriter.DEFAULT_BLOCK_ROWS);
        reader = SegmentReader.open(DefaultFilesFacade.INSTANCE, file);
        out = new ColumnVector(shape.type, SegmentWriter.DEFAULT_BLOCK_ROWS);
        long stored = 0;
        long decoded = 0;
        for (int b = 0; b < reader.blockCount(); b++) {
            stored += reader.blockStoredLength(0, b);
            decoded += reader.blockDecodedLength(0, b);
        }
        System.out.printf("%n[%s] bytes/row in memory %.2f, encoded %.2f, stored %.2f; block 0: %s%s%n", shape,
                bytesPerRow(rows), (double) decoded / ROWS, (double) stored / ROWS,
                reader.blockEncoding(0, 0), reader.isBlockCompressed(0, 0) ? "+LZ4" : "");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        SegmentReader.closeQuietly(reader);
        DefaultFilesFacade.INSTANCE.deleteRecursively(dir);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long encode() {
        writeSegment(discard, dir.resolve("discarded-" + (encodedSegments++ & 1) + ".seg"), rows,
                SegmentWriter.DEFAULT_BLOCK_ROWS);
        return encodedSegments;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void decode(Blackhole bh) {
        for (int b = 0; b < reader.blockCount(); b++) {
            reader.readBlock(0, b, out, decoder);
            bh.consume(out.size());
        }
    }

    // ---- shared with SegmentScanSumBenchmark: data shapes and a file system that discards writes ----

    /** What a column holds. */
    public enum Shape {
        /** BIGINT counters with a modest range: a large base plus up to 2^20. */
        BIGINT_COUNTER(ColumnType.BIGINT),
        /** TIMESTAMP micros, sorted, one event per ~millisecond with jitter. */
        TIMESTAMP_SORTED(ColumnType.TIMESTAMP),
        /** DOUBLE prices with two decimals. */
        DOUBLE_PRICE(ColumnType.DOUBLE),
        /** VARCHAR with 50 distinct values (a dictionary). */
        VARCHAR_LOW_CARD(ColumnType.VARCHAR),
        /** VARCHAR mostly distinct ids (plain). */
        VARCHAR_UNIQUE(ColumnType.VARCHAR);

        final ColumnType type;

        Shape(ColumnType type) {
            this.type = type;
        }
    }


    public static RowBatch batch(Shape shape, int rows, long seed) {
        List<ColumnDef> cols = List.of(new ColumnDef("v", shape.type));
        RowBatch b = new RowBatch(cols, rows);
        ColumnVector v = b.column(0);
        SplittableRandom rnd = new SplittableRandom(seed);
        long ts = 1_700_000_000_000_000L;
        for (int i = 0; i < rows; i++) {
            switch (shape) {
                case BIGINT_COUNTER -> v.appendLong(5_000_000_000L + rnd.nextInt(1 << 20));
                case TIMESTAMP_SORTED -> v.appendLong(ts += 1000 + rnd.nextInt(50));
                case DOUBLE_PRICE -> v.appendDouble(Math.round(rnd.nextDouble(10, 500) * 100) / 100.0);
                case VARCHAR_LOW_CARD -> v.appendString("service-" + rnd.nextInt(50));
                case VARCHAR_UNIQUE -> v.appendString("user-" + Long.toHexString(rnd.nextLong()));
            }
        }
        b.syncRowCount();
        return b;
    }

    /** Bytes one row occupies in memory (8 for numbers, string bytes + a 4-byte offset for VARCHAR). */
    public static double bytesPerRow(RowBatch b) {
        ColumnVector v = b.column(0);
        return v.type() == ColumnType.VARCHAR ? (double) v.byteSize() / v.size() + 4 : 8;
    }

    public static SegmentMeta meta() {
        return new SegmentMeta("bench", 1, 0, 0, 0);
    }

    public static void writeSegment(FilesFacade fs, Path file, RowBatch rows, int blockRows) {
        try (SegmentWriter w = SegmentWriter.create(fs, file, rows.columns(), blockRows, meta())) {
            w.append(rows);
            w.finish();
        }
    }

    /**
     * A file system whose writes go nowhere: the encode benchmark measures encoding, compression and
     * checksumming, not the disk. Opens /dev/null so the writer holds a real channel.
     */
    public static final class DiscardingFilesFacade implements FilesFacade {
        private final FilesFacade real = DefaultFilesFacade.INSTANCE;

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            return FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        }

        @Override
        public void write(FileChannel channel, ByteBuffer src, long position) {
            src.position(src.limit());
        }

        @Override
        public int read(FileChannel channel, ByteBuffer dst, long position) {
            return -1;
        }

        @Override
        public void force(FileChannel channel, boolean metadata) {
        }

        @Override
        public void truncate(FileChannel channel, long size) {
        }

        @Override
        public MemorySegment mapReadOnly(FileChannel channel, long offset, long size, Arena arena) {
            // This facade discards what is written (encode benchmarks measure the codec, not the disk),
            // so there is never a file to map: reading goes through a real facade.
            throw new UnsupportedOperationException("write-discarding benchmark facade: nothing it wrote can be mapped");
        }

        @Override
        public void close(FileChannel channel) throws IOException {
            channel.close();
        }

        @Override
        public void atomicMove(Path from, Path to) {
        }

        @Override
        public void fsyncDirectory(Path dir) {
        }

        @Override
        public void createDirectories(Path dir) {
        }

        @Override
        public boolean exists(Path path) {
            return false;
        }

        @Override
        public long size(Path path) {
            return 0;
        }

        @Override
        public boolean deleteIfExists(Path path) {
            return false;
        }

        @Override
        public void deleteRecursively(Path dir) throws IOException {
            real.deleteRecursively(dir);
        }

        @Override
        public List<Path> list(Path dir) {
            return List.of();
        }
    }
}
