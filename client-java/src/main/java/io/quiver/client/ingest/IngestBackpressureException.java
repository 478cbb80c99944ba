package io.quiver.client.ingest;

import io.quiver.client.QuiverException;

/**
 * The in-flight window is full and the ingestor is in {@link IngestOptions.Backpressure#FAIL} mode:
 * the row was not added. Wait on {@link Ingestor#whenReady()} and add it again.
 */
public final class IngestBackpressureException extends QuiverException {
    public IngestBackpressureException(String message) {
        super("RESOURCE_EXHAUSTED", message, null);
    }
}
