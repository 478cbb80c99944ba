package io.quiver.flight.ingest;

import io.quiver.proto.v1.IngestAck;
import io.quiver.storage.table.AppendResult;
import io.quiver.storage.vector.RowBatch;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Arrow Flight {@code DoPut} into a table: each record batch of the stream is one ingest batch,
 * accepted or rejected whole, acknowledged by a {@link PutResult} whose application metadata is a
 * serialised {@link IngestAck}. A rejected batch ends the stream with an error naming the batch,
 * row and column; the batches acknowledged before it stay written.
 *
 * <p>Batch ids (for idempotent retries): the record batch's own application metadata (UTF-8) when
 * present, else {@code <prefix>-<batch index>} when the caller gives a prefix, else none.
 *
 * <p>This class holds no Flight server state, so the Flight SQL producer delegates its DoPut (and
 * the bulk-ingest command, and plain path descriptors) here: {@link io.quiver.flight.sql.QuiverFlightSqlProducer}.
 */
public final class FlightIngestHandler {
    private final TableWriter writer;
    private final BufferAllocator allocator;
    private final int maxInFlight;

    /** {@code allocator} is used for the small ack buffers only; the caller owns it. */
    public FlightIngestHandler(TableWriter writer, BufferAllocator allocator, int maxInFlight) {
        this.writer = writer;
        this.allocator = allocator;
        this.maxInFlight = maxInFlight;
    }

    private record Pending(int index, String batchId, CompletableFuture<AppendResult> result) {}

    /**
     * Reads the whole stream into {@code table}. Runs on the caller's thread (the Runnable that a
     * FlightProducer's acceptPut returns); sends exactly one final signal to {@code acks}.
     *
     * <p>Each batch is acknowledged as soon as it is durable, from the append's completion, in
     * stream order: a client that waits for acks before it sends more (a bounded window, as any
     * well-behaved writer has) must never wait on a batch whose ack is held back until the next one
     * arrives.
     */
    public void ingest(String table, String batchIdPrefix, String timestampHint, FlightStream stream,
                       FlightProducer.StreamListener<PutResult> acks) {
        AckPump pump = new AckPump(acks);
        int index = 0;
        try {
            while (stream.next()) {
                pump.throwIfFailed();
                VectorSchemaRoot root = stream.getRoot();
                String batchId = batchId(stream.getLatestMetadata(), batchIdPrefix, index);
                if (root.getRowCount() == 0) {
                    index++;
                    continue; // Flight writers often send an empty batch first: nothing to write, nothing to refuse
                }
                CompletableFuture<AppendResult> result;
                try {
                    IngestLimits limits = writer.limits();
                    ProtoBatchDecoder.checkRowCount(table, root.getRowCount(), limits);
                    TableWriter.Plan plan = writer.plan(table, ArrowBatchDecoder.incomingColumns(table, root, limits), timestampHint);
                    RowBatch batch = ArrowBatchDecoder.decode(table, root, plan, limits);
                    // At the memtable limit the storage engine waits for room (storage.memtable.full.wait.ms);
                    // not reading the stream meanwhile is the backpressure: HTTP/2 flow control holds the writer back.
                    result = writer.write(plan, batchId, batch);
                } catch (RuntimeException e) {
                    throw new BatchFailed(index, IngestFailure.from(e));
                }
                pump.add(new Pending(index, batchId, result));
                pump.awaitBelow(maxInFlight); // a stream holds at most maxInFlight unacknowledged batches
                index++;
            }
            pump.awaitBelow(1);
            pump.throwIfFailed();
            pump.finish(null);
        } catch (BatchFailed e) {
            pump.awaitAll();
            pump.finish(toFlight(e.failure, "record batch " + e.index + " rejected: ").toRuntimeException());
        } catch (RuntimeException e) {
            pump.awaitAll();
            pump.finish(toFlight(IngestFailure.from(e), "").toRuntimeException());
        }
    }

    /**
     * Sends the acks of a stream's batches in order, each as soon as it and every batch before it
     * are durable; called from the reading thread and from append completions, so it serialises
     * every signal to the (not thread-safe) listener and sends nothing after the final one.
     */
    private final class AckPump {
        private final FlightProducer.StreamListener<PutResult> acks;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private BatchFailed failure;
        private boolean finished;

        AckPump(FlightProducer.StreamListener<PutResult> acks) {
            this.acks = acks;
        }

        void add(Pending p) {
            synchronized (this) {
                pending.addLast(p);
            }
            p.result().whenComplete((r, t) -> pump());
        }

        /** Acks every leading batch that is done; records the first failure instead of acking it. */
        synchronized void pump() {
            while (!finished && failure == null && !pending.isEmpty() && pending.peekFirst().result().isDone()) {
                Pending p = pending.peekFirst();
                try {
                    AppendResult r = p.result().join();
                    send(p, r);
                    pending.pollFirst();
                } catch (java.util.concurrent.CompletionException e) {
                    failure = new BatchFailed(p.index(), IngestFailure.from(e.getCause()));
                }
            }
        }

        /** Waits until fewer than {@code limit} batches are unacknowledged (or one failed). */
        void awaitBelow(int limit) {
            while (true) {
                Pending head;
                synchronized (this) {
                    if (failure != null || pending.size() < limit) {
                        return;
                    }
                    head = pending.peekFirst();
                }
                head.result().handle((r, t) -> null).join();
                pump();
            }
        }

        synchronized void throwIfFailed() {
            if (failure != null) {
                throw failure;
            }
        }

        /** Waits for appends already under way so an error is not reported while they still run. */
        void awaitAll() {
            List<Pending> all;
            synchronized (this) {
                all = List.copyOf(pending);
            }
            for (Pending p : all) {
                p.result().handle((r, t) -> null).join();
            }
        }

        /** The one final signal: completed when {@code error} is null. */
        synchronized void finish(RuntimeException error) {
            finished = true;
            if (error == null) {
                acks.onCompleted();
            } else {
                acks.onError(error);
            }
        }

        private void send(Pending p, AppendResult r) {
            byte[] body = IngestAck.newBuilder().setBatchId(p.batchId()).setRowCount(r.rows()).setDuplicate(r.duplicate())
                    .setSequence(r.seq()).build().toByteArray();
            ArrowBuf buf = allocator.buffer(body.length);
            buf.setBytes(0, body);
            buf.writerIndex(body.length);
            try (PutResult result = PutResult.metadata(buf)) { // the result owns buf and frees it after sending
                acks.onNext(result);
            }
        }
    }

    private static String batchId(ArrowBuf metadata, String prefix, int index) {
        if (metadata != null && metadata.readableBytes() > 0) {
            byte[] b = new byte[(int) metadata.readableBytes()];
            metadata.getBytes(metadata.readerIndex(), b);
            return new String(b, StandardCharsets.UTF_8);
        }
        return prefix == null || prefix.isEmpty() ? "" : prefix + '-' + index;
    }

    static CallStatus toFlight(IngestFailure f, String prefix) {
        CallStatus s = switch (f.code()) {
            case NOT_FOUND -> CallStatus.NOT_FOUND;
            case ALREADY_EXISTS -> CallStatus.ALREADY_EXISTS;
            case RESOURCE_EXHAUSTED -> CallStatus.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> CallStatus.UNAVAILABLE;
            case INTERNAL -> CallStatus.INTERNAL;
            default -> CallStatus.INVALID_ARGUMENT;
        };
        return s.withDescription(prefix + f.getMessage()).withCause(f);
    }

    private static final class BatchFailed extends RuntimeException {
        final int index;
        final IngestFailure failure;

        BatchFailed(int index, IngestFailure failure) {
            super(failure.getMessage(), failure, false, false);
            this.index = index;
            this.failure = failure;
        }
    }
}
