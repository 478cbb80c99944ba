package io.quiver.bench.ingest;

/** One client thread's way of sending events through one ingest door. */
interface EventSender extends AutoCloseable {
    /** Queues the generator's current event; {@code intendedNanos} is when it was meant to be sent. */
    void send(EventGenerator e, long intendedNanos) throws Exception;

    /** Sends what is queued and waits for every ack. */
    void flush() throws Exception;

    /** Batches sent again after a transient refusal (the server busy or its memtable full), when the door retries. */
    default long retries() {
        return 0;
    }

    @Override
    void close() throws Exception;
}
