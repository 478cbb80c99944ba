package io.quiver.client.ingest;


import java.util.concurrent.CompletableFuture;

/**
 * A batch ready to send: its request (fixed, so every retry carries the same batch id and rows),
 * the future its rows' callers wait on, and its attempt history. Holds one in-flight window permit
 * from its first send until it is acknowledged or fails for good.
 */
final class SealedBatch {
    final EncodedRequest request;
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

    SealedBatch(EncodedRequest request, long wireBytes, long firstRowOrdinal, CompletableFuture<BatchAck> ack) {
        this.request = request;
        this.table = request.table;
        this.batchId = request.batchId;
        this.rows = request.rows;
        this.wireBytes = wireBytes;
        this.firstRowOrdinal = firstRowOrdinal;
        this.ack = ack;
    }
}
