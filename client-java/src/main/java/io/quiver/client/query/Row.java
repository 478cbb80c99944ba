package io.quiver.client.query;

import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A view of the current row of a {@link QueryStream}: typed getters by column index (0-based) or
 * name. The same object moves from row to row (no allocation per row); copy values out before
 * advancing. Getters of primitive types return 0 / false for NULL: check {@link #isNull}.
 */
public final class Row {
    private VectorSchemaRoot root;
    private int index;

    void at(VectorSchemaRoot root, int index) {
        this.root = root;
        this.index = index;
    }

    private FieldVector v(int column) {
        return root.getVector(column);
    }

    public int columnIndex(String name) {
        for (int i = 0; i < root.getFieldVectors().size(); i++) {
            if (root.getVector(i).getName().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no such column [column=" + name + ']');
    }

    public boolean isNull(int column) {
        return v(column).isNull(index);
    }

    public long getLong(int column) {
        FieldVector v = v(column);
        if (v.isNull(index)) {
            return 0;
        }
        return switch (v) {
            case BaseIntVector i -> i.getValueAsLong(index);
            case BitVector b -> b.get(index);
            case DateDayVector d -> d.get(index);
            case TimeStampVector t -> t.get(index);
            case FloatingPointVector f -> (long) f.getValueAsDouble(index);
            default -> throw new IllegalStateException("not a number [column=" + v.getName() + ']');
        };
    }

    public int getInt(int column) {
        return Math.toIntExact(getLong(column));
    }

    public double getDouble(int column) {
        FieldVector v = v(column);
        if (v.isNull(index)) {
            return 0;
        }
        return v instanceof FloatingPointVector f ? f.getValueAsDouble(index) : getLong(column);
    }

    public boolean getBoolean(int column) {
        return getLong(column) != 0;
    }

    /** The text of a VARCHAR, or null. */
    public String getString(int column) {
        FieldVector v = v(column);
        if (v.isNull(index)) {
            return null;
        }
        if (v instanceof VarCharVector s) {
            return new String(s.get(index), StandardCharsets.UTF_8);
        }
        return String.valueOf(getObject(column));
    }

    public LocalDate getDate(int column) {
        FieldVector v = v(column);
        return v.isNull(index) ? null : LocalDate.ofEpochDay(((DateDayVector) v).get(index));
    }

    /** A TIMESTAMP column as an instant (Quiver timestamps are UTC microseconds). */
    public Instant getTimestamp(int column) {
        FieldVector v = v(column);
        if (v.isNull(index)) {
            return null;
        }
        TimeStampVector t = (TimeStampVector) v;
        long x = t.get(index);
        TimeUnit unit = ((ArrowType.Timestamp) t.getField().getType()).getUnit();
        return switch (unit) {
            case SECOND -> Instant.ofEpochSecond(x);
            case MILLISECOND -> Instant.ofEpochMilli(x);
            case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(x, 1_000_000L), Math.floorMod(x, 1_000_000L) * 1000);
            case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(x, 1_000_000_000L), Math.floorMod(x, 1_000_000_000L));
        };
    }

    /** An INTERVAL column (a timestamp difference) as a duration, or null. */
    public Duration getInterval(int column) {
        FieldVector v = v(column);
        return v.isNull(index) ? null : ((DurationVector) v).getObject(index);
    }

    /** The value as a Java object: Boolean, Short, Integer, Long, Double, LocalDate, Instant, Duration, String or null. */
    public Object getObject(int column) {
        FieldVector v = v(column);
        if (v.isNull(index)) {
            return null;
        }
        return switch (v) {
            case BitVector b -> b.get(index) != 0;
            case DateDayVector d -> getDate(column);
            case TimeStampVector t -> getTimestamp(column);
            case VarCharVector s -> getString(column);
            default -> v.getObject(index);
        };
    }

    public long getLong(String column) {
        return getLong(columnIndex(column));
    }

    public double getDouble(String column) {
        return getDouble(columnIndex(column));
    }

    public String getString(String column) {
        return getString(columnIndex(column));
    }

    public Instant getTimestamp(String column) {
        return getTimestamp(columnIndex(column));
    }

    public LocalDate getDate(String column) {
        return getDate(columnIndex(column));
    }

    public Duration getInterval(String column) {
        return getInterval(columnIndex(column));
    }

    public Object getObject(String column) {
        return getObject(columnIndex(column));
    }
}
