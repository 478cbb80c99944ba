package io.quiver.flight.sql;

import io.quiver.query.EncodedCursor;
import io.quiver.query.QueryContext;
import io.quiver.query.QueryEngine;
import io.quiver.query.QueryOptions;
import io.quiver.query.QueryResult;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

import java.util.List;

/**
 * One DoGet: runs the statement(s) and streams each engine batch as it arrives into a single
 * reused {@link VectorSchemaRoot}, waiting for the client whenever gRPC says it is not ready
 * (a slow reader slows the query through the engine's bounded result queue; nothing piles up
 * here). A client that cancels or disconnects cancels the query. Exactly one terminal signal,
 * {@code completed()} or {@code error()}, is sent. The stream's child allocator is owned here
 * and closed at the end, so leaked Arrow memory fails loudly.
 */
final class ResultStream implements Runnable {
    /** How often a stalled stream re-checks the query's deadline while waiting for the client. */
    private static final long READY_POLL_MS = 200;
    /**
     * The engine's workers gather their rows into record batches of up to about this many Arrow
     * bytes (for a ~115-byte row, one 8192-row segment block). Not more: gRPC Java's clients (Arrow's
     * FlightClient, the Flight SQL JDBC driver) start with a 1 MiB HTTP/2 receive window and only take
     * the next message when the reader asks for it, so a message larger than the window cannot be
     * sent while the client works on the previous one. In one A/B window 2 MiB messages (half the
     * messages) read 10 M rows in 2.6-2.9 s with CPU seconds equal to wall seconds (one core busy:
     * the stream waiting on the window) against 1.4 s best at 1 MiB; in a busier window the two
     * were alike (bench/RESULTS-flight.md). 1 MiB is the default that cannot stall that way.
     */
    static final long TARGET_MESSAGE_BYTES = 1L << 20;
    /** How long a finished stream waits for gRPC to let go of its zero-copy buffers before closing its allocator. */
    private static final long RELEASE_WAIT_NANOS = 30_000_000_000L;

    private final QueryEngine engine;
    private final List<String> sqls;
    private final QueryOptions options;
    private final ServerStreamListener listener;
    private final BufferAllocator allocator;
    private final long maxBytes;
    private final Runnable onFinish;
    private final CancellingBackpressure backpressure;

    ResultStream(QueryEngine engine, List<String> sqls, QueryOptions options, ServerStreamListener listener,
                 BufferAllocator allocator, long maxBytes, Runnable onFinish) {
        this.engine = engine;
        this.sqls = sqls;
        this.options = options;
        this.listener = listener;
        this.allocator = allocator;
        this.maxBytes = maxBytes;
        this.onFinish = onFinish;
        this.backpressure = new CancellingBackpressure(options.context());
    }

    /** Cancels the query when the client goes away. */
    private static final class CancellingBackpressure extends BackpressureStrategy.CallbackBackpressureStrategy {
        private final QueryContext ctx;

        CancellingBackpressure(QueryContext ctx) {
            this.ctx = ctx;
        }

        @Override
        protected void cancelCallback() {
            ctx.cancel();
        }
    }

    /** Registers the cancel/ready callbacks; call on the gRPC thread before handing the stream over. */
    void register() {
        backpressure.register(listener);
    }


    @Override
    public void run() {
        VectorSchemaRoot root = null;
        try {
            VectorLoader loader = null;
            ArrowBatchEncoder encoder = new ArrowBatchEncoder(allocator, TARGET_MESSAGE_BYTES);
            long bytes = 0;
            for (String sql : sqls) {
                // the encoder goes with the query, so the workers encode from its first row (QueryEngine.execute)
                try (QueryResult result = engine.execute(sql, options, encoder)) {
                    if (!result.hasRows()) {
                        throw FlightErrors.invalid("statement does not return rows: send it as an update");
                    }
                    // the engine's workers fill the Arrow buffers; this thread only loads and sends them
                    try (EncodedCursor<ArrowRecordBatch> cursor = result.cursor().encoded(encoder)) {
                        if (root == null) {
                            root = VectorSchemaRoot.create(ArrowTypes.resultSchema(cursor.columnNames(), cursor.columnTypes()), allocator);
                            loader = new VectorLoader(root);
                            listener.setUseZeroCopy(true); // gRPC writes the Arrow buffers themselves: they are never refilled
                            listener.start(root);
                        }
                        ArrowRecordBatch batch;
                        while ((batch = cursor.next()) != null) {
                            try {
                                bytes = send(loader, batch, bytes);
                            } finally {
                                batch.close(); // the root holds its own references now
                            }
                        }
                    }
                }
            }
            listener.completed();
        } catch (CancelledByClient e) {
            options.context().cancel();
            listener.error(CallStatus.CANCELLED.withDescription("client cancelled the stream").toRuntimeException());
        } catch (Throwable t) {
            options.context().cancel();
            try {
                listener.error(FlightErrors.from(t));
            } catch (RuntimeException ignored) {
                // the call is already closed (client gone): nothing left to tell
            }
        } finally {
            try {
                if (root != null) {
                    root.close();
                }
                awaitBuffersReleased();
            } finally {
                onFinish.run();
            }
        }
    }

    /** Thrown inside {@link #run} when the client went away while the stream waited for it. */
    private static final class CancelledByClient extends RuntimeException {
        CancelledByClient() {
            super("client cancelled the stream", null, false, false);
        }
    }

    /** Sends one record batch through the root once gRPC is ready; returns the stream's Arrow bytes so far. */
    private long send(VectorLoader loader, ArrowRecordBatch batch, long bytesSoFar) {
        if (!awaitReady()) {
            throw new CancelledByClient();
        }
        long bytes = bytesSoFar + batch.computeBodyLength();
        loader.load(batch); // the root's vectors drop the previous buffers (gRPC may still hold them) and take these
        if (maxBytes > 0 && bytes > maxBytes) {
            throw FlightErrors.status(CallStatus.RESOURCE_EXHAUSTED, "result larger than allowed [bytes>" + maxBytes
                    + ", limit=flight.result.max.bytes]", FlightErrors.PROGRAM_LIMIT);
        }
        listener.putNext(); // zero-copy: gRPC holds references to these buffers until written; the next write allocates new ones
        return bytes;
    }

    /**
     * Waits until gRPC has written (or dropped, when the call ended) every message still holding this
     * stream's buffers, so the stream allocator closes empty. Bounded: a client that neither reads
     * nor disconnects gets the query's deadline, then the close reports the leak.
     */
    private void awaitBuffersReleased() {
        long deadline = System.nanoTime() + RELEASE_WAIT_NANOS;
        long sleepMs = 1;
        while (allocator.getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sleepMs = Math.min(50, sleepMs * 2);
        }
    }

    /** Waits until gRPC can take a message; false when the client cancelled. Checks the deadline meanwhile. */
    private boolean awaitReady() {
        while (true) {
            if (listener.isCancelled()) {
                return false;
            }
            BackpressureStrategy.WaitResult r = backpressure.waitForListener(READY_POLL_MS);
            switch (r) {
                case READY -> {
                    return true;
                }
                case CANCELLED -> {
                    return false;
                }
                default -> options.context().checkAlive(); // throws past the deadline
            }
        }
    }
}
