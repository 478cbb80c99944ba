package io.quiver.bench.flight;

import io.quiver.client.query.FlightReadPath;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code flight} bench's Arrow reader as its own process ({@link ChildFlightReader} starts it):
 * a BI tool reads from another process, and in the server's JVM the reader's Netty, gRPC and Arrow
 * calls would share type profiles and compiled code with the server's writes.
 *
 * <p>Protocol, one line each way per read: stdin {@code read} (or {@code quit}); stdout, after the
 * read, {@code TALLY rows batches arrowBytes checksum nanos cpuNanos group=seconds...} (tab
 * separated), the CPU being this process's during the read. {@code READY} once the client is built.
 * Every other stdout line is not the protocol's and is ignored by the parent.
 */
public final class FlightReadClient {
    static final String READY = "READY";
    static final String TALLY = "TALLY";
    static final String READ = "read";
    static final String QUIT = "quit";

    private FlightReadClient() {
    }

    /** Arguments: host port clientWindow clientFrame. */
    public static void main(String[] args) throws Exception {
        FlightReadPath.useSingleCopyRead(); // as in the parent: before the first Flight client loads ArrowMessage
        if (args.length != 4) {
            System.err.println("usage: FlightReadClient host port clientWindow clientFrame");
            System.exit(2);
        }
        // the protocol's stream: nothing else in this JVM may interleave a line with ours
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        try (FlightSqlStreamReader reader = new FlightSqlStreamReader(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]));
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            protocol.println(READY);
            String line;
            while ((line = in.readLine()) != null && !line.equals(QUIT)) {
                if (!line.equals(READ)) {
                    throw new IllegalArgumentException("unknown command from the bench: " + line);
                }
                ThreadGroupCpu.Snapshot threads0 = ThreadGroupCpu.take();
                long cpu0 = processCpuNanos();
                StreamTally t = reader.read(WideSelectDataset.SELECT);
                long cpu = processCpuNanos() - cpu0;
                protocol.println(format(t.withCpu(cpu, ThreadGroupCpu.between(threads0, ThreadGroupCpu.take()))));
            }
        }
    }

    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    static String format(StreamTally t) {
        StringBuilder b = new StringBuilder(TALLY);
        for (long v : new long[]{t.rows(), t.batches(), t.arrowBytes(), t.checksum(), t.nanos(), t.cpuNanos()}) {
            b.append('\t').append(v);
        }
        t.threadCpu().forEach((g, s) -> b.append('\t').append(g).append('=').append(String.format(Locale.ROOT, "%.2f", s)));
        return b.toString();
    }

    /** The inverse of {@link #format}; null for a line that is not a tally. */
    static StreamTally parse(String line) {
        if (!line.startsWith(TALLY + '\t')) {
            return null;
        }
        String[] f = line.split("\t");
        Map<String, Double> groups = new LinkedHashMap<>();
        for (int i = 7; i < f.length; i++) {
            int eq = f[i].lastIndexOf('=');
            groups.put(f[i].substring(0, eq), Double.parseDouble(f[i].substring(eq + 1)));
        }
        return new StreamTally(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                Long.parseLong(f[6]), groups);
    }
}
