package io.quiver.client.ingest;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Settings of one {@link Ingestor}, fluent. Memory held by an ingestor is bounded by about
 * {@code (maxInFlightBatches + tables + threads) * maxBatchBytes}: open batches, batches sent and not
 * yet acknowledged (including those waiting to be retried), and at most one sealed batch per
 * blocked thread.
 */
public final class IngestOptions {
    /** How {@link RowBuilder#add()} behaves when {@link #maxInFlightBatches} batches await their ack. */
    public enum Backpressure {
        /** Block the caller until a batch is acknowledged (at most {@link #maxBlock}). */
        BLOCK,
        /** Never block: return a failed future ({@link IngestBackpressureException}); wait on {@link Ingestor#whenReady()}. */
        FAIL
    }

    /** Which call carries the batches. */
    public enum Transport {
        /** One bidirectional {@code IngestStream} with many batches in flight (default; fastest). */
        STREAM,
        /** One unary {@code Ingest} call per batch. */
        UNARY
    }

    /** 10 000 rows per batch: large enough to amortise a round trip, small enough for low ack latency. */
    public static final int MAX_BATCH_ROWS_DEFAULT = 10_000;
    /** 4 MiB per batch, well under the server's default 16 MiB message limit. */
    public static final long MAX_BATCH_BYTES_DEFAULT = 4L << 20;
    /** A partly filled batch is sent 10 ms after its first row: bounds ack latency at low rates. */
    public static final Duration LINGER_DEFAULT = Duration.ofMillis(10);
    /** 16 batches in flight: keeps the server's group commit fed while bounding client memory. */
    public static final int MAX_IN_FLIGHT_DEFAULT = 16;

    private int maxBatchRows = MAX_BATCH_ROWS_DEFAULT;
    private long maxBatchBytes = MAX_BATCH_BYTES_DEFAULT;
    private Duration linger = LINGER_DEFAULT;
    private int maxInFlightBatches = MAX_IN_FLIGHT_DEFAULT;
    private Backpressure backpressure = Backpressure.BLOCK;
    private Duration maxBlock = Duration.ofMinutes(1);
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Transport transport = Transport.STREAM;
    private Duration ackTimeout = Duration.ofSeconds(30);
    private String batchIdPrefix = UUID.randomUUID().toString();
    private String timestampColumn;
    private Consumer<IngestException> errorHandler = e -> { };

    public IngestOptions copy() {
        IngestOptions o = new IngestOptions();
        o.maxBatchRows = maxBatchRows;
        o.maxBatchBytes = maxBatchBytes;
        o.linger = linger;
        o.maxInFlightBatches = maxInFlightBatches;
        o.backpressure = backpressure;
        o.maxBlock = maxBlock;
        o.retryPolicy = retryPolicy;
        o.transport = transport;
        o.ackTimeout = ackTimeout;
        o.batchIdPrefix = batchIdPrefix;
        o.timestampColumn = timestampColumn;
        o.errorHandler = errorHandler;
        return o;
    }

    public int maxBatchRows() { return maxBatchRows; }
    public IngestOptions maxBatchRows(int v) { maxBatchRows = positive(v, "maxBatchRows"); return this; }
    public long maxBatchBytes() { return maxBatchBytes; }
    public IngestOptions maxBatchBytes(long v) { maxBatchBytes = positive(v, "maxBatchBytes"); return this; }
    public Duration linger() { return linger; }
    public IngestOptions linger(Duration v) { linger = Objects.requireNonNull(v); return this; }
    public int maxInFlightBatches() { return maxInFlightBatches; }
    public IngestOptions maxInFlightBatches(int v) { maxInFlightBatches = positive(v, "maxInFlightBatches"); return this; }
    public Backpressure backpressure() { return backpressure; }
    public IngestOptions backpressure(Backpressure v) { backpressure = Objects.requireNonNull(v); return this; }
    public Duration maxBlock() { return maxBlock; }
    public IngestOptions maxBlock(Duration v) { maxBlock = Objects.requireNonNull(v); return this; }
    public RetryPolicy retryPolicy() { return retryPolicy; }
    public IngestOptions retryPolicy(RetryPolicy v) { retryPolicy = Objects.requireNonNull(v); return this; }
    public Transport transport() { return transport; }
    public IngestOptions transport(Transport v) { transport = Objects.requireNonNull(v); return this; }
    /** How long one attempt may wait for its ack before the attempt counts as failed (and is retried). */
    public Duration ackTimeout() { return ackTimeout; }
    public IngestOptions ackTimeout(Duration v) { ackTimeout = Objects.requireNonNull(v); return this; }
    /** Batch ids are {@code <prefix>-<counter>}; the default prefix is a random UUID per ingestor. */
    public String batchIdPrefix() { return batchIdPrefix; }
    public IngestOptions batchIdPrefix(String v) { batchIdPrefix = Objects.requireNonNull(v); return this; }
    /** Designated timestamp column for tables the server auto-creates from these batches (null: the server picks). */
    public String timestampColumn() { return timestampColumn; }
    public IngestOptions timestampColumn(String v) { timestampColumn = v; return this; }
    /** Called (on a client thread) for every batch rejected for good, besides failing its future. */
    public Consumer<IngestException> errorHandler() { return errorHandler; }
    public IngestOptions errorHandler(Consumer<IngestException> v) { errorHandler = Objects.requireNonNull(v); return this; }

    private static int positive(int v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive [value=" + v + ']');
        }
        return v;
    }

    private static long positive(long v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive [value=" + v + ']');
        }
        return v;
    }
}
