package io.quiver.bench.ingest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

/** POSTs NDJSON batches to {@code /v1/ingest/{table}}, one request at a time per thread. */
final class HttpSender implements EventSender {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI uri;
    private final LatencyRecorder latency;
    private final int batchRows;
    private final StringBuilder body = new StringBuilder(1 << 20);
    private final long[] intended;
    private int count;
    private long batches;
    private final String batchPrefix = Long.toHexString(System.nanoTime());

    HttpSender(String host, int port, String table, LoadOptions o, LatencyRecorder latency) {
        this.uri = URI.create("http://" + host + ':' + port + "/v1/ingest/" + table + "?timestamp=ts");
        this.latency = latency;
        this.batchRows = o.batchRows();
        this.intended = new long[o.batchRows()];
    }

    @Override
    public void send(EventGenerator e, long intendedNanos) throws Exception {
        body.append("{\"ts\":\"").append(Instant.ofEpochSecond(e.tsMicros / 1_000_000, (e.tsMicros % 1_000_000) * 1_000))
                .append("\",\"user_id\":").append(e.userId)
                .append(",\"session_id\":\"").append(e.sessionId).append("\",\"event_type\":\"").append(e.eventType)
                .append("\",\"url\":\"").append(e.url).append("\",\"country\":\"").append(e.country)
                .append("\",\"device\":\"").append(e.device).append("\",\"value\":").append(e.value)
                .append(",\"duration_ms\":").append(e.durationMs).append(",\"is_mobile\":").append(e.isMobile)
                .append(",\"is_new_user\":").append(e.isNewUser).append("}\n");
        intended[count++] = intendedNanos;
        if (count == batchRows) {
            flush();
        }
    }

    @Override
    public void flush() throws Exception {
        if (count == 0) {
            return;
        }
        HttpRequest req = HttpRequest.newBuilder(uri).header("X-Quiver-Batch-Id", batchPrefix + '-' + batches++)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP ingest failed [status=" + r.statusCode() + ", body=" + r.body() + ']');
        }
        latency.recordBatch(System.nanoTime(), intended, count);
        body.setLength(0);
        count = 0;
    }

    @Override
    public void close() throws Exception {
        flush();
        http.close();
    }
}
