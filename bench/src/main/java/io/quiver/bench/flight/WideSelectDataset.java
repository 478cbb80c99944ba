package io.quiver.bench.flight;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.TableSchema;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The 10-column table the Flight benchmark selects in full: the mix a BI tool pulls (ids, a time,
 * a day, small ints, a price with NULLs, a flag, a low-cardinality label and a URL of ~50 bytes).
 * Seeded, generated chunk by chunk in {@code id} order, so any row count fits in memory and every
 * sink gets the same rows. {@code id} is the row number: its sum checks that every row arrived.
 */
final class WideSelectDataset {
    static final String TABLE = "wide";
    static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("id", ColumnType.BIGINT),
            new ColumnDef("user_id", ColumnType.BIGINT),
            new ColumnDef("day", ColumnType.DATE),
            new ColumnDef("status", ColumnType.INT),
            new ColumnDef("duration_ms", ColumnType.INT),
            new ColumnDef("price", ColumnType.DOUBLE),
            new ColumnDef("is_bot", ColumnType.BOOLEAN),
            new ColumnDef("event_type", ColumnType.VARCHAR),
            new ColumnDef("url", ColumnType.VARCHAR));
    static final int ID = 1;
    static final int PRICE = 6;
    static final int URL = 9;
    /** The statement every reader runs: all ten columns, every row, in table order. */
    static final String SELECT = "SELECT ts, id, user_id, day, status, duration_ms, price, is_bot, event_type, url FROM " + TABLE;

    /** 2026-11-01T00:00:00Z in microseconds. */
    private static final long T0_MICROS = 1_793_491_200_000_000L;
    private static final byte[][] EVENT_TYPES = utf8("page_view", "page_view", "page_view", "page_view", "click", "click",
            "scroll", "add_to_cart", "search", "purchase");
    private static final int[] STATUSES = {200, 200, 200, 200, 200, 200, 200, 200, 304, 404};
    private static final int URL_POOL = 20_000;

    private final SplittableRandom random;
    private final long rows;
    private final byte[][] urls = new byte[URL_POOL][];
    private long produced;
    private long ts = T0_MICROS;

    WideSelectDataset(long seed, long rows) {
        this.random = new SplittableRandom(seed);
        this.rows = rows;
        String[] sections = {"product", "category", "search", "blog", "account"};
        for (int i = 0; i < URL_POOL; i++) {
            urls[i] = String.format(Locale.ROOT, "https://shop.example.com/%s/%d?ref=campaign-%02d", sections[i % sections.length],
                    100_000 + i * 7, i % 37).getBytes(StandardCharsets.UTF_8);
        }
    }

    static TableSchema schema() {
        return TableSchema.of(TABLE, "ts", COLUMNS);
    }

    static String duckDbCreate() {
        return "CREATE TABLE " + TABLE + " (ts TIMESTAMP, id BIGINT, user_id BIGINT, day DATE, status INTEGER, duration_ms INTEGER, "
                + "price DOUBLE, is_bot BOOLEAN, event_type VARCHAR, url VARCHAR)";
    }

    long produced() {
        return produced;
    }

    /** Fills {@code batch} with the next rows (at most {@code max}); returns how many, 0 at the end. */
    int next(RowBatch batch, int max) {
        int n = (int) Math.min(max, rows - produced);
        batch.reset(n);
        if (n == 0) {
            return 0;
        }
        ColumnVector tsCol = batch.column(0);
        ColumnVector id = batch.column(ID);
        ColumnVector user = batch.column(2);
        ColumnVector day = batch.column(3);
        ColumnVector status = batch.column(4);
        ColumnVector duration = batch.column(5);
        ColumnVector price = batch.column(PRICE);
        ColumnVector bot = batch.column(7);
        ColumnVector type = batch.column(8);
        ColumnVector url = batch.column(URL);
        long users = Math.max(1, rows / 20);
        for (int i = 0; i < n; i++) {
            ts += 1 + random.nextInt(120_000); // ~60 ms apart on average: 10 M rows span about a week
            tsCol.appendLong(ts);
            id.appendLong(produced + i);
            user.appendLong(1_000_000 + (long) (users * Math.pow(random.nextDouble(), 3)));
            day.appendLong(Math.floorDiv(ts, 86_400_000_000L));
            status.appendLong(STATUSES[random.nextInt(STATUSES.length)]);
            duration.appendLong((long) Math.exp(4 + random.nextDouble() * 3));
            if (random.nextInt(10) == 0) {
                price.appendNull();
            } else {
                price.appendDouble(random.nextInt(100_000) / 100.0);
            }
            bot.appendLong(random.nextInt(50) == 0 ? 1 : 0);
            byte[] t = EVENT_TYPES[random.nextInt(EVENT_TYPES.length)];
            type.appendBytes(t, 0, t.length);
            byte[] u = urls[(int) (URL_POOL * Math.pow(random.nextDouble(), 2))];
            url.appendBytes(u, 0, u.length);
        }
        batch.syncRowCount();
        produced += n;
        return n;
    }

    private static byte[][] utf8(String... values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }
}
