package io.quiver.bench.data;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.TableSchema;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, realistic web/app events table, generated in timestamp order chunk by chunk (so any
 * row count fits in memory). The same seed gives the same rows, so Quiver and DuckDB load
 * identical data in one run.
 *
 * <p>What the columns hold (and why: the shapes a real events table has):
 * <ul>
 *   <li>{@code ts} TIMESTAMP: {@code days} days from 2026-11-01, exponential gaps (a Poisson stream).</li>
 *   <li>{@code user_id} BIGINT: rows/20 users, power-law skew (a few heavy users), from 1 000 000.</li>
 *   <li>{@code session_id} BIGINT: a 63-bit hash of (user, 30-minute window): random-looking ids.</li>
 *   <li>{@code event_type} VARCHAR: 12 values, page_view 50%, click 20% ... purchase 1%.</li>
 *   <li>{@code url} VARCHAR: ~20 000 paths (product, category, search, blog pages), Zipf-like.</li>
 *   <li>{@code country} VARCHAR: 60 ISO codes, skewed; 1% NULL (unknown geo).</li>
 *   <li>{@code device} VARCHAR: desktop 55%, mobile 40%, tablet 5%.</li>
 *   <li>{@code http_status} SMALLINT: 200 93%, 304, 302, 404, 500.</li>
 *   <li>{@code duration_ms} INT: log-normal around 150 ms.</li>
 *   <li>{@code value} DOUBLE: a price with 2 decimals for add_to_cart/purchase, NULL otherwise.</li>
 *   <li>{@code is_bot} BOOLEAN: 2% true.</li>
 * </ul>
 */
public final class EventsDataset {
    public static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("user_id", ColumnType.BIGINT),
            new ColumnDef("session_id", ColumnType.BIGINT),
            new ColumnDef("event_type", ColumnType.VARCHAR),
            new ColumnDef("url", ColumnType.VARCHAR),
            new ColumnDef("country", ColumnType.VARCHAR),
            new ColumnDef("device", ColumnType.VARCHAR),
            new ColumnDef("http_status", ColumnType.SMALLINT),
            new ColumnDef("duration_ms", ColumnType.INT),
            new ColumnDef("value", ColumnType.DOUBLE),
            new ColumnDef("is_bot", ColumnType.BOOLEAN));

    public static final long START_MICROS = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli() * 1000;

    public static final StringPool EVENT_TYPES = new StringPool(List.of("page_view", "click", "scroll", "search",
            "add_to_cart", "login", "video_play", "share", "logout", "signup", "purchase", "error"));
    /** Cumulative percent weights of {@link #EVENT_TYPES}. */
    private static final int[] EVENT_TYPE_CUMULATIVE = {50, 70, 80, 85, 89, 92, 94, 96, 97, 98, 99, 100};
    private static final int ADD_TO_CART = 4;
    private static final int PURCHASE = 10;
    public static final StringPool DEVICES = new StringPool(List.of("desktop", "mobile", "tablet"));
    public static final StringPool COUNTRIES = new StringPool(List.of("US", "DE", "GB", "FR", "IN", "BR", "JP", "CA",
            "ES", "IT", "NL", "PL", "SE", "MX", "AU", "KR", "TR", "ID", "CH", "AT", "BE", "DK", "NO", "FI", "IE", "PT",
            "CZ", "RO", "HU", "GR", "AR", "CL", "CO", "PE", "ZA", "NG", "EG", "KE", "MA", "IL", "AE", "SA", "SG", "MY",
            "TH", "VN", "PH", "TW", "HK", "NZ", "UA", "RU", "CN", "PK", "BD", "LK", "IS", "LU", "EE", "LT"));
    public static final StringPool URLS = new StringPool(urls());
    private static final short[] STATUS = {200, 304, 302, 404, 500};
    private static final int[] STATUS_CUMULATIVE = {930, 960, 970, 995, 1000};

    private final SplittableRandom rnd;
    private final long rows;
    private final long users;
    private final double meanGapMicros;
    private long produced;
    private long ts = START_MICROS;

    public EventsDataset(long seed, long rows, int days) {
        this.rnd = new SplittableRandom(seed);
        this.rows = rows;
        this.users = Math.max(1_000, rows / 20);
        this.meanGapMicros = days * 86_400e6 / Math.max(1, rows);
    }

    public static TableSchema schema(String table) {
        return TableSchema.of(table, "ts", COLUMNS);
    }

    /** CREATE TABLE for DuckDB with the same columns and types. */
    public static String duckDbCreateTable(String table) {
        return "CREATE TABLE " + table + " (ts TIMESTAMP, user_id BIGINT, session_id BIGINT, event_type VARCHAR, "
                + "url VARCHAR, country VARCHAR, device VARCHAR, http_status SMALLINT, duration_ms INTEGER, "
                + "value DOUBLE, is_bot BOOLEAN)";
    }

    public long rows() {
        return rows;
    }

    public long produced() {
        return produced;
    }

    /** Fills {@code chunk} with the next rows; returns how many (0 once all rows were produced). */
    public int next(EventsChunk chunk) {
        int n = (int) Math.min(chunk.capacity(), rows - produced);
        for (int i = 0; i < n; i++) {
            ts += (long) (-Math.log(1 - rnd.nextDouble()) * meanGapMicros);
            long user = 1_000_000 + (long) (users * Math.pow(rnd.nextDouble(), 2.5));
            chunk.ts[i] = ts;
            chunk.userId[i] = user;
            chunk.sessionId[i] = mix64(user * 0x9E3779B97F4A7C15L + ts / 1_800_000_000L) & Long.MAX_VALUE;
            int type = pick(EVENT_TYPE_CUMULATIVE, rnd.nextInt(100));
            chunk.eventType[i] = type;
            chunk.url[i] = (int) (URLS.size() * Math.pow(rnd.nextDouble(), 3));
            chunk.country[i] = rnd.nextInt(100) == 0 ? -1 : (int) (COUNTRIES.size() * Math.pow(rnd.nextDouble(), 2));
            int d = rnd.nextInt(100);
            chunk.device[i] = d < 55 ? 0 : d < 95 ? 1 : 2;
            chunk.httpStatus[i] = STATUS[pick(STATUS_CUMULATIVE, rnd.nextInt(1000))];
            chunk.durationMs[i] = (int) Math.min(600_000, Math.max(1, Math.exp(5 + 1.2 * rnd.nextGaussian())));
            boolean priced = type == ADD_TO_CART || type == PURCHASE;
            chunk.valueNull[i] = !priced;
            chunk.value[i] = priced ? Math.round(Math.exp(3.5 + rnd.nextGaussian()) * 100) / 100.0 : 0;
            chunk.isBot[i] = rnd.nextInt(50) == 0;
        }
        chunk.rows = n;
        produced += n;
        return n;
    }

    /** Copies the chunk into {@code batch} (built on {@link #COLUMNS}), reusing its arrays. */
    public static void toRowBatch(EventsChunk chunk, RowBatch batch) {
        int n = chunk.rows;
        batch.reset(n);
        longs(batch.column(0), chunk.ts, n);
        longs(batch.column(1), chunk.userId, n);
        longs(batch.column(2), chunk.sessionId, n);
        strings(batch.column(3), EVENT_TYPES, chunk.eventType, n);
        strings(batch.column(4), URLS, chunk.url, n);
        strings(batch.column(5), COUNTRIES, chunk.country, n);
        strings(batch.column(6), DEVICES, chunk.device, n);
        ColumnVector status = batch.column(7);
        ColumnVector duration = batch.column(8);
        ColumnVector value = batch.column(9);
        ColumnVector bot = batch.column(10);
        for (int i = 0; i < n; i++) {
            status.longs[i] = chunk.httpStatus[i];
            duration.longs[i] = chunk.durationMs[i];
            value.doubles[i] = chunk.valueNull[i] ? 0 : chunk.value[i];
            value.nulls[i] = chunk.valueNull[i];
            value.hasNulls |= chunk.valueNull[i];
            bot.longs[i] = chunk.isBot[i] ? 1 : 0;
        }
        status.clearNulls(n);
        duration.clearNulls(n);
        bot.clearNulls(n);
        batch.setRowCount(n);
    }

    private static void longs(ColumnVector v, long[] src, int n) {
        System.arraycopy(src, 0, v.longs, 0, n);
        v.clearNulls(n);
    }

    private static void strings(ColumnVector v, StringPool pool, int[] index, int n) {
        for (int i = 0; i < n; i++) {
            if (index[i] < 0) {
                v.appendNull();
            } else {
                byte[] b = pool.utf8(index[i]);
                v.appendBytes(b, 0, b.length);
            }
        }
    }

    private static int pick(int[] cumulative, int draw) {
        int i = 0;
        while (draw >= cumulative[i]) {
            i++;
        }
        return i;
    }

    /** Stafford's mix13 finaliser: a cheap bijective scramble, so ids look random but are reproducible. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static List<String> urls() {
        List<String> out = new ArrayList<>();
        // the most visited first: the pool index is drawn with a power-law skew towards 0
        for (String p : List.of("/", "/cart", "/checkout", "/login", "/account/orders", "/search", "/deals")) {
            out.add(p);
        }
        String[] categories = {"shoes", "books", "garden", "toys", "kitchen", "audio", "laptops", "phones", "sports",
                "beauty", "fashion", "tools", "music", "office", "pets", "games"};
        int i = 0;
        SplittableRandom r = new SplittableRandom(20261123);
        while (out.size() < 20_000) {
            String cat = categories[i % categories.length];
            switch (i % 4) {
                case 0 -> out.add("/product/" + cat + "/" + (100_000 + r.nextInt(900_000)));
                case 1 -> out.add("/category/" + cat + "?page=" + (1 + r.nextInt(20)));
                case 2 -> out.add("/search?q=" + cat + "+" + Long.toString(r.nextLong(1L << 30), 36));
                default -> out.add("/blog/" + (2015 + r.nextInt(12)) + "/" + cat + "-guide-" + r.nextInt(5000));
            }
            i++;
        }
        return out;
    }
}
