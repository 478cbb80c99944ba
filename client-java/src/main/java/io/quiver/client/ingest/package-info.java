/**
 * Client-side ingest: rows and columnar batches assembled per table ({@code BatchAssembler},
 * {@code ColumnBuffer}), sealed by size or time into encoded {@code IngestRequest} bytes (written
 * straight from the column buffers, {@code EncodedRequest}; every retry resends the same bytes), sent over one
 * {@code IngestStream} (or unary calls) within a bounded in-flight window, retried with backoff
 * under the same batch id, and acknowledged through futures. Everything is heap memory: an
 * assembler's buffers are owned by its {@code Ingestor} and reused batch after batch; a sealed
 * request is owned by its {@code SealedBatch} until acknowledged.
 */
package io.quiver.client.ingest;
