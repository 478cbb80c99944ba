package io.quiver.bench.flight;

import io.quiver.bench.BenchContext;
import io.quiver.bench.Options;
import io.quiver.bench.Progress;
import io.quiver.bench.ResultTable;
import io.quiver.client.query.FlightChannels;
import io.quiver.flight.sql.DirectFrameWrites;
import io.quiver.flight.sql.FlightSqlSettings;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one result stream could carry on this machine without Quiver's engine: the ceiling the
 * {@code flight} bench is measured against. In one JVM, as the {@code flight} bench runs (client and
 * server sharing the cores):
 *
 * <ol>
 *   <li><b>raw TCP</b>: one loopback socket, a thread writing 1 MiB of a direct buffer at a time, a
 *   thread reading and discarding: what the kernel alone costs per byte;</li>
 *   <li><b>plain Flight</b>: an Arrow {@link FlightServer} whose DoGet sends the same pre-filled
 *   {@link VectorSchemaRoot} (the {@code flight} bench's ten column types and value shapes) again
 *   and again, zero-copy and honouring backpressure, until as many bytes as the bench's result went
 *   out; read by a {@link FlightClient} that touches every batch as the bench's reader does. Once
 *   with the stock server and client, once with Quiver's server write path ({@link DirectFrameWrites})
 *   and client-java's {@link FlightChannels}, and the latter with every batch first copied into
 *   fresh buffers (what Quiver's encoder does per record batch, without the engine's scan), at the
 *   bench's record-batch size and at 64 Ki rows.</li>
 * </ol>
 *
 * <p>Each case: best of {@code --reads} after {@code --warmup}, with the process CPU seconds (user +
 * system, from {@code /proc/self/stat}: the kernel's share of loopback TCP shows there and in no
 * Java profile) of every read.
 */
public final class FlightCeiling {
    static final String USAGE = """
              --bytes=1154819613   bytes per read (default: the flight bench's 10 M-row result)
              --reads=5            measured reads per case (the best is reported)
              --warmup=2           unmeasured reads per case first (JIT)
              --batch-rows=8192,65536  rows per record batch of the Flight cases (8192 ~ the server's 1 MiB messages)
              --cases=tcp,stock,quiver,fresh  which cases: raw TCP, stock Arrow server+client, Quiver's transport tweaks,
                                   and those with every batch first copied into freshly allocated buffers (as Quiver's
                                   workers fill new buffers per record batch; gRPC holds sent ones until written)""";
    private static final int TCP_WRITE = 1 << 20;
    /** Linux's USER_HZ: /proc/self/stat counts CPU time in these ticks. */
    private static final double TICKS_PER_SECOND = 100;

    private FlightCeiling() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, new BenchContext(System.out, new Progress(System.err))));
    }

    /** One measured read: wall and CPU (user, system) seconds. */
    record Read(long bytes, double seconds, double userSeconds, double systemSeconds) {
        double cpu() {
            return userSeconds + systemSeconds;
        }

        double gbPerSecond() {
            return bytes / seconds / 1e9;
        }
    }

    /** One case: its reads, best by wall time. */
    record Case(String name, List<Read> reads) {
        Read best() {
            return reads.stream().min((a, b) -> Double.compare(a.seconds(), b.seconds())).orElseThrow();
        }

        double lowestCpu() {
            return reads.stream().mapToDouble(Read::cpu).min().orElseThrow();
        }
    }

    public static int run(String[] args, BenchContext context) throws Exception {
        Options o = Options.parse(args);
        long bytes = o.size("bytes", 1_154_819_613L);
        int reads = o.intValue("reads", 5);
        int warmup = o.intValue("warmup", 2);
        List<Integer> batchRows = o.intList("batch-rows", "8192,65536");
        List<String> cases = o.list("cases", "tcp,stock,quiver,fresh");
        o.rejectUnused();
        Progress p = context.progress();
        List<Case> results = new ArrayList<>();
        if (cases.contains("tcp")) {
            results.add(measure(p, "raw TCP, 1 MiB writes", warmup, reads, () -> rawTcp(bytes)));
        }
        for (int rows : batchRows) {
            for (String kind : List.of("stock", "quiver", "fresh")) {
                if (!cases.contains(kind)) {
                    continue;
                }
                boolean tuned = !kind.equals("stock");
                boolean fresh = kind.equals("fresh");
                String name = String.format(Locale.ROOT, "Flight DoGet, %s, %,d rows/batch", switch (kind) {
                    case "stock" -> "stock server + stock client";
                    case "quiver" -> "DirectFrameWrites server + FlightChannels client";
                    default -> "as above, each batch copied into fresh buffers";
                }, rows);
                try (PlainFlight flight = new PlainFlight(rows, tuned, fresh)) {
                    results.add(measure(p, name, warmup, reads, () -> flight.read(bytes)));
                }
            }
        }
        ResultTable table = new ResultTable("Transport ceiling: one stream over loopback, client and server in one JVM",
                "case", "best s", "GB/s (best)", "CPU s (best: user+sys)", "lowest CPU s", "CPU s per GB (lowest)");
        for (Case c : results) {
            Read b = c.best();
            table.row(c.name(), ResultTable.fixed(b.seconds(), 3), ResultTable.fixed(b.gbPerSecond(), 2),
                    String.format(Locale.ROOT, "%.2f (%.2f+%.2f)", b.cpu(), b.userSeconds(), b.systemSeconds()),
                    ResultTable.fixed(c.lowestCpu(), 2), ResultTable.fixed(c.lowestCpu() / (b.bytes() / 1e9), 2));
        }
        table.note("best of %d reads after %d warm-up reads, %,d bytes per read; CPU = whole process, user + system (/proc/self/stat)",
                reads, warmup, bytes);
        table.print(context.out());
        return 0;
    }

    interface Reader {
        long read() throws Exception;
    }

    private static Case measure(Progress p, String name, int warmup, int reads, Reader reader) throws Exception {
        for (int i = 0; i < warmup; i++) {
            reader.read();
        }
        List<Read> out = new ArrayList<>();
        for (int i = 0; i < reads; i++) {
            long[] cpu0 = cpuTicks();
            long t0 = System.nanoTime();
            long n = reader.read();
            double s = (System.nanoTime() - t0) / 1e9;
            long[] cpu1 = cpuTicks();
            Read r = new Read(n, s, (cpu1[0] - cpu0[0]) / TICKS_PER_SECOND, (cpu1[1] - cpu0[1]) / TICKS_PER_SECOND);
            out.add(r);
            p.say("%-70s %.3f s = %.2f GB/s, CPU %.2f s (user %.2f, sys %.2f), load %.2f", name, s, r.gbPerSecond(), r.cpu(),
                    r.userSeconds(), r.systemSeconds(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        return new Case(name, out);
    }

    /** utime and stime of this process, in ticks. */
    static long[] cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // fields 14 and 15 of proc(5)
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/stat", e);
        }
    }

    /** One loopback connection: a thread writes {@code bytes} in 1 MiB writes, this thread reads and discards them. */
    static long rawTcp(long bytes) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("ceiling-tcp-writer").start(() -> {
                try (SocketChannel s = SocketChannel.open(server.getLocalAddress())) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(TCP_WRITE);
                    long left = bytes;
                    while (left > 0) {
                        buf.clear().limit((int) Math.min(TCP_WRITE, left));
                        while (buf.hasRemaining()) {
                            left -= s.write(buf);
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            long got = 0;
            try (SocketChannel s = server.accept()) {
                ByteBuffer buf = ByteBuffer.allocateDirect(TCP_WRITE);
                int n;
                while ((n = s.read(buf.clear())) >= 0) {
                    got += n;
                }
            }
            writer.join();
            if (failure.get() != null) {
                throw new IllegalStateException("writer failed", failure.get());
            }
            if (got != bytes) {
                throw new IllegalStateException("read " + got + " of " + bytes + " bytes");
            }
            return got;
        }
    }

    /**
     * An Arrow Flight server (no Quiver code on the data path but, when {@code tuned}, its write
     * handler) that answers every DoGet with one pre-filled root sent repeatedly, and a client.
     */
    static final class PlainFlight implements AutoCloseable {
        private final BufferAllocator allocator = new RootAllocator();
        /** The client's own, as in the flight bench (its reader and Quiver's server account apart). */
        private final BufferAllocator clientAllocator = new RootAllocator();
        private final VectorSchemaRoot source;
        private final long batchBytes;
        private final FlightServer server;
        private final FlightClient client;
        private final boolean fresh;

        PlainFlight(int rows, boolean tuned, boolean fresh) throws IOException {
            this.fresh = fresh;
            source = fill(allocator, rows);
            long b = 0;
            for (FieldVector v : source.getFieldVectors()) {
                b += v.getBufferSize();
            }
            batchBytes = b;
            FlightServer.Builder sb = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), new Producer());
            if (tuned) {
                sb.transportHint("grpc.builderConsumer", DirectFrameWrites.plaintextServer(FlightSqlSettings.WRITE_BUFFER_BYTES_DEFAULT));
            }
            server = sb.build().start();
            client = tuned
                    ? FlightChannels.client(clientAllocator, "127.0.0.1", server.getPort())
                    : FlightClient.builder(clientAllocator, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build();
        }

        /** Reads one stream of at least {@code bytes}, touching every batch as the bench's reader does; returns its Arrow bytes. */
        long read(long bytes) throws Exception {
            long got = 0;
            long checksum = 0;
            try (FlightStream stream = client.getStream(new Ticket(Long.toString(bytes).getBytes(StandardCharsets.UTF_8)))) {
                VectorSchemaRoot root = stream.getRoot();
                while (stream.next()) {
                    got += FlightSqlStreamReader.bufferBytes(root);
                    checksum += FlightSqlStreamReader.touch(root);
                }
            }
            if (got < bytes || checksum == 0) {
                throw new IllegalStateException("short stream [bytes=" + got + ", wanted=" + bytes + ']');
            }
            return got;
        }

        private final class Producer extends NoOpFlightProducer {
            @Override
            public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
                long wanted = Long.parseLong(new String(ticket.getBytes(), StandardCharsets.UTF_8));
                BackpressureStrategy.CallbackBackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
                backpressure.register(listener);
                // on a thread of its own, as Quiver's ResultStream: gRPC delivers the call's ready
                // callbacks on the executor that called this method, so waiting here would miss them
                Thread.ofPlatform().name("ceiling-doget").start(() -> {
                    VectorSchemaRoot root = fresh ? VectorSchemaRoot.create(source.getSchema(), allocator) : source;
                    try (ArrowRecordBatch template = new VectorUnloader(source).getRecordBatch()) {
                        VectorLoader loader = new VectorLoader(root);
                        listener.setUseZeroCopy(true); // a root's buffers are never refilled: gRPC may write them in place
                        listener.start(root);
                        for (long sent = 0; sent < wanted; sent += batchBytes) {
                            if (backpressure.waitForListener(10_000) != BackpressureStrategy.WaitResult.READY) {
                                listener.error(CallStatus.CANCELLED.withDescription("client gone or stalled").toRuntimeException());
                                return;
                            }
                            if (fresh) {
                                try (ArrowRecordBatch copy = copyOf(template)) {
                                    loader.load(copy);
                                }
                            }
                            listener.putNext();
                        }
                        listener.completed();
                    } finally {
                        if (fresh) {
                            root.close();
                        }
                    }
                });
            }
        }

        /** The batch's buffers copied into new ones, one allocation per buffer as Quiver's encoder does. */
        private ArrowRecordBatch copyOf(ArrowRecordBatch template) {
            List<ArrowBuf> copies = new ArrayList<>();
            try {
                for (ArrowBuf b : template.getBuffers()) {
                    long n = b.readableBytes();
                    ArrowBuf c = allocator.buffer(Math.max(1, n));
                    c.setBytes(0, b, 0, n);
                    copies.add(c.writerIndex(n));
                }
                return new ArrowRecordBatch(template.getLength(), template.getNodes(), copies);
            } finally {
                copies.forEach(ArrowBuf::close); // the batch holds its own references
            }
        }

        @Override
        public void close() throws Exception {
            try {
                client.close();
                server.shutdown();
                server.awaitTermination();
            } finally {
                source.close();
                allocator.close();
                clientAllocator.close();
            }
        }
    }

    /** A root of {@code rows} rows with the flight bench's ten column types and value shapes (seeded). */
    static VectorSchemaRoot fill(BufferAllocator allocator, int rows) {
        Schema schema = new Schema(List.of(
                Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
                Field.nullable("id", new ArrowType.Int(64, true)),
                Field.nullable("user_id", new ArrowType.Int(64, true)),
                Field.nullable("day", new ArrowType.Date(DateUnit.DAY)),
                Field.nullable("status", new ArrowType.Int(32, true)),
                Field.nullable("duration_ms", new ArrowType.Int(32, true)),
                new Field("price", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
                Field.nullable("is_bot", ArrowType.Bool.INSTANCE),
                Field.nullable("event_type", ArrowType.Utf8.INSTANCE),
                Field.nullable("url", ArrowType.Utf8.INSTANCE)));
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.allocateNew();
        SplittableRandom random = new SplittableRandom(20261123);
        byte[][] types = new byte[10][];
        String[] names = {"page_view", "page_view", "page_view", "page_view", "click", "click", "scroll", "add_to_cart", "search", "purchase"};
        for (int i = 0; i < types.length; i++) {
            types[i] = names[i].getBytes(StandardCharsets.UTF_8);
        }
        String[] sections = {"product", "category", "search", "blog", "account"};
        byte[][] urls = new byte[20_000][];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = String.format(Locale.ROOT, "https://shop.example.com/%s/%d?ref=campaign-%02d", sections[i % sections.length],
                    100_000 + i * 7, i % 37).getBytes(StandardCharsets.UTF_8);
        }
        TimeStampMicroTZVector ts = (TimeStampMicroTZVector) root.getVector(0);
        BigIntVector id = (BigIntVector) root.getVector(1);
        BigIntVector user = (BigIntVector) root.getVector(2);
        DateDayVector day = (DateDayVector) root.getVector(3);
        IntVector status = (IntVector) root.getVector(4);
        IntVector duration = (IntVector) root.getVector(5);
        Float8Vector price = (Float8Vector) root.getVector(6);
        BitVector bot = (BitVector) root.getVector(7);
        VarCharVector type = (VarCharVector) root.getVector(8);
        VarCharVector url = (VarCharVector) root.getVector(9);
        long t = 1_793_491_200_000_000L;
        for (int i = 0; i < rows; i++) {
            t += 1 + random.nextInt(120_000);
            ts.setSafe(i, t);
            id.setSafe(i, i + 1);
            user.setSafe(i, 1_000_000 + random.nextInt(500_000));
            day.setSafe(i, (int) Math.floorDiv(t, 86_400_000_000L));
            status.setSafe(i, random.nextInt(10) < 8 ? 200 : 404);
            duration.setSafe(i, (int) Math.exp(4 + random.nextDouble() * 3));
            if (random.nextInt(10) == 0) {
                price.setNull(i);
            } else {
                price.setSafe(i, random.nextInt(100_000) / 100.0);
            }
            bot.setSafe(i, random.nextInt(50) == 0 ? 1 : 0);
            type.setSafe(i, types[random.nextInt(types.length)]);
            url.setSafe(i, urls[(int) (urls.length * Math.pow(random.nextDouble(), 2))]);
        }
        root.setRowCount(rows);
        return root;
    }
}
