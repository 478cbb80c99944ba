package io.quiver.bench.ingest;

import io.quiver.client.QuiverClient;
import io.quiver.client.ingest.BatchAck;
import io.quiver.client.ingest.IngestOptions;
import io.quiver.client.ingest.Ingestor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Sends through the Java client's {@link Ingestor} (IngestStream): the row builder, batching and window. */
final class GrpcSender implements EventSender {
    private final Ingestor ingestor;
    private final String table;
    private final LatencyRecorder latency;
    private final int batchRows;
    private final ConcurrentLinkedQueue<long[]> spare = new ConcurrentLinkedQueue<>();
    private CompletableFuture<BatchAck> current;
    private long[] intended;
    private int count;

    GrpcSender(QuiverClient client, String table, LoadOptions o, LatencyRecorder latency) {
        this.ingestor = client.newIngestor(new IngestOptions().maxBatchRows(o.batchRows()).maxInFlightBatches(o.inFlight())
                .linger(Duration.ofMillis(o.lingerMs())).timestampColumn("ts"));
        this.table = table;
        this.latency = latency;
        this.batchRows = o.batchRows();
    }

    @Override
    public void send(EventGenerator e, long intendedNanos) {
        CompletableFuture<BatchAck> f = ingestor.row(table).setTimestampMicros("ts", e.tsMicros).set("user_id", e.userId)
                .set("session_id", e.sessionId).set("event_type", e.eventType).set("url", e.url).set("country", e.country)
                .set("device", e.device).set("value", e.value).set("duration_ms", e.durationMs).set("is_mobile", e.isMobile)
                .set("is_new_user", e.isNewUser).add();
        if (f != current) {
            track();
            current = f;
            long[] a = spare.poll();
            intended = a != null ? a : new long[batchRows];
            count = 0;
        }
        intended[count++] = intendedNanos;
    }

    /** Hands the finished batch's intended times to its ack callback. */
    private void track() {
        if (current == null) {
            return;
        }
        long[] times = intended;
        int n = count;
        current.whenComplete((ack, t) -> {
            if (t == null) {
                latency.recordBatch(System.nanoTime(), times, n);
            }
            spare.offer(times);
        });
        current = null;
    }

    @Override
    public void flush() {
        track();
        ingestor.flush();
    }

    @Override
    public long retries() {
        return ingestor.stats().retries();
    }

    @Override
    public void close() {
        flush();
        ingestor.close();
    }
}
