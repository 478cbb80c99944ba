package io.quiver.storage.table;

/**
 * The acknowledgement of one ingest batch: the WAL sequence it was written under, its row count,
 * and whether it was a retry of a batch id already applied (then nothing was written again).
 */
public record AppendResult(long seq, int rows, boolean duplicate) {}
