package io.quiver.client.ingest;

/**
 * The server's acknowledgement of one batch: it is durable (per the table's durability mode) and
 * visible to queries that start afterwards. {@code duplicate} is true when the server had already
 * applied this batch id (a retry whose first attempt got through): nothing was written twice.
 */
public record BatchAck(String table, String batchId, long rows, boolean duplicate, long sequence, int attempts) {}
