package io.quiver.bench.ingest;

import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/** Streams Arrow record batches with one Flight DoPut per thread; acks arrive in order, one per batch. */
final class FlightSender implements EventSender {
    static final Schema SCHEMA = new Schema(List.of(
            Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
            Field.nullable("user_id", new ArrowType.Int(64, true)),
            Field.nullable("session_id", ArrowType.Utf8.INSTANCE),
            Field.nullable("event_type", ArrowType.Utf8.INSTANCE),
            Field.nullable("url", ArrowType.Utf8.INSTANCE),
            Field.nullable("country", ArrowType.Utf8.INSTANCE),
            Field.nullable("device", ArrowType.Utf8.INSTANCE),
            Field.nullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
            Field.nullable("duration_ms", new ArrowType.Int(32, true)),
            Field.nullable("is_mobile", ArrowType.Bool.INSTANCE),
            Field.nullable("is_new_user", ArrowType.Bool.INSTANCE)));

    private record Sent(long[] intended, int count) {}

    /**
     * One ack per batch releases a window slot. An error (the server rejects a batch by ending the
     * DoPut) fails the run instead of leaving the sending threads waiting for acks that never come.
     */
    private final class AckListener implements FlightClient.PutListener {
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public void onNext(PutResult val) {
            Sent s = unacked.poll();
            if (s != null) {
                latency.recordBatch(System.nanoTime(), s.intended(), s.count());
            }
            window.release();
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
            window.release(Integer.MAX_VALUE / 2);
            done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }

        @Override
        public void getResult() {
            done.join();
        }
    }

    private final FlightClient client;
    private final VectorSchemaRoot root;
    private final FlightClient.ClientStreamListener put;
    private final LatencyRecorder latency;
    private final int batchRows;
    private final Semaphore window;
    private final ConcurrentLinkedQueue<Sent> unacked = new ConcurrentLinkedQueue<>();
    private long[] intended;
    private int count;
    private volatile Throwable failure;

    FlightSender(BufferAllocator allocator, String host, int port, String table, LoadOptions o, LatencyRecorder latency, int thread) {
        this.client = FlightClient.builder(allocator, Location.forGrpcInsecure(host, port)).build();
        this.root = VectorSchemaRoot.create(SCHEMA, allocator);
        this.latency = latency;
        this.batchRows = o.batchRows();
        this.window = new Semaphore(o.inFlight());
        this.intended = new long[batchRows];
        this.put = client.startPut(FlightDescriptor.path(table, "bench-" + thread + '-' + System.nanoTime()), root, new AckListener());
        root.allocateNew();
    }

    @Override
    public void send(EventGenerator e, long intendedNanos) throws Exception {
        int i = count;
        ((TimeStampMicroTZVector) root.getVector(0)).setSafe(i, e.tsMicros);
        ((BigIntVector) root.getVector(1)).setSafe(i, e.userId);
        setString(2, i, e.sessionId);
        setString(3, i, e.eventType);
        setString(4, i, e.url);
        setString(5, i, e.country);
        setString(6, i, e.device);
        ((Float8Vector) root.getVector(7)).setSafe(i, e.value);
        ((IntVector) root.getVector(8)).setSafe(i, (int) e.durationMs);
        ((BitVector) root.getVector(9)).setSafe(i, e.isMobile ? 1 : 0);
        ((BitVector) root.getVector(10)).setSafe(i, e.isNewUser ? 1 : 0);
        intended[count++] = intendedNanos;
        if (count == batchRows) {
            sendBatch();
        }
    }

    private void setString(int column, int row, String s) {
        ((VarCharVector) root.getVector(column)).setSafe(row, s.getBytes(StandardCharsets.UTF_8));
    }

    private void sendBatch() throws InterruptedException {
        if (count == 0) {
            return;
        }
        window.acquire();
        if (failure != null) {
            throw new IllegalStateException("Flight DoPut failed: " + failure.getMessage(), failure);
        }
        root.setRowCount(count);
        unacked.add(new Sent(intended, count));
        put.putNext();
        root.allocateNew();
        intended = new long[batchRows];
        count = 0;
    }

    @Override
    public void flush() throws Exception {
        sendBatch();
    }

    @Override
    public void close() throws Exception {
        sendBatch();
        put.completed();
        put.getResult();
        root.close();
        client.close();
    }
}
