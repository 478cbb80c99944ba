/**
 * Server-side ingest, shared by every door: {@link io.quiver.flight.ingest.TableWriter} plans the
 * catalog changes a batch needs (auto-create, add columns, type widening) and appends;
 * {@link io.quiver.flight.ingest.IngestRequestReader} reads gRPC ingest requests off the wire into
 * exactly sized arrays ({@link io.quiver.flight.ingest.WireBatch}), and
 * {@link io.quiver.flight.ingest.ProtoBatchDecoder} and {@link io.quiver.flight.ingest.ArrowBatchDecoder}
 * turn those and Arrow batches into storage {@code RowBatch}es, validated with errors by row and
 * column ({@link io.quiver.flight.ingest.IngestFailure}); {@link io.quiver.flight.ingest.IngestGrpcService}
 * is the gRPC IngestService and {@link io.quiver.flight.ingest.FlightIngestHandler} the Flight DoPut.
 *
 * <p>Memory: decoded batches are heap arrays owned by the RowBatch until the storage engine has
 * appended them. Arrow buffers come from the {@link io.quiver.flight.sql.QuiverFlightServer}'s
 * allocator, which it owns and closes; ack buffers are freed by the PutResult that carries them.
 */
package io.quiver.flight.ingest;
