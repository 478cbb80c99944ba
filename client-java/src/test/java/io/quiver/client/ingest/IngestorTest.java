package io.quiver.client.ingest;

import io.grpc.Status;
import io.quiver.client.ColumnType;
import io.quiver.client.QuiverClient;
import io.quiver.proto.v1.IngestError;
import io.quiver.proto.v1.IngestRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingestor against a scripted server on a loopback port. */
class IngestorTest {
    private FakeIngestServer server;
    private QuiverClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeIngestServer();
        client = QuiverClient.builder("127.0.0.1", server.port()).apiToken("t0ken").build();
    }

    @AfterEach
    void stop() throws Exception {
        server.releaseHeld();
        try {
            client.close();
        } catch (RuntimeException ignored) {
            // tests that leave errors behind have asserted them already
        }
        server.close();
    }

    private static IngestOptions fast() {
        return new IngestOptions().retryPolicy(new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(40), 2.0, Duration.ofSeconds(20)));
    }

    @ParameterizedTest
    @EnumSource(IngestOptions.Transport.class)
    void batchesBySizeAndEveryRowArrivesOnce(IngestOptions.Transport transport) throws Exception {
        int total = 25_000;
        try (Ingestor in = client.newIngestor(fast().transport(transport).maxBatchRows(10_000).linger(Duration.ofMinutes(1)))) {
            CompletableFuture<BatchAck> last = null;
            for (int i = 0; i < total; i++) {
                last = in.row("events").setTimestampMicros("ts", 1_000L * i).set("seq", i).set("name", "n" + (i % 7)).add();
            }
            assertEquals(2, in.stats().batchesSent(), "two full batches are sent before flush");
            in.flush();
            assertTrue(last.isDone() && !last.isCompletedExceptionally());
            assertEquals(5_000, last.get().rows());
            IngestStats s = in.stats();
            assertEquals(total, s.rowsAdded());
            assertEquals(total, s.rowsAcked());
            assertEquals(0, s.inFlight());
            assertEquals(0, s.unackedBytes());
        }
        // Unary calls run in parallel and may arrive in any order: put them back in batch-id order.
        List<IngestRequest> inOrder = server.received.stream()
                .sorted(java.util.Comparator.comparingLong(r -> Long.parseLong(r.getBatchId().substring(r.getBatchId().lastIndexOf('-') + 1))))
                .toList();
        assertEquals(List.of(10_000, 10_000, 5_000), inOrder.stream().map(IngestRequest::getRowCount).toList());
        long seq = 0;
        for (IngestRequest r : inOrder) {
            assertEquals("events", r.getTable());
            for (int i = 0; i < r.getRowCount(); i++, seq++) {
                assertEquals(seq, WireRows.value(r, "seq", i));
                assertEquals(1_000L * seq, WireRows.value(r, "ts", i));
                assertEquals("n" + (seq % 7), WireRows.value(r, "name", i));
            }
        }
        assertEquals(3, server.received.stream().map(IngestRequest::getBatchId).distinct().count());
    }

    @Test
    void lingerSendsAPartlyFilledBatchWithoutFlush() throws Exception {
        try (Ingestor in = client.newIngestor(fast().linger(Duration.ofMillis(30)))) {
            long start = System.nanoTime();
            in.row("t").setTimestampMicros("ts", 1).add();
            BatchAck ack = in.row("t").setTimestampMicros("ts", 2).add().get(5, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(2, ack.rows());
            assertTrue(ms >= 25, "sent before the linger time: " + ms + " ms");
        }
        assertEquals(1, server.received.size());
    }

    @Test
    void batchesForDifferentTablesAreSeparate() throws Exception {
        try (Ingestor in = client.newIngestor(fast())) {
            in.row("a").setTimestampMicros("ts", 1).add();
            in.row("b").setTimestampMicros("ts", 2).set("x", 1.0).add();
            in.row("a").setTimestampMicros("ts", 3).add();
            in.flush();
        }
        assertEquals(2, server.received.size());
        IngestRequest a = server.received.stream().filter(r -> r.getTable().equals("a")).findFirst().orElseThrow();
        assertEquals(2, a.getRowCount());
    }

    @ParameterizedTest
    @EnumSource(IngestOptions.Transport.class)
    void transientFailuresAreRetriedWithTheSameBatchId(IngestOptions.Transport transport) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server.behaviour = r -> calls.incrementAndGet() <= 2
                ? new FakeIngestServer.BreakStream(Status.UNAVAILABLE.withDescription("restarting"))
                : new FakeIngestServer.Ack(calls.get() == 3);
        try (Ingestor in = client.newIngestor(fast().transport(transport))) {
            CompletableFuture<BatchAck> f = in.row("t").setTimestampMicros("ts", 1).set("v", 5).add();
            in.flush();
            BatchAck ack = f.get();
            assertEquals(3, ack.attempts());
            assertTrue(ack.duplicate());
            assertEquals(2, in.stats().retries());
        }
        assertEquals(3, server.received.size());
        assertEquals(1, server.received.stream().map(IngestRequest::getBatchId).distinct().count(), "a retry reuses the batch id");
        assertEquals(server.received.get(0), server.received.get(2), "a retry resends the identical request");
    }

    @Test
    void aBrokenStreamResendsEveryUnacknowledgedBatchOnANewStream() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // The first 5 requests are held (no ack); the 6th breaks the stream: all 6 must be resent.
        server.behaviour = r -> {
            int n = calls.incrementAndGet();
            return n <= 5 ? new FakeIngestServer.Hold()
                    : n == 6 ? new FakeIngestServer.BreakStream(Status.UNAVAILABLE) : new FakeIngestServer.Ack(false);
        };
        try (Ingestor in = client.newIngestor(fast().maxBatchRows(10).maxInFlightBatches(8))) {
            for (int i = 0; i < 60; i++) {
                in.row("t").setTimestampMicros("ts", i).set("i", i).add();
            }
            in.flush();
            assertEquals(60, in.stats().rowsAcked());
        }
        Set<String> ids = new HashSet<>();
        Set<Long> values = new HashSet<>();
        for (IngestRequest r : server.received) {
            ids.add(r.getBatchId());
            for (int i = 0; i < r.getRowCount(); i++) {
                values.add((Long) WireRows.value(r, "i", i));
            }
        }
        assertEquals(6, ids.size());
        assertEquals(60, values.size());
        assertTrue(server.received.size() >= 12, "the held and the breaking batches were resent: " + server.received.size());
    }

    @Test
    void overdueAcksCancelTheStreamAndAreRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server.behaviour = r -> calls.incrementAndGet() == 1 ? new FakeIngestServer.Hold() : new FakeIngestServer.Ack(false);
        try (Ingestor in = client.newIngestor(fast().ackTimeout(Duration.ofMillis(200)))) {
            CompletableFuture<BatchAck> f = in.row("t").setTimestampMicros("ts", 1).add();
            in.flush();
            assertEquals(2, f.get().attempts(), "the stalled attempt was abandoned and retried");
        }
        assertEquals(2, server.received.size());
    }

    @ParameterizedTest
    @EnumSource(IngestOptions.Transport.class)
    void permanentErrorsNameTheRowAndColumnAndAreNotRetried(IngestOptions.Transport transport) throws Exception {
        server.behaviour = r -> r.getRowCount() == 3
                ? new FakeIngestServer.Fail(Status.INVALID_ARGUMENT, IngestError.newBuilder().setCode(IngestError.Code.INVALID_ARGUMENT)
                        .setMessage("value out of range for SMALLINT").setRow(1).setColumn("level").build())
                : new FakeIngestServer.Ack(false);
        List<IngestException> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Ingestor in = client.newIngestor(fast().transport(transport).maxBatchRows(3).errorHandler(handled::add))) {
            in.row("t").setTimestampMicros("ts", 1).set("level", 1).add();
            CompletableFuture<BatchAck> bad = in.row("t").setTimestampMicros("ts", 2).set("level", 70_000).add();
            in.row("t").setTimestampMicros("ts", 3).set("level", 1).add();
            IngestException e = assertThrows(IngestException.class, in::flush);
            assertEquals("INVALID_ARGUMENT", e.code());
            assertEquals(1, e.row());
            assertEquals("level", e.column());
            assertEquals(1, e.rowOrdinal(), "second row added overall");
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("column=level"), e.getMessage());
            ExecutionException ee = assertThrows(ExecutionException.class, bad::get);
            assertInstanceOf(IngestException.class, ee.getCause());
            assertEquals(1, handled.size());
            in.flush(); // errors are reported once
        }
        assertEquals(1, server.received.size(), "a permanent error is not retried");
    }

    @Test
    void aTypeChangeWithinABatchFailsTheAddAtOnce() {
        try (Ingestor in = client.newIngestor(fast())) {
            in.row("t").setTimestampMicros("ts", 1).set("x", 1).add();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> in.row("t").setTimestampMicros("ts", 2).set("x", "one").add());
            assertTrue(e.getMessage().contains("column=x") && e.getMessage().contains("rowOrdinal=1"), e.getMessage());
            in.flush();
            assertEquals(1, in.stats().rowsAcked());
        }
    }

    @Test
    void aSlowServerBlocksProducersInsteadOfGrowingMemory() throws Exception {
        server.behaviour = r -> new FakeIngestServer.Hold();
        int window = 4;
        IngestOptions opts = fast().maxBatchRows(1_000).maxInFlightBatches(window).linger(Duration.ofMillis(5));
        try (Ingestor in = client.newIngestor(opts)) {
            AtomicLong added = new AtomicLong();
            Thread producer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100_000; i++) {
                    in.row("t").setTimestampMicros("ts", i).set("payload", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").add();
                    added.incrementAndGet();
                }
            });
            long maxUnacked = 0;
            long maxInFlight = 0;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800);
            while (System.nanoTime() < deadline) {
                IngestStats s = in.stats();
                maxUnacked = Math.max(maxUnacked, s.unackedBytes());
                maxInFlight = Math.max(maxInFlight, s.inFlight());
                Thread.sleep(5);
            }
            long stalledAt = added.get();
            assertTrue(stalledAt <= (window + 1) * 1_000L + 1, "producer must block once the window is full: added=" + stalledAt);
            assertTrue(producer.isAlive());
            assertEquals(window, maxInFlight);
            long batchBytes = 1_000L * (6 + 50 + 2);
            assertTrue(maxUnacked <= (window + 1) * batchBytes, "unacked bytes bounded: " + maxUnacked);
            while (producer.isAlive()) { // acks flow again: the producer finishes
                server.releaseHeld();
                producer.join(10);
            }
            server.behaviour = r -> new FakeIngestServer.Ack(false);
            server.releaseHeld();
            in.flush();
            assertEquals(100_000, in.stats().rowsAcked());
        }
    }

    @Test
    void failFastModeRefusesRowsAndSignalsWhenReady() throws Exception {
        server.behaviour = r -> new FakeIngestServer.Hold();
        IngestOptions opts = fast().maxBatchRows(10).maxInFlightBatches(2).backpressure(IngestOptions.Backpressure.FAIL);
        try (Ingestor in = client.newIngestor(opts)) {
            int accepted = 0;
            CompletableFuture<BatchAck> refused = null;
            for (int i = 0; i < 100 && refused == null; i++) {
                CompletableFuture<BatchAck> f = in.row("t").setTimestampMicros("ts", i).add();
                if (f.isCompletedExceptionally()) {
                    refused = f;
                } else {
                    accepted++;
                }
            }
            assertEquals(30, accepted, "two batches in flight plus one waiting, then refusal");
            ExecutionException e = assertThrows(ExecutionException.class, refused::get);
            assertInstanceOf(IngestBackpressureException.class, e.getCause());
            CompletableFuture<Void> ready = in.whenReady();
            assertFalse(ready.isDone());
            while (server.heldCount() < 2) {
                Thread.sleep(1);
            }
            server.behaviour = r -> new FakeIngestServer.Ack(false);
            server.releaseHeld();
            ready.get(5, TimeUnit.SECONDS);
            assertFalse(in.row("t").setTimestampMicros("ts", 1).add().isCompletedExceptionally());
            in.flush();
            assertEquals(31, in.stats().rowsAcked());
        }
    }

    @Test
    void columnarBatchesAreSentWhole() throws Exception {
        long[] ts = {10, 20, 30};
        long[] ids = {1, 2, 3};
        boolean[] idNulls = {false, true, false};
        ColumnBatch b = ColumnBatch.builder("t", 3).timestamps("ts", ts).longs("id", ColumnType.INT, ids, idNulls)
                .doubles("v", new double[]{0.5, 1.5, 2.5}, null).strings("s", new String[]{"a", null, "ç"})
                .booleans("f", new boolean[]{true, false, true}, null).build();
        try (Ingestor in = client.newIngestor(fast())) {
            assertEquals(3, in.write(b).get(5, TimeUnit.SECONDS).rows());
        }
        IngestRequest r = server.received.getFirst();
        assertEquals(3, r.getRowCount());
        assertEquals(io.quiver.proto.v1.ColumnType.COLUMN_TYPE_INT, WireRows.column(r, "id").getType());
        assertEquals(3L, WireRows.value(r, "id", 2));
        assertEquals(null, WireRows.value(r, "id", 1));
        assertEquals("ç", WireRows.value(r, "s", 2));
        assertEquals(null, WireRows.value(r, "s", 1));
        assertEquals(2.5, WireRows.value(r, "v", 2));
        assertEquals(0L, WireRows.value(r, "f", 1));
    }
}
