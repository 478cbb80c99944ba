package io.quiver.server.ingest;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.quiver.client.ColumnDefinition;
import io.quiver.client.ColumnType;
import io.quiver.client.QuiverClient;
import io.quiver.client.QuiverException;
import io.quiver.client.TableDefinition;
import io.quiver.client.TableInfo;
import io.quiver.client.ingest.BatchAck;
import io.quiver.client.ingest.ColumnBatch;
import io.quiver.client.ingest.IngestException;
import io.quiver.client.ingest.IngestOptions;
import io.quiver.client.ingest.Ingestor;
import io.quiver.proto.v1.Column;
import io.quiver.proto.v1.IngestAck;
import io.quiver.proto.v1.IngestRequest;
import io.quiver.proto.v1.IngestServiceGrpc;
import io.quiver.server.QuiverServer;
import io.quiver.server.config.ServerConfig;
import io.quiver.storage.table.Table;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every ingest door against a real server on free loopback ports; data read back through the scan API. */
class IngestEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final long T0_MICROS = T0.getEpochSecond() * 1_000_000L;

    @TempDir
    Path dir;
    private QuiverServer server;
    private QuiverClient client;

    @BeforeEach
    void start() throws Exception {
        server = QuiverServer.start(ServerConfig.load(new String[]{"--data.dir=" + dir, "--http.port=0", "--grpc.port=0",
                "--flight.port=0", "--grpc.max.message.bytes=1048576", "--http.max.content.bytes=1048576",
                "--ingest.max.string.bytes=1000"}, Map.of()));
        client = QuiverClient.builder("127.0.0.1", server.grpcPort()).build();
    }

    @AfterEach
    void stop() {
        try {
            client.close();
        } finally {
            server.close();
        }
    }

    private Table table(String name) {
        return server.storage().tableOrThrow(name);
    }

    private static IngestOptions options() {
        return new IngestOptions().maxBatchRows(1_000).linger(Duration.ofMillis(5));
    }

    @Test
    void clientStreamAndUnaryBatchesArriveValueByValue() throws Exception {
        int rows = 2_500;
        try (Ingestor in = client.newIngestor(options())) {
            for (int i = 0; i < rows; i++) {
                var r = in.row("events").set("ts", T0.plusMillis(i)).set("user_id", i).set("session", "s" + (i % 10));
                if (i % 3 != 0) {
                    r.set("value", i * 0.5);
                }
                if (i % 5 == 0) {
                    r.set("flag", i % 2 == 0).set("day", LocalDate.of(2026, 1, 1).plusDays(i % 7));
                }
                r.add();
            }
            in.flush();
        }
        // A columnar batch with a unary call, into the same (now existing) table.
        long[] ts = {T0_MICROS + 10_000_000_000L, T0_MICROS + 10_000_000_001L};
        BatchAck ack = client.ingest(ColumnBatch.builder("events", 2).timestamps("ts", ts)
                .longs("user_id", ColumnType.BIGINT, new long[]{-1, -2}, new boolean[]{false, true})
                .strings("session", new String[]{null, "ç😀"}).build(), "unary-1");
        assertEquals(2, ack.rows());
        assertFalse(ack.duplicate());

        List<Map<String, Object>> got = TableContents.read(table("events"), "ts");
        assertEquals(rows + 2, got.size());
        for (int i = 0; i < rows; i++) {
            Map<String, Object> r = got.get(i);
            assertEquals(T0_MICROS + i * 1_000L, r.get("ts"), "row " + i);
            assertEquals((long) i, r.get("user_id"), "row " + i);
            assertEquals("s" + (i % 10), r.get("session"), "row " + i);
            assertEquals(i % 3 != 0 ? i * 0.5 : null, r.get("value"), "row " + i);
            assertEquals(i % 5 == 0 ? (Object) (i % 2 == 0) : null, r.get("flag"), "row " + i);
            assertEquals(i % 5 == 0 ? (Object) LocalDate.of(2026, 1, 1).plusDays(i % 7).toEpochDay() : null, r.get("day"), "row " + i);
        }
        assertEquals(-1L, got.get(rows).get("user_id"));
        assertNull(got.get(rows).get("session"));
        assertNull(got.get(rows + 1).get("user_id"));
        assertEquals("ç😀", got.get(rows + 1).get("session"));
        assertNull(got.get(rows + 1).get("value"));

        TableInfo info = client.describeTable("events");
        assertEquals(rows + 2, info.rowCount());
        assertEquals("ts", info.definition().timestampColumn());
        assertEquals(List.of("events"), client.listTables());
        assertEquals("NOT_FOUND", assertThrows(QuiverException.class, () -> client.describeTable("nope")).code());
    }

    @Test
    void aTableWithoutATimestampTakesRowsFromTheClientAndNdjson() throws Exception {
        TableDefinition def = TableDefinition.withoutTimestamp("users", ColumnDefinition.of("id", ColumnType.BIGINT),
                ColumnDefinition.of("name", ColumnType.VARCHAR));
        TableDefinition created = client.createTable(def, false);
        assertFalse(created.hasTimestamp());
        assertEquals("NONE", created.partitionBy());
        try (Ingestor in = client.newIngestor(options())) {
            in.row("users").set("id", 2).set("name", "bob").add();
            in.row("users").set("id", 1).add();
            in.flush();
        }
        HttpResponse<String> r = postNdjson("users", "{\"id\":3,\"name\":\"çé\"}\n{\"id\":4}\n", Map.of(), false);
        assertEquals(200, r.statusCode(), r.body());
        List<Map<String, Object>> got = TableContents.read(table("users"), "id");
        assertEquals(List.of(1L, 2L, 3L, 4L), got.stream().map(m -> m.get("id")).toList());
        assertEquals("çé", got.get(2).get("name"));
        assertNull(got.get(0).get("name"));
        assertFalse(client.describeTable("users").definition().hasTimestamp());
        // A batch that would create a table still needs a timestamp: events without one are refused clearly.
        HttpResponse<String> noTs = postNdjson("fresh", "{\"id\":1}\n", Map.of(), false);
        assertEquals(400, noTs.statusCode(), noTs.body());
        assertTrue(noTs.body().contains("designated timestamp"), noTs.body());
    }

    @Test
    void createTableThenIngestConvertsIntegersToTheColumnTypes() throws Exception {
        TableDefinition def = new TableDefinition("metrics", List.of(ColumnDefinition.of("at", ColumnType.TIMESTAMP),
                ColumnDefinition.of("level", ColumnType.SMALLINT), ColumnDefinition.of("score", ColumnType.DOUBLE)), "at", List.of(), "HOUR", 0);
        assertEquals(1, client.createTable(def, false).version());
        assertEquals("ALREADY_EXISTS", assertThrows(QuiverException.class, () -> client.createTable(def, false)).code());
        assertEquals("HOUR", client.createTable(def, true).partitionBy());
        try (Ingestor in = client.newIngestor(options())) {
            in.row("metrics").set("at", T0).set("level", 7).set("score", 3).add();
            in.flush();
            in.row("metrics").set("at", T0).set("level", 70_000).add();
            IngestException e = assertThrows(IngestException.class, in::flush);
            assertEquals("INVALID_ARGUMENT", e.code());
            assertEquals("level", e.column());
            assertEquals(0, e.row());
            assertEquals(1, e.rowOrdinal());
        }
        List<Map<String, Object>> got = TableContents.read(table("metrics"), "at");
        assertEquals(1, got.size());
        assertEquals(7L, got.getFirst().get("level"));
        assertEquals(3.0, got.getFirst().get("score"));
    }

    @Test
    void theSameBatchIdIsAppliedOnce() throws Exception {
        ColumnBatch b = ColumnBatch.builder("dedup", 3).timestamps("ts", new long[]{1, 2, 3}).longs("v", ColumnType.BIGINT, new long[]{1, 2, 3}, null).build();
        assertFalse(client.ingest(b, "batch-42").duplicate());
        assertTrue(client.ingest(b, "batch-42").duplicate());
        assertFalse(client.ingest(b, "batch-43").duplicate());
        HttpResponse<String> first = postNdjson("dedup", "{\"ts\":4,\"v\":4}\n", Map.of("X-Quiver-Batch-Id", "http-1"), false);
        HttpResponse<String> again = postNdjson("dedup", "{\"ts\":4,\"v\":4}\n", Map.of("X-Quiver-Batch-Id", "http-1"), false);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(again.body().contains("\"duplicate\":true"), again.body());
        assertEquals(7, TableContents.read(table("dedup"), "ts").size());
    }

    private HttpResponse<String> postNdjson(String table, String body, Map<String, String> headers, boolean gzip) throws Exception {
        return postBytes("/v1/ingest/" + table, gzip ? gzip(body.getBytes(StandardCharsets.UTF_8)) : body.getBytes(StandardCharsets.UTF_8), headers, gzip);
    }

    private HttpResponse<String> postBytes(String path, byte[] body, Map<String, String> headers, boolean gzip) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/x-ndjson");
        if (gzip) {
            b.header("Content-Encoding", "gzip");
        }
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(byte[] in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(in);
        }
        return out.toByteArray();
    }

    @Test
    void ndjsonOverHttpPlainAndGzipAcceptedWholeOrRejectedWhole() throws Exception {
        String body = """
                {"ts":"2026-11-23T10:00:00Z","user":"ann","amount":12.5,"n":1,"ok":true}
                {"ts":"2026-11-23T10:00:01.000002Z","user":"bob","amount":null,"n":2}
                """;
        HttpResponse<String> plain = postNdjson("web", body, Map.of(), false);
        assertEquals(200, plain.statusCode(), plain.body());
        assertTrue(plain.body().contains("\"rows\":2"), plain.body());
        HttpResponse<String> zipped = postNdjson("web", "{\"ts\":\"2026-11-23T10:00:02Z\",\"user\":\"cy\",\"n\":3}\n", Map.of(), true);
        assertEquals(200, zipped.statusCode(), zipped.body());

        HttpResponse<String> bad = postNdjson("web", """
                {"ts":"2026-11-23T10:00:03Z","user":"dan","n":4}
                {"ts":"2026-11-23T10:00:04Z","user":"eve","n":"five"}
                {"ts":"2026-11-23T10:00:05Z","user":"fay","n":6
                """, Map.of(), false);
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("\"line\":2,\"field\":\"n\""), bad.body());
        assertTrue(bad.body().contains("\"line\":3"), bad.body());

        List<Map<String, Object>> got = TableContents.read(table("web"), "ts");
        assertEquals(3, got.size(), "the rejected batch wrote nothing, not even its good first line");
        assertEquals("ann", got.get(0).get("user"));
        assertEquals(12.5, got.get(0).get("amount"));
        assertEquals(true, got.get(0).get("ok"));
        assertNull(got.get(1).get("amount"));
        assertNull(got.get(1).get("ok"));
        assertEquals(T0_MICROS + 1_000_002L, got.get(1).get("ts"));
        assertEquals(3L, got.get(2).get("n"));
    }

    @Test
    void flightDoPutWritesRecordBatchesAndAcksEach() throws Exception {
        try (BufferAllocator alloc = new RootAllocator();
             FlightClient flight = FlightClient.builder(alloc, Location.forGrpcInsecure("127.0.0.1", server.flightPort())).build();
             VectorSchemaRoot root = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(List.of(
                     org.apache.arrow.vector.types.pojo.Field.nullable("ts", new org.apache.arrow.vector.types.pojo.ArrowType.Timestamp(
                             org.apache.arrow.vector.types.TimeUnit.MICROSECOND, "UTC")),
                     org.apache.arrow.vector.types.pojo.Field.nullable("id", new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)),
                     org.apache.arrow.vector.types.pojo.Field.nullable("name", org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE),
                     org.apache.arrow.vector.types.pojo.Field.nullable("x", new org.apache.arrow.vector.types.pojo.ArrowType.FloatingPoint(
                             org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)))), alloc)) {
            List<IngestAck> acks = new CopyOnWriteArrayList<>();
            java.util.concurrent.Semaphore acked = new java.util.concurrent.Semaphore(0);
            FlightClient.ClientStreamListener put = flight.startPut(FlightDescriptor.path("arrow_events", "load-1"), root, new AsyncPutListener() {
                @Override
                public void onNext(PutResult val) {
                    byte[] b = new byte[(int) val.getApplicationMetadata().readableBytes()];
                    val.getApplicationMetadata().getBytes(0, b);
                    try {
                        acks.add(IngestAck.parseFrom(b));
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                    acked.release();
                }
            });
            for (int batch = 0; batch < 3; batch++) {
                root.allocateNew();
                for (int i = 0; i < 100; i++) {
                    int n = batch * 100 + i;
                    ((TimeStampMicroTZVector) root.getVector("ts")).setSafe(i, T0_MICROS + n);
                    ((BigIntVector) root.getVector("id")).setSafe(i, n);
                    if (n % 4 == 0) {
                        ((VarCharVector) root.getVector("name")).setNull(i);
                    } else {
                        ((VarCharVector) root.getVector("name")).setSafe(i, ("n" + n).getBytes(StandardCharsets.UTF_8));
                    }
                    if (n % 3 == 0) {
                        ((Float8Vector) root.getVector("x")).setNull(i);
                    } else {
                        ((Float8Vector) root.getVector("x")).setSafe(i, n / 10.0);
                    }
                }
                root.setRowCount(100);
                put.putNext();
                // A writer with a window of one: each ack must come while the stream stays open,
                // not only when the next batch (or the end of the stream) reaches the server.
                assertTrue(acked.tryAcquire(20, java.util.concurrent.TimeUnit.SECONDS),
                        "batch " + batch + " acknowledged before the next one is sent");
            }
            put.completed();
            put.getResult();
            assertEquals(List.of("load-1-0", "load-1-1", "load-1-2"), acks.stream().map(IngestAck::getBatchId).toList());
            assertEquals(300, acks.stream().mapToLong(IngestAck::getRowCount).sum());

            // A record batch with a NULL designated timestamp is refused, naming row and column.
            root.allocateNew();
            ((TimeStampMicroTZVector) root.getVector("ts")).setNull(0);
            ((BigIntVector) root.getVector("id")).setSafe(0, 1);
            root.setRowCount(1);
            FlightClient.ClientStreamListener bad = flight.startPut(FlightDescriptor.path("arrow_events"), root, new AsyncPutListener());
            bad.putNext();
            bad.completed();
            FlightRuntimeException e = assertThrows(FlightRuntimeException.class, bad::getResult);
            assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code());
            assertTrue(e.getMessage().contains("row=0") && e.getMessage().contains("column=ts"), e.getMessage());
        }
        List<Map<String, Object>> got = TableContents.read(table("arrow_events"), "ts");
        assertEquals(300, got.size());
        for (int n = 0; n < 300; n++) {
            assertEquals(T0_MICROS + n, got.get(n).get("ts"));
            assertEquals((long) n, got.get(n).get("id"));
            assertEquals(n % 4 == 0 ? null : "n" + n, got.get(n).get("name"));
            assertEquals(n % 3 == 0 ? null : n / 10.0, got.get(n).get("x"));
        }
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    private static Status.Code ingestError(IngestServiceGrpc.IngestServiceBlockingStub stub, IngestRequest r) {
        return assertThrows(StatusRuntimeException.class, () -> stub.ingest(r)).getStatus().getCode();
    }

    @Test
    void badInputGetsClearErrorsAndLosesNothingElse() throws Exception {
        ColumnBatch good = ColumnBatch.builder("strict", 2).timestamps("ts", new long[]{1, 2})
                .longs("n", ColumnType.BIGINT, new long[]{1, 2}, null).strings("s", new String[]{"a", "b"}).build();
        client.ingest(good, "good-1");
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        try {
            IngestServiceGrpc.IngestServiceBlockingStub stub = IngestServiceGrpc.newBlockingStub(channel);
            // Malformed protobuf bytes: a length-delimited field that claims more bytes than follow.
            MethodDescriptor<byte[], byte[]> raw = IngestServiceGrpc.getIngestMethod().toBuilder(BYTES, BYTES).build();
            StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT, new byte[]{0x0A, 0x10, 's'}));
            assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode(), malformed.toString());

            IngestRequest base = IngestRequest.newBuilder().setTable("strict").setBatchId("x").setRowCount(1)
                    .addColumns(Column.newBuilder().setName("ts").setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_TIMESTAMP).addLongValues(5)).build();
            // Zero rows.
            assertEquals(Status.Code.INVALID_ARGUMENT, ingestError(stub, base.toBuilder().setRowCount(0).clearColumns().build()));
            // 10x the message size limit (1 MiB): refused by gRPC before decoding.
            Column huge = Column.newBuilder().setName("s").setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_VARCHAR)
                    .setStringData(com.google.protobuf.ByteString.copyFrom(new byte[10 << 20])).addStringLengths(10 << 20).build();
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, ingestError(stub, base.toBuilder().addColumns(huge).build()));
            // 10 000 columns.
            IngestRequest.Builder wide = base.toBuilder();
            for (int i = 0; i < 10_000; i++) {
                wide.addColumns(Column.newBuilder().setName("c" + i).setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BIGINT).addLongValues(i));
            }
            StatusRuntimeException tooWide = assertThrows(StatusRuntimeException.class, () -> stub.ingest(wide.build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, tooWide.getStatus().getCode());
            assertTrue(tooWide.getStatus().getDescription().contains("too many columns"), tooWide.toString());
            // A column whose type changes: n is BIGINT in the table.
            StatusRuntimeException changed = assertThrows(StatusRuntimeException.class, () -> stub.ingest(base.toBuilder()
                    .addColumns(Column.newBuilder().setName("n").setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_VARCHAR)
                            .setStringData(com.google.protobuf.ByteString.copyFromUtf8("x")).addStringLengths(1)).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, changed.getStatus().getCode());
            assertTrue(changed.getStatus().getDescription().contains("column=n"), changed.toString());
            assertEquals("n", changed.getTrailers().get(io.quiver.flight.ingest.IngestFailure.TRAILER).getColumn());
            // Invalid UTF-8 in a VARCHAR.
            assertEquals(Status.Code.INVALID_ARGUMENT, ingestError(stub, base.toBuilder().addColumns(Column.newBuilder().setName("s")
                    .setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_VARCHAR).setStringData(com.google.protobuf.ByteString.copyFrom(new byte[]{(byte) 0xFF}))
                    .addStringLengths(1)).build()));
            // A string over the configured length (1000 bytes).
            assertEquals(Status.Code.INVALID_ARGUMENT, ingestError(stub, base.toBuilder().addColumns(Column.newBuilder().setName("s")
                    .setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_VARCHAR).setStringData(com.google.protobuf.ByteString.copyFrom(new byte[1001]))
                    .addStringLengths(1001)).build()));
            // A missing designated timestamp.
            assertEquals(Status.Code.INVALID_ARGUMENT, ingestError(stub, IngestRequest.newBuilder().setTable("strict").setRowCount(1)
                    .addColumns(Column.newBuilder().setName("n").setType(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_BIGINT).addLongValues(1)).build()));
        } finally {
            channel.shutdownNow();
        }
        // HTTP: truncated NDJSON, invalid UTF-8, a body 10x over the limit.
        HttpResponse<String> truncated = postNdjson("strict", "{\"ts\":3,\"n\":3}\n{\"ts\":4,\"n\":", Map.of(), false);
        assertEquals(400, truncated.statusCode());
        assertTrue(truncated.body().contains("\"line\":2"), truncated.body());
        byte[] invalid = "{\"ts\":3,\"s\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        invalid[invalid.length - 3] = (byte) 0xFF;
        HttpResponse<String> utf8 = postBytes("/v1/ingest/strict", invalid, Map.of(), false);
        assertEquals(400, utf8.statusCode(), utf8.body());
        byte[] oversized = new byte[10 << 20];
        java.util.Arrays.fill(oversized, (byte) ' ');
        assertEquals(413, postBytes("/v1/ingest/strict", oversized, Map.of(), false).statusCode());

        // Nothing else lost, server healthy, good batches still accepted.
        assertEquals(2, table("strict").rowCount());
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(health.body().contains("\"status\":\"ok\""), health.body());
        client.ingest(ColumnBatch.builder("strict", 1).timestamps("ts", new long[]{9}).build(), "good-2");
        assertEquals(3, TableContents.read(table("strict"), "ts").size());
        assertEquals(new ArrayList<>(List.of("strict")), new ArrayList<>(client.listTables()));
    }
}
