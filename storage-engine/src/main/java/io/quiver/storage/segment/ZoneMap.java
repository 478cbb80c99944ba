package io.quiver.storage.segment;

import io.quiver.storage.ColumnType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Statistics of one column over one block, or over the whole segment: row count, null count, and
 * min/max of the non-null values, so a scan can skip blocks and COUNT/MIN/MAX can be answered from
 * metadata. Immutable.
 *
 * <ul>
 *   <li>LONG-physical types: {@link #minLong()}/{@link #maxLong()}.</li>
 *   <li>DOUBLE: {@link #minDouble()}/{@link #maxDouble()} over the non-NaN values (infinities
 *       included); {@link #hasNaN()} says whether a NaN is present.</li>
 *   <li>VARCHAR: bounds compare UTF-8 bytes as unsigned (code point order). A bound longer than
 *       {@value SegmentFormat#MAX_VARCHAR_BOUND_BYTES} bytes is not stored: {@link #isMinKnown()} /
 *       {@link #isMaxKnown()} are false and the caller must not prune on it.</li>
 * </ul>
 * {@link #hasBounds()} is false when there is no value to bound (every row null, or every non-null
 * DOUBLE is NaN); then the min/max getters return 0 / NaN / null.
 */
public final class ZoneMap {
    static final int FLAG_HAS_BOUNDS = 1;
    static final int FLAG_HAS_NAN = 2;
    static final int FLAG_MIN_UNKNOWN = 4;
    static final int FLAG_MAX_UNKNOWN = 8;
    static final int KNOWN_FLAGS = 15;

    private final ColumnType type;
    private final long rowCount;
    private final long nullCount;
    private final int flags;
    private final long minLong;
    private final long maxLong;
    private final byte[] minBytes;
    private final byte[] maxBytes;

    private ZoneMap(ColumnType type, long rowCount, long nullCount, int flags, long minLong, long maxLong,
                    byte[] minBytes, byte[] maxBytes) {
        this.type = type;
        this.rowCount = rowCount;
        this.nullCount = nullCount;
        this.flags = flags;
        this.minLong = minLong;
        this.maxLong = maxLong;
        this.minBytes = minBytes;
        this.maxBytes = maxBytes;
    }

    static ZoneMap ofLongs(ColumnType type, long rowCount, long nullCount, long min, long max) {
        boolean bounds = nullCount < rowCount;
        return new ZoneMap(type, rowCount, nullCount, bounds ? FLAG_HAS_BOUNDS : 0, bounds ? min : 0, bounds ? max : 0, null, null);
    }

    static ZoneMap ofDoubles(long rowCount, long nullCount, boolean hasBounds, double min, double max, boolean hasNaN) {
        int flags = (hasBounds ? FLAG_HAS_BOUNDS : 0) | (hasNaN ? FLAG_HAS_NAN : 0);
        return new ZoneMap(ColumnType.DOUBLE, rowCount, nullCount, flags,
                hasBounds ? Double.doubleToRawLongBits(min) : 0, hasBounds ? Double.doubleToRawLongBits(max) : 0, null, null);
    }

    /**
     * VARCHAR statistics from the exact min/max values (null when every row is null); a bound longer
     * than {@link SegmentFormat#MAX_VARCHAR_BOUND_BYTES} is dropped and flagged unknown.
     */
    static ZoneMap ofBytes(long rowCount, long nullCount, byte[] exactMin, byte[] exactMax) {
        if (exactMin == null || exactMax == null) {
            return new ZoneMap(ColumnType.VARCHAR, rowCount, nullCount, 0, 0, 0, null, null);
        }
        int flags = FLAG_HAS_BOUNDS;
        byte[] min = exactMin;
        byte[] max = exactMax;
        if (min.length > SegmentFormat.MAX_VARCHAR_BOUND_BYTES) {
            flags |= FLAG_MIN_UNKNOWN;
            min = null;
        }
        if (max.length > SegmentFormat.MAX_VARCHAR_BOUND_BYTES) {
            flags |= FLAG_MAX_UNKNOWN;
            max = null;
        }
        return new ZoneMap(ColumnType.VARCHAR, rowCount, nullCount, flags, 0, 0, min, max);
    }

    /** Rebuilds a zone map read from a footer; the caller has validated the flags. */
    static ZoneMap decoded(ColumnType type, long rowCount, long nullCount, int flags, long minBits, long maxBits,
                           byte[] minBytes, byte[] maxBytes) {
        return new ZoneMap(type, rowCount, nullCount, flags, minBits, maxBits, minBytes, maxBytes);
    }

    int flags() {
        return flags;
    }

    long minBits() {
        return minLong;
    }

    long maxBits() {
        return maxLong;
    }

    byte[] rawMin() {
        return minBytes;
    }

    byte[] rawMax() {
        return maxBytes;
    }

    public ColumnType type() {
        return type;
    }

    public long rowCount() {
        return rowCount;
    }

    public long nullCount() {
        return nullCount;
    }

    public long nonNullCount() {
        return rowCount - nullCount;
    }

    /** True when at least one value exists to bound (for DOUBLE: a non-null, non-NaN value). */
    public boolean hasBounds() {
        return (flags & FLAG_HAS_BOUNDS) != 0;
    }

    public boolean hasNaN() {
        return (flags & FLAG_HAS_NAN) != 0;
    }

    /** Whether {@link #minLong()}, {@link #minDouble()} or {@link #minBytes()} is a valid lower bound. */
    public boolean isMinKnown() {
        return hasBounds() && (flags & FLAG_MIN_UNKNOWN) == 0;
    }

    /** Whether {@link #maxLong()}, {@link #maxDouble()} or {@link #maxBytes()} is a valid upper bound. */
    public boolean isMaxKnown() {
        return hasBounds() && (flags & FLAG_MAX_UNKNOWN) == 0;
    }

    public long minLong() {
        return type.isLongPhysical() ? minLong : 0;
    }

    public long maxLong() {
        return type.isLongPhysical() ? maxLong : 0;
    }

    public double minDouble() {
        return type == ColumnType.DOUBLE && hasBounds() ? Double.longBitsToDouble(minLong) : Double.NaN;
    }

    public double maxDouble() {
        return type == ColumnType.DOUBLE && hasBounds() ? Double.longBitsToDouble(maxLong) : Double.NaN;
    }

    /** UTF-8 bytes of the smallest VARCHAR value (a copy), or null when unknown or absent. */
    public byte[] minBytes() {
        return minBytes == null ? null : minBytes.clone();
    }

    public byte[] maxBytes() {
        return maxBytes == null ? null : maxBytes.clone();
    }

    public String minString() {
        return minBytes == null ? null : new String(minBytes, StandardCharsets.UTF_8);
    }

    public String maxString() {
        return maxBytes == null ? null : new String(maxBytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZoneMap z && z.type == type && z.rowCount == rowCount && z.nullCount == nullCount
                && z.flags == flags && z.minLong == minLong && z.maxLong == maxLong
                && Arrays.equals(z.minBytes, minBytes) && Arrays.equals(z.maxBytes, maxBytes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(rowCount * 31 + nullCount) ^ flags ^ Long.hashCode(minLong) ^ Long.hashCode(maxLong);
    }

    @Override
    public String toString() {
        String bounds = switch (type.physical()) {
            case LONG -> "min=" + minLong() + ", max=" + maxLong();
            case DOUBLE -> "min=" + minDouble() + ", max=" + maxDouble() + ", hasNaN=" + hasNaN();
            case BYTES -> "min=" + (isMinKnown() ? minString() : "?") + ", max=" + (isMaxKnown() ? maxString() : "?");
        };
        return "ZoneMap[" + type + ", rows=" + rowCount + ", nulls=" + nullCount + (hasBounds() ? ", " + bounds : "") + ']';
    }
}
