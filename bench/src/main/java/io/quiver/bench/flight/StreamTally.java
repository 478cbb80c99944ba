package io.quiver.bench.flight;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one read of the result saw: rows, record batches (Flight only; 0 for JDBC), the Arrow bytes received (Flight only; 0 for a JDBC read,
 * whose throughput is stated in the same result's Arrow bytes) and a checksum every reader computes
 * the same way (sum of {@code id} + UTF-8 bytes of {@code url} + NULL {@code price}s), so a reader
 * that dropped or garbled rows is caught. {@code cpuNanos} is the CPU time of the whole process
 * during the read: on a shared machine it shows the cost of a read even when neighbours stretch its
 * wall time; {@code threadCpu} splits it by thread role ({@link ThreadGroupCpu}). With the reader in
 * its own process ({@link ChildFlightReader}) {@code cpuNanos} is both processes' CPU, of which
 * {@code clientCpuNanos} the reader's (its roles prefixed {@code "client "}); 0 when in one process.
 */
record StreamTally(long rows, long batches, long arrowBytes, long checksum, long nanos, long cpuNanos, Map<String, Double> threadCpu,
                   long clientCpuNanos) {
    StreamTally(long rows, long batches, long arrowBytes, long checksum, long nanos, long cpuNanos) {
        this(rows, batches, arrowBytes, checksum, nanos, cpuNanos, Map.of(), 0);
    }

    StreamTally(long rows, long batches, long arrowBytes, long checksum, long nanos, long cpuNanos, Map<String, Double> threadCpu) {
        this(rows, batches, arrowBytes, checksum, nanos, cpuNanos, threadCpu, 0);
    }

    double seconds() {
        return nanos / 1e9;
    }

    /** The same tally with the process CPU time the read took (client, server and engine threads together). */
    StreamTally withCpu(long cpu, Map<String, Double> byThreadRole) {
        return new StreamTally(rows, batches, arrowBytes, checksum, nanos, cpu, byThreadRole, 0);
    }

    /**
     * A child process's read with the server process's CPU meanwhile added: the total is both, the
     * client's roles keep their names behind {@code "client "}, the server's get {@code "server "}.
     */
    StreamTally withServerCpu(long serverCpu, Map<String, Double> serverByThreadRole) {
        Map<String, Double> roles = new LinkedHashMap<>();
        serverByThreadRole.forEach((g, s) -> roles.put("server " + g, s));
        threadCpu.forEach((g, s) -> roles.put("client " + g, s));
        return new StreamTally(rows, batches, arrowBytes, checksum, nanos, cpuNanos + serverCpu, roles, cpuNanos);
    }
}
