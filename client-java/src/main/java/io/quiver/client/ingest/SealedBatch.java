package io.quiver.client.ingest;

import io.quiver.proto.v1.IngestRequest;

import java.util.concurrent.CompletableFuture;

/**
 * A batch ready to send: its request (fixed, so every retry carries the same batch id and rows),
 * the future its rows' callers wait on, and its attempt history. Holds one in-flight window permit
 * from its first send until it is acknowledged or fails for good.
 */
final class SealedBatch {
    final IngestRequest request;
    final String table;
    final String batchId;
    final int rows;
    final long wireBytes;
    final long firstRowOrdinal;
    final CompletableFuture<BatchAck> ack;
    /** Attempts made so far; written by the thread that sends, read by callbacks after it. */
    volatile int attempts;
    volatile long firstSendNanos;
    volatile long attemptSentNanos;

    SealedBatch(IngestRequest request, long wireBytes, long firstRowOrdinal, CompletableFuture<BatchAck> ack) {
        this.request = request;
        this.table = request.getTable();
        this.batchId = request.getBatchId();
        this.rows = request.getRowCount();
        this.wireBytes = wireBytes;
        this.firstRowOrdinal = firstRowOrdinal;
        this.ack = ack;
    }
}
