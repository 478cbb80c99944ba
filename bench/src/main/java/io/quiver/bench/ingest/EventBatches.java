package io.quiver.bench.ingest;

import com.google.protobuf.ByteString;
import io.quiver.proto.v1.Column;
import io.quiver.proto.v1.ColumnType;
import io.quiver.proto.v1.IngestRequest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The load generator's events as ready-made {@link IngestRequest}s, for benchmarks of the server's
 * ingest path that should not pay for (or depend on) the client's batching: the same 11 columns and
 * value distribution as {@link EventGenerator}, one packed array per column, no NULLs.
 */
public final class EventBatches {
    private EventBatches() {
    }

    /** One batch of {@code rows} events from generator {@code seed}, for table {@code table}. */
    public static IngestRequest build(String table, String batchId, long seed, int rows) {
        return build(table, batchId, new EventGenerator(seed, 1_795_392_000_000_000L), rows);
    }

    /**
     * {@code batches} batches of {@code rows} events from {@code writers} generators sending at once,
     * in arrival order (writer 0's first batch, writer 1's first, ..., writer 0's second, ...): each
     * writer's events are in time order and the writers' time ranges overlap, as when several
     * clients of the load generator stream into one table.
     */
    public static java.util.List<IngestRequest> interleaved(String table, int writers, int batches, int rows) {
        EventGenerator[] gens = new EventGenerator[writers];
        for (int w = 0; w < writers; w++) {
            gens[w] = new EventGenerator(42 + w, 1_795_392_000_000_000L);
        }
        java.util.List<IngestRequest> out = new java.util.ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            out.add(build(table, "b-" + b, gens[b % writers], rows));
        }
        return out;
    }

    private static IngestRequest build(String table, String batchId, EventGenerator g, int rows) {
        Column.Builder ts = col("ts", ColumnType.COLUMN_TYPE_TIMESTAMP);
        Column.Builder user = col("user_id", ColumnType.COLUMN_TYPE_BIGINT);
        Column.Builder value = col("value", ColumnType.COLUMN_TYPE_DOUBLE);
        Column.Builder duration = col("duration_ms", ColumnType.COLUMN_TYPE_BIGINT);
        Column.Builder mobile = col("is_mobile", ColumnType.COLUMN_TYPE_BOOLEAN);
        Column.Builder newUser = col("is_new_user", ColumnType.COLUMN_TYPE_BOOLEAN);
        String[] names = {"session_id", "event_type", "url", "country", "device"};
        Column.Builder[] strings = new Column.Builder[names.length];
        ByteArrayOutputStream[] data = new ByteArrayOutputStream[names.length];
        for (int i = 0; i < names.length; i++) {
            strings[i] = col(names[i], ColumnType.COLUMN_TYPE_VARCHAR);
            data[i] = new ByteArrayOutputStream();
        }
        for (int r = 0; r < rows; r++) {
            g.next();
            ts.addLongValues(g.tsMicros);
            user.addLongValues(g.userId);
            value.addDoubleValues(g.value);
            duration.addLongValues(g.durationMs);
            mobile.addLongValues(g.isMobile ? 1 : 0);
            newUser.addLongValues(g.isNewUser ? 1 : 0);
            String[] vals = {g.sessionId, g.eventType, g.url, g.country, g.device};
            for (int i = 0; i < vals.length; i++) {
                byte[] b = vals[i].getBytes(StandardCharsets.UTF_8);
                data[i].writeBytes(b);
                strings[i].addStringLengths(b.length);
            }
        }
        IngestRequest.Builder b = IngestRequest.newBuilder().setTable(table).setBatchId(batchId).setRowCount(rows)
                .setTimestampColumn("ts").addColumns(ts).addColumns(user);
        for (int i = 0; i < names.length; i++) {
            b.addColumns(strings[i].setStringData(ByteString.copyFrom(data[i].toByteArray())));
        }
        return b.addColumns(value).addColumns(duration).addColumns(mobile).addColumns(newUser).build();
    }

    private static Column.Builder col(String name, ColumnType type) {
        return Column.newBuilder().setName(name).setType(type);
    }
}
