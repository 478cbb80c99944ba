/**
 * Idempotent ingest: {@link io.quiver.storage.dedup.IdempotencyIndex} remembers, per table, which
 * client batch ids were written to the WAL and at which seq, in a persisted Chronicle Map
 * ({@code dedup.cm}). The index is a cache of what the WAL knows: a lost or corrupt file is
 * recreated empty and refilled by WAL replay.
 *
 * <h2>Memory and resources</h2>
 * The Chronicle Map memory-maps its file off the heap; the {@code IdempotencyIndex} that opened it is
 * its only owner and unmaps it in {@link io.quiver.storage.dedup.IdempotencyIndex#close()}. Values
 * are read into one reused heap instance per thread. Chronicle needs the JVM flags of
 * {@code quiver.jvm.flags} in the root pom.
 */
package io.quiver.storage.dedup;
