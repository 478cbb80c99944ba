/**
 * Arrow Flight SQL for Quiver: {@link io.quiver.flight.sql.QuiverFlightSqlProducer} answers
 * queries, prepared statements, updates, bulk ingest and catalog metadata; {@link
 * io.quiver.flight.sql.QuiverFlightServer} puts it on the flight port behind {@link
 * io.quiver.flight.sql.BearerTokenAuthenticator}.
 *
 * <p>Memory: the server's {@code RootAllocator} (limit {@code flight.max.memory.bytes}) is created
 * and closed by {@link io.quiver.flight.sql.QuiverFlightServer}. Each result stream takes a child
 * allocator, owned by that stream and closed when it ends (completed, failed or cancelled) and gRPC
 * has let go of its last message; its one {@code VectorSchemaRoot} is reused for every record batch
 * (with fresh buffers each time: messages are written zero-copy, gRPC holds a reference to their
 * buffers until they are on the socket) and closed by {@link io.quiver.flight.sql.ResultStream}.
 * Metadata results use a child closed before the call returns. Engine batches ({@code RowBatch}) are
 * on-heap, copied into Arrow buffers by {@link io.quiver.flight.sql.RowBatchWriter} and then handed
 * back to the engine's cursor for reuse.
 */
package io.quiver.flight.sql;
