package io.quiver.bench.data;

/**
 * Up to {@link #capacity()} generated event rows, column by column: primitives, and VARCHAR columns
 * as indexes into the dataset's {@link StringPool}s (-1 = NULL). Reused chunk after chunk; sinks
 * (Quiver, DuckDB) read the same chunk so both get identical rows.
 */
public final class EventsChunk {
    public final long[] ts;
    public final long[] userId;
    public final long[] sessionId;
    public final int[] eventType;
    public final int[] url;
    public final int[] country;
    public final int[] device;
    public final short[] httpStatus;
    public final int[] durationMs;
    public final double[] value;
    /** True where {@link #value} is NULL. */
    public final boolean[] valueNull;
    public final boolean[] isBot;
    int rows;

    public EventsChunk(int capacity) {
        ts = new long[capacity];
        userId = new long[capacity];
        sessionId = new long[capacity];
        eventType = new int[capacity];
        url = new int[capacity];
        country = new int[capacity];
        device = new int[capacity];
        httpStatus = new short[capacity];
        durationMs = new int[capacity];
        value = new double[capacity];
        valueNull = new boolean[capacity];
        isBot = new boolean[capacity];
    }

    public int capacity() {
        return ts.length;
    }

    /** Rows filled by the last {@link EventsDataset#next}. */
    public int rows() {
        return rows;
    }
}
