package io.quiver.bench.flight;

/**
 * What one read of the result saw: rows, the Arrow bytes received (Flight only; 0 for a JDBC read,
 * whose throughput is stated in the same result's Arrow bytes) and a checksum every reader computes
 * the same way (sum of {@code id} + UTF-8 bytes of {@code url} + NULL {@code price}s), so a reader
 * that dropped or garbled rows is caught.
 */
record StreamTally(long rows, long arrowBytes, long checksum, long nanos) {
    double seconds() {
        return nanos / 1e9;
    }
}
