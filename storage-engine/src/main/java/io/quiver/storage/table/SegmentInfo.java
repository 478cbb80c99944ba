package io.quiver.storage.table;

/** What operators see of one live segment (admin listing). */
public record SegmentInfo(long id, String path, String partition, long rows, long bytes,
                          long minTimestamp, long maxTimestamp, int blocks) {}
