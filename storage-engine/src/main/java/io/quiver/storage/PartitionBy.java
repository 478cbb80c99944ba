package io.quiver.storage;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** How a table's rows are split into time partitions by their designated timestamp (UTC). */
public enum PartitionBy {
    NONE, HOUR, DAY, MONTH, YEAR;

    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    private static final long MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

    /** The start (micros since epoch, UTC) of the partition holding {@code micros}. */
    public long partitionStart(long micros) {
        return switch (this) {
            case NONE -> 0L;
            case HOUR -> Math.floorDiv(micros, MICROS_PER_HOUR) * MICROS_PER_HOUR;
            case DAY -> Math.floorDiv(micros, MICROS_PER_DAY) * MICROS_PER_DAY;
            case MONTH, YEAR -> {
                LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), 0, ZoneOffset.UTC);
                LocalDateTime start = this == MONTH
                        ? LocalDateTime.of(t.getYear(), t.getMonth(), 1, 0, 0)
                        : LocalDateTime.of(t.getYear(), 1, 1, 0, 0);
                yield start.toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
            }
        };
    }

    /** A directory-safe name of the partition starting at {@code start}, e.g. {@code 2026-11-23}. */
    public String partitionName(long start) {
        if (this == NONE) {
            return "default";
        }
        String iso = Instant.ofEpochSecond(Math.floorDiv(start, 1_000_000L)).toString(); // 2026-11-23T10:00:00Z
        return switch (this) {
            case HOUR -> iso.substring(0, 13).replace('T', '_');
            case DAY -> iso.substring(0, 10);
            case MONTH -> iso.substring(0, 7);
            case YEAR -> iso.substring(0, 4);
            case NONE -> "default";
        };
    }

    public static PartitionBy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw StorageException.invalid("unknown partitioning [partitionBy=" + s + ", expected one of NONE, HOUR, DAY, MONTH, YEAR]");
        }
    }
}
