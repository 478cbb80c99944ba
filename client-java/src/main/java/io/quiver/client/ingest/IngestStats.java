package io.quiver.client.ingest;

/** Counters of one ingestor since it was created. */
public record IngestStats(long rowsAdded, long rowsAcked, long batchesSent, long batchesAcked, long duplicates,
                          long retries, long batchesFailed, int inFlight, long unackedBytes) {}
