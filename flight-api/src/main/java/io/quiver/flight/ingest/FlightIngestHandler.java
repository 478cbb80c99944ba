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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

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
     */
    public void ingest(String table, String batchIdPrefix, String timestampHint, FlightStream stream,
                       FlightProducer.StreamListener<PutResult> acks) {
        ArrayDeque<Pending> pending = new ArrayDeque<>();
        int index = 0;
        try {
            while (stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                String batchId = batchId(stream.getLatestMetadata(), batchIdPrefix, index);
                if (root.getRowCount() == 0) {
                    index++;
                    continue; // Flight writers often send an empty batch first: nothing to write, nothing to refuse
                }
                try {
                    IngestLimits limits = writer.limits();
                    ProtoBatchDecoder.checkRowCount(table, root.getRowCount(), limits);
                    TableWriter.Plan plan = writer.plan(table, ArrowBatchDecoder.incomingColumns(table, root, limits), timestampHint);
                    RowBatch batch = ArrowBatchDecoder.decode(table, root, plan, limits);
                    pending.addLast(new Pending(index, batchId, writer.write(plan, batchId, batch)));
                } catch (RuntimeException e) {
                    throw new BatchFailed(index, IngestFailure.from(e));
                }
                while (!pending.isEmpty() && (pending.peekFirst().result().isDone() || pending.size() >= maxInFlight)) {
                    ack(pending.pollFirst(), acks);
                }
                index++;
            }
            while (!pending.isEmpty()) {
                ack(pending.pollFirst(), acks);
            }
            acks.onCompleted();
        } catch (BatchFailed e) {
            awaitQuietly(pending);
            acks.onError(toFlight(e.failure, "record batch " + e.index + " rejected: ").toRuntimeException());
        } catch (RuntimeException e) {
            awaitQuietly(pending);
            acks.onError(toFlight(IngestFailure.from(e), "").toRuntimeException());
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

    private void ack(Pending p, FlightProducer.StreamListener<PutResult> acks) {
        AppendResult r;
        try {
            r = p.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatchFailed(p.index(), IngestFailure.from(e));
        } catch (ExecutionException e) {
            throw new BatchFailed(p.index(), IngestFailure.from(e.getCause()));
        }
        byte[] body = IngestAck.newBuilder().setBatchId(p.batchId()).setRowCount(r.rows()).setDuplicate(r.duplicate())
                .setSequence(r.seq()).build().toByteArray();
        ArrowBuf buf = allocator.buffer(body.length);
        buf.setBytes(0, body);
        buf.writerIndex(body.length);
        try (PutResult result = PutResult.metadata(buf)) { // the result owns buf and frees it after sending
            acks.onNext(result);
        }
    }

    /** Waits for appends already under way so the error is not reported while they still run. */
    private static void awaitQuietly(ArrayDeque<Pending> pending) {
        for (Pending p : pending) {
            p.result().handle((r, t) -> null).join();
        }
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
