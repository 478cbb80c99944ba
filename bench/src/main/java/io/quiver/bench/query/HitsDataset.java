package io.quiver.bench.query;

import io.quiver.bench.data.StringPool;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.TableSchema;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded web-analytics "hits" table in the spirit of ClickBench, generated in timestamp order
 * chunk by chunk (any row count fits in memory), plus a small {@code tenants} dimension. One seed
 * gives the same rows, so Quiver and DuckDB load identical data in one run.
 *
 * <p>Shapes (why: what real analytics tables look like): 24 columns; {@code tenant_id} with 200
 * tenants, Zipf-skewed (a few big customers); {@code user_id} power-law over rows/25 users; URLs
 * (~100 000 distinct, Zipf) with a title derived from each; {@code search_phrase} empty on 85% of
 * rows, else one of ~40 000 phrases; low-cardinality strings (event type, device, OS, browser,
 * country) and a mid-cardinality city; log-normal durations and load times; a nullable revenue;
 * boolean flags.
 */
final class HitsDataset {
    static final String TABLE = "hits";
    static final String TENANTS = "tenants";
    static final int TENANT_COUNT = 200;
    static final long START_MICROS = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli() * 1000;
    static final int DAYS = 31;

    static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("event_date", ColumnType.DATE),
            new ColumnDef("tenant_id", ColumnType.INT),
            new ColumnDef("user_id", ColumnType.BIGINT),
            new ColumnDef("session_id", ColumnType.BIGINT),
            new ColumnDef("event_type", ColumnType.VARCHAR),
            new ColumnDef("url", ColumnType.VARCHAR),
            new ColumnDef("title", ColumnType.VARCHAR),
            new ColumnDef("referer", ColumnType.VARCHAR),
            new ColumnDef("search_phrase", ColumnType.VARCHAR),
            new ColumnDef("country", ColumnType.VARCHAR),
            new ColumnDef("city", ColumnType.VARCHAR),
            new ColumnDef("device", ColumnType.VARCHAR),
            new ColumnDef("os", ColumnType.VARCHAR),
            new ColumnDef("browser", ColumnType.VARCHAR),
            new ColumnDef("screen_width", ColumnType.SMALLINT),
            new ColumnDef("http_status", ColumnType.SMALLINT),
            new ColumnDef("duration_ms", ColumnType.INT),
            new ColumnDef("page_load_ms", ColumnType.INT),
            new ColumnDef("bytes", ColumnType.BIGINT),
            new ColumnDef("revenue", ColumnType.DOUBLE),
            new ColumnDef("is_bot", ColumnType.BOOLEAN),
            new ColumnDef("is_new_user", ColumnType.BOOLEAN),
            new ColumnDef("clicks", ColumnType.INT));

    static final List<ColumnDef> TENANT_COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("tenant_id", ColumnType.INT),
            new ColumnDef("name", ColumnType.VARCHAR),
            new ColumnDef("plan", ColumnType.VARCHAR),
            new ColumnDef("region", ColumnType.VARCHAR));

    private static final String[] EVENT_TYPES = {"page_view", "click", "scroll", "search", "add_to_cart", "login", "video_play",
            "share", "purchase", "error"};
    private static final int[] EVENT_CUMULATIVE = {50, 70, 80, 86, 90, 93, 95, 97, 99, 100};
    private static final String[] DEVICES = {"desktop", "mobile", "tablet"};
    private static final String[] OS = {"Windows", "macOS", "Linux", "Android", "iOS", "ChromeOS"};
    private static final String[] BROWSERS = {"Chrome", "Safari", "Firefox", "Edge", "Opera", "Samsung Internet", "Brave", "Vivaldi"};
    private static final String[] COUNTRIES = {"US", "DE", "GB", "FR", "IN", "BR", "JP", "CA", "ES", "IT", "NL", "PL", "SE", "MX",
            "AU", "KR", "TR", "ID", "CH", "AT", "BE", "DK", "NO", "FI", "IE", "PT", "CZ", "RO", "HU", "GR", "AR", "CL", "CO", "PE",
            "ZA", "NG", "EG", "KE", "MA", "IL", "AE", "SA", "SG", "MY", "TH", "VN", "PH", "TW", "HK", "NZ"};
    private static final short[] STATUS = {200, 304, 302, 404, 500};
    private static final int[] STATUS_CUMULATIVE = {930, 960, 970, 995, 1000};
    private static final short[] WIDTHS = {1920, 1366, 1536, 1440, 390, 414, 375, 768, 1280, 2560};

    static final StringPool URLS;
    static final StringPool TITLES;
    static final StringPool PHRASES;
    static final StringPool REFERERS;
    static final StringPool CITIES;

    static {
        SplittableRandom r = new SplittableRandom(20261123);
        String[] cats = {"shoes", "books", "garden", "toys", "kitchen", "audio", "laptops", "phones", "sports", "beauty",
                "fashion", "tools", "music", "office", "pets", "games", "google-pixel", "sale", "outdoor", "baby"};
        List<String> urls = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (String p : List.of("/", "/cart", "/checkout", "/login", "/account/orders", "/search", "/deals")) {
            urls.add("https://shop.example.com" + p);
            titles.add("Example Shop - " + (p.length() > 1 ? p.substring(1) : "Home"));
        }
        for (int i = 0; urls.size() < 100_000; i++) {
            String cat = cats[i % cats.length];
            int id = 100_000 + r.nextInt(900_000);
            switch (i % 4) {
                case 0 -> {
                    urls.add("https://shop.example.com/product/" + cat + "/" + id);
                    titles.add((i % 7 == 0 ? "Sale: " : "") + cat + " item " + id + " | Example Shop");
                }
                case 1 -> {
                    urls.add("https://shop.example.com/category/" + cat + "?page=" + (1 + r.nextInt(50)) + "&sort=" + r.nextInt(4));
                    titles.add("Category " + cat + " page " + (i % 50) + " | Example Shop");
                }
                case 2 -> {
                    urls.add("https://shop.example.com/search?q=" + cat + "+" + Long.toString(r.nextLong(1L << 30), 36));
                    titles.add("Search results for " + cat);
                }
                default -> {
                    urls.add("https://blog.example.com/" + (2015 + r.nextInt(12)) + "/" + cat + "-guide-" + r.nextInt(50_000));
                    titles.add("The " + cat + " guide, part " + r.nextInt(100));
                }
            }
        }
        URLS = new StringPool(urls);
        TITLES = new StringPool(titles);
        String[] words = {"cheap", "best", "buy", "review", "red", "blue", "wireless", "kids", "men", "women", "2026", "deal",
                "near me", "how to", "vs", "pro", "mini", "max", "used", "new", "gift", "black friday", "size", "free shipping"};
        List<String> phrases = new ArrayList<>();
        while (phrases.size() < 40_000) {
            String w1 = words[r.nextInt(words.length)];
            String c = cats[r.nextInt(cats.length)];
            phrases.add(w1 + " " + c + (r.nextBoolean() ? "" : " " + words[r.nextInt(words.length)]) + " " + r.nextInt(2000));
        }
        PHRASES = new StringPool(phrases);
        List<String> refs = new ArrayList<>(List.of("", "https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/"));
        while (refs.size() < 5_000) {
            refs.add("https://" + Long.toString(r.nextLong(1L << 40), 36) + ".example.org/" + r.nextInt(100));
        }
        REFERERS = new StringPool(refs);
        List<String> cities = new ArrayList<>();
        while (cities.size() < 2_000) {
            cities.add("City-" + Long.toString(r.nextLong(1L << 25), 36));
        }
        CITIES = new StringPool(cities);
    }

    private final SplittableRandom rnd;
    private final long rows;
    private final long users;
    private final double meanGapMicros;
    private long produced;
    private long ts = START_MICROS;

    HitsDataset(long seed, long rows) {
        this.rnd = new SplittableRandom(seed);
        this.rows = rows;
        this.users = Math.max(1_000, rows / 25);
        this.meanGapMicros = DAYS * 86_400e6 / Math.max(1, rows);
    }

    /** Sorted by tenant, then time: a tenant's dashboard range reads few blocks; day partitions. */
    static TableSchema schema() {
        return new TableSchema(TABLE, COLUMNS, "ts", List.of("tenant_id", "ts"), PartitionBy.DAY, 1);
    }

    static TableSchema tenantSchema() {
        return new TableSchema(TENANTS, TENANT_COLUMNS, "ts", List.of(), PartitionBy.NONE, 1);
    }

    static String duckDbCreate() {
        StringBuilder b = new StringBuilder("CREATE TABLE " + TABLE + " (");
        for (int i = 0; i < COLUMNS.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(COLUMNS.get(i).name()).append(' ').append(duckType(COLUMNS.get(i).type()));
        }
        return b.append(')').toString();
    }

    static String duckDbCreateTenants() {
        return "CREATE TABLE " + TENANTS + " (ts TIMESTAMP, tenant_id INTEGER, name VARCHAR, plan VARCHAR, region VARCHAR)";
    }

    static String duckType(ColumnType t) {
        return switch (t) {
            case TIMESTAMP -> "TIMESTAMP";
            case DATE -> "DATE";
            case INT -> "INTEGER";
            case SMALLINT -> "SMALLINT";
            case BIGINT -> "BIGINT";
            case DOUBLE -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case VARCHAR -> "VARCHAR";
            default -> throw new IllegalArgumentException("no DuckDB type for " + t);
        };
    }

    long produced() {
        return produced;
    }

    /** Fills {@code batch} (built on {@link #COLUMNS}) with up to {@code max} next rows; returns how many. */
    int next(RowBatch batch, int max) {
        int n = (int) Math.min(max, rows - produced);
        batch.reset(n);
        ColumnVector[] c = new ColumnVector[COLUMNS.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = batch.column(i);
        }
        for (int i = 0; i < n; i++) {
            ts += (long) (-Math.log(1 - rnd.nextDouble()) * meanGapMicros);
            long user = 1_000_000 + (long) (users * Math.pow(rnd.nextDouble(), 2.5));
            int tenant = 1 + (int) (TENANT_COUNT * Math.pow(rnd.nextDouble(), 3)); // a few big tenants
            c[0].appendLong(ts);
            c[1].appendLong(Math.floorDiv(ts, 86_400_000_000L));
            c[2].appendLong(tenant);
            c[3].appendLong(user);
            c[4].appendLong(mix64(user * 0x9E3779B97F4A7C15L + ts / 1_800_000_000L) & Long.MAX_VALUE);
            int type = pick(EVENT_CUMULATIVE, rnd.nextInt(100));
            c[5].appendString(EVENT_TYPES[type]);
            int url = (int) (URLS.size() * Math.pow(rnd.nextDouble(), 4));
            bytes(c[6], URLS, url);
            bytes(c[7], TITLES, url);
            bytes(c[8], REFERERS, rnd.nextInt(3) == 0 ? 0 : (int) (REFERERS.size() * Math.pow(rnd.nextDouble(), 3)));
            if (type == 3 || rnd.nextInt(100) < 10) {
                bytes(c[9], PHRASES, (int) (PHRASES.size() * Math.pow(rnd.nextDouble(), 2)));
            } else {
                c[9].appendBytes(EMPTY, 0, 0);
            }
            if (rnd.nextInt(100) == 0) {
                c[10].appendNull();
                c[11].appendNull();
            } else {
                c[10].appendString(COUNTRIES[(int) (COUNTRIES.length * Math.pow(rnd.nextDouble(), 2))]);
                bytes(c[11], CITIES, (int) (CITIES.size() * Math.pow(rnd.nextDouble(), 2)));
            }
            int d = rnd.nextInt(100);
            int device = d < 55 ? 0 : d < 95 ? 1 : 2;
            c[12].appendString(DEVICES[device]);
            c[13].appendString(device == 0 ? OS[rnd.nextInt(3)] : OS[3 + rnd.nextInt(2) + (rnd.nextInt(20) == 0 ? 1 : 0)]);
            c[14].appendString(BROWSERS[(int) (BROWSERS.length * Math.pow(rnd.nextDouble(), 2))]);
            c[15].appendLong(WIDTHS[rnd.nextInt(WIDTHS.length)]);
            c[16].appendLong(STATUS[pick(STATUS_CUMULATIVE, rnd.nextInt(1000))]);
            c[17].appendLong((long) Math.min(600_000, Math.max(1, Math.exp(5 + 1.2 * rnd.nextGaussian()))));
            c[18].appendLong((long) Math.min(60_000, Math.max(20, Math.exp(6.5 + 0.6 * rnd.nextGaussian()))));
            c[19].appendLong((long) Math.max(200, Math.exp(10 + rnd.nextGaussian())));
            if (type == 8 || type == 4) {
                c[20].appendDouble(Math.round(Math.exp(3.5 + rnd.nextGaussian()) * 100) / 100.0);
            } else {
                c[20].appendNull();
            }
            c[21].appendLong(rnd.nextInt(50) == 0 ? 1 : 0);
            c[22].appendLong(rnd.nextInt(10) == 0 ? 1 : 0);
            c[23].appendLong(type == 1 ? 1 + rnd.nextInt(3) : 0);
        }
        batch.syncRowCount();
        produced += n;
        return n;
    }

    /** The tenants dimension: id, name, plan, region. */
    static RowBatch tenants() {
        String[] plans = {"free", "starter", "business", "enterprise"};
        String[] regions = {"EU", "US", "APAC", "LATAM"};
        RowBatch b = new RowBatch(TENANT_COLUMNS, TENANT_COUNT);
        SplittableRandom r = new SplittableRandom(7);
        for (int t = 1; t <= TENANT_COUNT; t++) {
            b.column(0).appendLong(START_MICROS);
            b.column(1).appendLong(t);
            b.column(2).appendString("tenant-" + t);
            b.column(3).appendString(t <= 10 ? "enterprise" : plans[r.nextInt(3)]);
            b.column(4).appendString(regions[r.nextInt(regions.length)]);
        }
        b.syncRowCount();
        return b;
    }

    private static final byte[] EMPTY = new byte[0];

    private static void bytes(ColumnVector v, StringPool pool, int index) {
        byte[] b = pool.utf8(index);
        v.appendBytes(b, 0, b.length);
    }

    private static int pick(int[] cumulative, int draw) {
        int i = 0;
        while (draw >= cumulative[i]) {
            i++;
        }
        return i;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
