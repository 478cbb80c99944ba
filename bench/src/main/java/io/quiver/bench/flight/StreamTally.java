package io.quiver.bench.flight;

import java.util.Map;

/**
 * What one read of the result saw: rows, record batches (Flight only; 0 for JDBC), the Arrow bytes received (Flight only; 0 for a JDBC read,
 * whose throughput is stated in the same result's Arrow bytes) and a checksum every reader computes
 * the same way (sum of {@code id} + UTF-8 bytes of {@code url} + NULL {@code price}s), so a reader
 * that dropped or garbled rows is caught. {@code cpuNanos} is the CPU time of the whole process
 * during the read: on a shared machine it shows the cost of a read even when neighbours stretch its
 * wall time; {@code threadCpu} splits it by thread role ({@link ThreadGroupCpu}).
 */
record StreamTally(long rows, long batches, long arrowBytes, long checksum, long nanos, long cpuNanos, Map<String, Double> threadCpu) {
    StreamTally(long rows, long batches, long arrowBytes, long checksum, long nanos, long cpuNanos) {
        this(rows, batches, arrowBytes, checksum, nanos, cpuNanos, Map.of());
    }

    double seconds() {
        return nanos / 1e9;
    }

    /** The same tally with the process CPU time the read took (client, server and engine threads together). */
    StreamTally withCpu(long cpu, Map<String, Double> byThreadRole) {
        return new StreamTally(rows, batches, arrowBytes, checksum, nanos, cpu, byThreadRole);
    }
}
