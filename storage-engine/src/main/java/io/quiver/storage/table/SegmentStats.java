package io.quiver.storage.table;

import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.segment.SegmentReader;
import io.quiver.storage.segment.ZoneMap;

/** Segment zone maps as scan {@link ColumnStats}. */
final class SegmentStats {
    private SegmentStats() {
    }

    static ColumnStats column(SegmentReader reader, int column) {
        return of(reader.columnZoneMap(column));
    }

    static ColumnStats block(SegmentReader reader, int column, int block) {
        return of(reader.zoneMap(column, block));
    }

    static ColumnStats of(ZoneMap z) {
        if (!z.hasBounds()) {
            return new ColumnStats(z.rowCount(), z.nullCount(), false, 0, 0, 0, 0, z.hasNaN(), null, null);
        }
        ColumnType t = z.type();
        if (t.isLongPhysical()) {
            return ColumnStats.ofLongs(z.rowCount(), z.nullCount(), z.minLong(), z.maxLong());
        }
        if (t == ColumnType.DOUBLE) {
            return ColumnStats.ofDoubles(z.rowCount(), z.nullCount(), z.minDouble(), z.maxDouble(), z.hasNaN());
        }
        String min = z.isMinKnown() ? z.minString() : null;
        String max = z.isMaxKnown() ? z.maxString() : null;
        // Unknown bounds must not prune: report no bounds rather than a half-known pair.
        if (min == null || max == null) {
            return new ColumnStats(z.rowCount(), z.nullCount(), false, 0, 0, 0, 0, false, null, null);
        }
        return ColumnStats.ofStrings(z.rowCount(), z.nullCount(), min, max);
    }
}
