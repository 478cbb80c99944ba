package io.quiver.flight.sql;

import io.quiver.query.QueryContext;
import io.quiver.query.QueryEngine;
import io.quiver.query.QueryOptions;
import io.quiver.query.QueryResult;
import io.quiver.query.ResultCursor;
import io.quiver.storage.vector.RowBatch;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

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
            RowBatchWriter writer = null;
            long bytes = 0;
            for (String sql : sqls) {
                try (QueryResult result = engine.execute(sql, options)) {
                    if (!result.hasRows()) {
                        throw FlightErrors.invalid("statement does not return rows: send it as an update");
                    }
                    ResultCursor cursor = result.cursor();
                    if (root == null) {
                        root = VectorSchemaRoot.create(ArrowTypes.resultSchema(cursor.columnNames(), cursor.columnTypes()), allocator);
                        writer = new RowBatchWriter(root, cursor.columnTypes());
                        listener.start(root);
                    }
                    RowBatch batch;
                    while ((batch = cursor.next()) != null) {
                        if (batch.rowCount() == 0) {
                            continue;
                        }
                        if (!awaitReady()) {
                            options.context().cancel();
                            listener.error(CallStatus.CANCELLED.withDescription("client cancelled the stream").toRuntimeException());
                            return;
                        }
                        bytes += writer.write(batch);
                        if (maxBytes > 0 && bytes > maxBytes) {
                            throw FlightErrors.status(CallStatus.RESOURCE_EXHAUSTED, "result larger than allowed [bytes>" + maxBytes
                                    + ", limit=flight.result.max.bytes]", FlightErrors.PROGRAM_LIMIT);
                        }
                        listener.putNext(); // serialises the root now: it may be refilled right after
                    }
                }
            }
            listener.completed();
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
            } finally {
                onFinish.run();
            }
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
