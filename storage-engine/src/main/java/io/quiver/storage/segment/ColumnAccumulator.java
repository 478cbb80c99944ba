package io.quiver.storage.segment;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The writer's record of one column: each written chunk (where, how encoded, checksum, zone map)
 * and the exact segment-wide statistics, folded block by block.
 */
final class ColumnAccumulator {
    record Chunk(long offset, int storedLength, int decodedLength, Encoding encoding, int flags, int crc, ZoneMap zoneMap) {
    }

    private final ColumnType type;
    final List<Chunk> chunks = new ArrayList<>();
    private long nullCount;
    private boolean hasBounds;
    private boolean hasNaN;
    private long minLong = Long.MAX_VALUE;
    private long maxLong = Long.MIN_VALUE;
    private double minDouble = Double.POSITIVE_INFINITY;
    private double maxDouble = Double.NEGATIVE_INFINITY;
    /** Exact VARCHAR bounds, whatever their length; truncation to "unknown" happens per zone map. */
    private byte[] minBytes;
    private byte[] maxBytes;

    ColumnAccumulator(ColumnType type) {
        this.type = type;
    }

    /** Records the chunk just encoded by {@code encoder} from {@code values} (rows {@code [0, rows)}). */
    void add(long offset, BlockEncoder encoder, ColumnVector values, int rows) {
        BlockStats s = encoder.stats;
        ZoneMap zone = switch (type.physical()) {
            case LONG -> ZoneMap.ofLongs(type, rows, s.nullCount, s.minLong, s.maxLong);
            case DOUBLE -> ZoneMap.ofDoubles(rows, s.nullCount, s.hasBounds, s.minDouble, s.maxDouble, s.hasNaN);
            case BYTES -> {
                byte[] min = s.minRow < 0 ? null : slice(values, s.minRow);
                byte[] max = s.maxRow < 0 ? null : slice(values, s.maxRow);
                if (min != null && (minBytes == null || Arrays.compareUnsigned(min, minBytes) < 0)) {
                    minBytes = min;
                }
                if (max != null && (maxBytes == null || Arrays.compareUnsigned(max, maxBytes) > 0)) {
                    maxBytes = max;
                }
                yield ZoneMap.ofBytes(rows, s.nullCount, min, max);
            }
        };
        nullCount += s.nullCount;
        hasNaN |= s.hasNaN;
        if (s.hasBounds) {
            hasBounds = true;
            minLong = Math.min(minLong, s.minLong);
            maxLong = Math.max(maxLong, s.maxLong);
            minDouble = Math.min(minDouble, s.minDouble);
            maxDouble = Math.max(maxDouble, s.maxDouble);
        }
        chunks.add(new Chunk(offset, encoder.storedLength, encoder.decodedLength, encoder.encoding, encoder.flags,
                encoder.crc32c, zone));
    }

    private static byte[] slice(ColumnVector v, int row) {
        return Arrays.copyOfRange(v.bytes, v.offsets[row], v.offsets[row + 1]);
    }

    ZoneMap segmentZoneMap(long rowCount) {
        return switch (type.physical()) {
            case LONG -> ZoneMap.ofLongs(type, rowCount, nullCount, minLong, maxLong);
            case DOUBLE -> ZoneMap.ofDoubles(rowCount, nullCount, hasBounds, minDouble, maxDouble, hasNaN);
            case BYTES -> ZoneMap.ofBytes(rowCount, nullCount, minBytes, maxBytes);
        };
    }
}
