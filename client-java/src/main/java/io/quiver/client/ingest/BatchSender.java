package io.quiver.client.ingest;

import io.quiver.proto.v1.IngestAck;

/** Carries one attempt of a batch to the server and reports its outcome exactly once. */
interface BatchSender extends AutoCloseable {
    /** Receives the outcome of each attempt; called on gRPC threads. */
    interface Listener {
        void acked(SealedBatch batch, IngestAck ack);

        void failed(SealedBatch batch, Failure failure);
    }

    void send(SealedBatch batch);

    /** Cancels attempts whose ack is overdue (they are then reported failed, and retried). */
    default void checkTimeouts(long nowNanos) {
    }

    @Override
    void close();
}
