/**
 * The Java client's query API over Arrow Flight SQL. {@link io.quiver.client.query.QueryClient}
 * owns one {@code RootAllocator} and one Flight connection and closes both; each {@link
 * io.quiver.client.query.QueryStream} owns its Flight stream and the one reused
 * {@code VectorSchemaRoot} inside it, released when the stream is closed.
 */
package io.quiver.client.query;
