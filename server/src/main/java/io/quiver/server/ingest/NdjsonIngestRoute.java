package io.quiver.server.ingest;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.quiver.flight.ingest.IngestFailure;
import io.quiver.flight.ingest.TableWriter;
import io.quiver.server.http.HttpResponses;
import io.quiver.server.http.HttpRoute;
import io.quiver.storage.TableSchema;
import io.quiver.storage.table.AppendResult;
import io.quiver.storage.table.Table;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;

/**
 * {@code POST /v1/ingest/{table}}: an NDJSON body (optionally {@code Content-Encoding: gzip}) written
 * as one batch, accepted whole or rejected whole.
 *
 * <ul>
 *   <li>{@code ?timestamp=<field>}: the designated timestamp if the table is created by this request.</li>
 *   <li>{@code X-Quiver-Batch-Id} header or {@code ?batchId=}: makes a retry safe (applied once).</li>
 *   <li>200 {@code {"table":..,"rows":N,"duplicate":false,"sequence":S}} once durable.</li>
 *   <li>400 {@code {"error":..,"errors":[{"line":3,"field":"price","message":..}]}} for bad input,
 *       404 for an unknown table or column when auto-create is off, 413 when the body (or its
 *       decompressed size) or the row count exceeds a limit, 503 (retry) when storage is busy.</li>
 * </ul>
 */
public final class NdjsonIngestRoute implements HttpRoute {
    public static final String PATH = "/v1/ingest/";
    public static final String BATCH_ID_HEADER = "X-Quiver-Batch-Id";

    private final TableWriter writer;
    private final long maxDecompressedBytes;
    private final long ackTimeoutMs;

    public NdjsonIngestRoute(TableWriter writer, long maxDecompressedBytes, long ackTimeoutMs) {
        this.writer = writer;
        this.maxDecompressedBytes = maxDecompressedBytes;
        this.ackTimeoutMs = ackTimeoutMs;
    }

    @Override
    public HttpMethod method() {
        return HttpMethod.POST;
    }

    @Override
    public String path() {
        return PATH;
    }

    @Override
    public FullHttpResponse handle(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String table = uri.path().substring(PATH.length());
        if (table.isEmpty() || table.contains("/")) {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "expected /v1/ingest/{table} [path=" + uri.path() + ']');
        }
        String batchId = request.headers().get(BATCH_ID_HEADER, param(uri, "batchId"));
        String timestampHint = param(uri, "timestamp");
        byte[] body;
        try {
            body = body(request);
        } catch (BodyTooLarge e) {
            return HttpResponses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage());
        } catch (IOException e) {
            return rejected(400, table, "cannot decompress the body: " + e.getMessage(), List.of());
        }
        NdjsonBatchParser.Parsed parsed;
        TableWriter.Plan plan;
        try {
            TableSchema schema = writer.storage().table(table).map(Table::schema).orElse(null);
            parsed = NdjsonBatchParser.parse(body, table, schema, timestampHint, writer.limits());
            String ts = schema != null ? schema.timestampColumn() : designatedTimestamp(parsed, timestampHint);
            plan = writer.plan(table, parsed.columns(), ts);
        } catch (NdjsonRejected e) {
            return rejected(400, table, "batch rejected: " + e.getMessage(), e.errors);
        } catch (IngestFailure f) {
            return failure(table, f, null);
        }
        try {
            AppendResult r = writer.write(plan, batchId, parsed.batch()).get(ackTimeoutMs, TimeUnit.MILLISECONDS);
            Map<String, Object> ok = new LinkedHashMap<>();
            ok.put("table", plan.table());
            ok.put("rows", r.rows());
            ok.put("duplicate", r.duplicate());
            ok.put("sequence", r.seq());
            return HttpResponses.json(HttpResponseStatus.OK, ok);
        } catch (ExecutionException e) {
            return failure(table, IngestFailure.from(e.getCause()), parsed.lineOfRow());
        } catch (TimeoutException e) {
            return rejected(503, table, "write not acknowledged in time; retry with the same batch id [timeoutMs=" + ackTimeoutMs + ']', List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return rejected(503, table, "interrupted", List.of());
        }
    }

    /** The timestamp the parser settled on for a new table (hint, or the first default name present). */
    private static String designatedTimestamp(NdjsonBatchParser.Parsed parsed, String hint) {
        if (hint != null && !hint.isEmpty()) {
            return hint;
        }
        for (String candidate : NdjsonBatchParser.DEFAULT_TIMESTAMP_NAMES) {
            for (var c : parsed.columns()) {
                if (c.name().equalsIgnoreCase(candidate)) {
                    return c.name();
                }
            }
        }
        return "";
    }

    private static String param(QueryStringDecoder uri, String name) {
        List<String> v = uri.parameters().get(name);
        return v == null || v.isEmpty() ? "" : v.getFirst();
    }

    private static final class BodyTooLarge extends Exception {
        BodyTooLarge(String message) {
            super(message, null, false, false);
        }
    }

    private byte[] body(FullHttpRequest request) throws IOException, BodyTooLarge {
        byte[] raw = ByteBufUtil.getBytes(request.content());
        String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING, "identity").trim();
        if (encoding.equalsIgnoreCase("identity")) {
            return raw;
        }
        if (!encoding.equalsIgnoreCase("gzip")) {
            throw new IOException("unsupported Content-Encoding [encoding=" + encoding + ", supported=gzip]");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 64 * 1024)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, raw.length * 4));
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxDecompressedBytes) { // a small body may inflate enormously: stop at the limit
                    throw new BodyTooLarge("decompressed body too large [limit=" + maxDecompressedBytes + ']');
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static FullHttpResponse failure(String table, IngestFailure f, long[] lineOfRow) {
        List<LineError> errors = new ArrayList<>();
        if (f.row() >= 0 || !f.column().isEmpty()) {
            long line = f.row() >= 0 && lineOfRow != null && f.row() < lineOfRow.length ? lineOfRow[(int) f.row()] : 0;
            errors.add(new LineError(line, f.column(), f.getMessage()));
        }
        return rejected(f.httpStatus(), table, f.getMessage(), errors);
    }

    private static FullHttpResponse rejected(int status, String table, String message, List<LineError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        body.put("table", table);
        List<Map<String, Object>> list = new ArrayList<>();
        for (LineError e : errors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", e.line());
            m.put("field", e.field());
            m.put("message", e.message());
            list.add(m);
        }
        body.put("errors", list);
        return HttpResponses.json(HttpResponseStatus.valueOf(status), body);
    }
}
