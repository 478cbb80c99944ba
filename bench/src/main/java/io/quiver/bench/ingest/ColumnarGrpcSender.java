package io.quiver.bench.ingest;

import io.quiver.client.ColumnType;
import io.quiver.client.QuiverClient;
import io.quiver.client.ingest.BatchAck;
import io.quiver.client.ingest.ColumnBatch;
import io.quiver.client.ingest.IngestOptions;
import io.quiver.client.ingest.Ingestor;

import java.util.concurrent.CompletableFuture;

/**
 * Sends through the Java client's columnar API ({@link Ingestor#write(ColumnBatch)}): the thread
 * fills one array per column and hands the client a {@link ColumnBatch} every {@code batchRows}
 * events, as an application that already holds its events in columns (a consumer of a message
 * queue, say) would. Same IngestStream, window and retries as the row builder.
 */
final class ColumnarGrpcSender implements EventSender {
    private final Ingestor ingestor;
    private final String table;
    private final LatencyRecorder latency;
    private final int batchRows;
    private final long[] ts;
    private final long[] userId;
    private final String[] sessionId;
    private final String[] eventType;
    private final String[] url;
    private final String[] country;
    private final String[] device;
    private final double[] value;
    private final long[] durationMs;
    private final boolean[] isMobile;
    private final boolean[] isNewUser;
    private long[] intended;
    private int count;

    ColumnarGrpcSender(QuiverClient client, String table, LoadOptions o, LatencyRecorder latency) {
        this.ingestor = client.newIngestor(new IngestOptions().maxBatchRows(o.batchRows()).maxInFlightBatches(o.inFlight())
                .timestampColumn("ts"));
        this.table = table;
        this.latency = latency;
        this.batchRows = o.batchRows();
        ts = new long[batchRows];
        userId = new long[batchRows];
        sessionId = new String[batchRows];
        eventType = new String[batchRows];
        url = new String[batchRows];
        country = new String[batchRows];
        device = new String[batchRows];
        value = new double[batchRows];
        durationMs = new long[batchRows];
        isMobile = new boolean[batchRows];
        isNewUser = new boolean[batchRows];
        intended = new long[batchRows];
    }

    @Override
    public void send(EventGenerator e, long intendedNanos) {
        int i = count;
        ts[i] = e.tsMicros;
        userId[i] = e.userId;
        sessionId[i] = e.sessionId;
        eventType[i] = e.eventType;
        url[i] = e.url;
        country[i] = e.country;
        device[i] = e.device;
        value[i] = e.value;
        durationMs[i] = e.durationMs;
        isMobile[i] = e.isMobile;
        isNewUser[i] = e.isNewUser;
        intended[i] = intendedNanos;
        count = i + 1;
        if (count == batchRows) {
            sendBatch();
        }
    }

    private void sendBatch() {
        int n = count;
        if (n == 0) {
            return;
        }
        ColumnBatch batch = ColumnBatch.builder(table, n).timestamps("ts", ts).longs("user_id", ColumnType.BIGINT, userId, null)
                .strings("session_id", sessionId).strings("event_type", eventType).strings("url", url)
                .strings("country", country).strings("device", device).doubles("value", value, null)
                .longs("duration_ms", ColumnType.INT, durationMs, null).booleans("is_mobile", isMobile, null)
                .booleans("is_new_user", isNewUser, null).build();
        long[] times = intended;
        CompletableFuture<BatchAck> ack = ingestor.write(batch);
        ack.whenComplete((a, t) -> {
            if (t == null) {
                latency.recordBatch(System.nanoTime(), times, n);
            }
        });
        intended = new long[batchRows]; // the callback owns the old one
        count = 0;
    }

    @Override
    public void flush() {
        sendBatch();
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
