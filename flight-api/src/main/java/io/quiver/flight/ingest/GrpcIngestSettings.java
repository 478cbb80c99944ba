package io.quiver.flight.ingest;

/**
 * Transport settings of the gRPC ingest server.
 *
 * @param maxMessageBytes       largest request accepted; larger ones fail RESOURCE_EXHAUSTED before decoding
 * @param keepAliveTimeMs       idle time after which the server pings a client to detect dead connections
 * @param keepAliveTimeoutMs    how long the server waits for the ping's answer before closing
 * @param permitKeepAliveTimeMs most frequent client pings tolerated (more often: the connection is closed)
 * @param maxConcurrentStreams  concurrent calls per connection (HTTP/2 MAX_CONCURRENT_STREAMS)
 * @param maxInFlightPerStream  batches one IngestStream may have decoded and awaiting their ack
 */
public record GrpcIngestSettings(String host, int port, int maxMessageBytes, long keepAliveTimeMs, long keepAliveTimeoutMs,
                                 long permitKeepAliveTimeMs, int maxConcurrentStreams, int maxInFlightPerStream) {
    public static GrpcIngestSettings defaults(String host, int port) {
        return new GrpcIngestSettings(host, port, 16 << 20, 60_000, 20_000, 10_000, 256, 64);
    }
}
