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
 * Metadata results use a child closed before the call returns. The engine's worker threads copy
 * their result rows straight into Arrow record batches ({@link io.quiver.flight.sql.ArrowBatchEncoder},
 * buffers from the stream's allocator); the stream loads each into its root and sends it. Record
 * batches the client never got (cancel, failure) are freed by the engine's cursor when it closes.
 */
package io.quiver.flight.sql;
