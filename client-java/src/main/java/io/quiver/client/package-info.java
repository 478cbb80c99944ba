/**
 * The Quiver Java client: {@link io.quiver.client.QuiverClient} connects to a server's gRPC port and
 * manages tables; {@link io.quiver.client.ingest.Ingestor} (in the {@code ingest} package) writes
 * rows in batches. The wire contract is {@code quiver/v1/ingest.proto} (generated classes in
 * {@code io.quiver.proto.v1}). Depends on gRPC, protobuf and Arrow Flight only, never on engine
 * classes. All memory is on the Java heap and owned by the objects that hold it.
 */
package io.quiver.client;
