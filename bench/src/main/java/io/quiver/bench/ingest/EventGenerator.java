package io.quiver.bench.ingest;

import java.util.SplittableRandom;

/**
 * A realistic web/app event stream, deterministic per seed: timestamp, user and session ids, event
 * type, page URL, country, device, a numeric value, a duration and two flags. Strings come from
 * pools built once, so producing an event allocates nothing; {@link #next()} fills the public fields.
 */
final class EventGenerator {
    static final String[] EVENT_TYPES = {"page_view", "click", "scroll", "add_to_cart", "purchase", "signup", "search", "logout"};
    static final String[] COUNTRIES = {"US", "DE", "FR", "GB", "IN", "BR", "JP", "NL", "ES", "IT", "CA", "AU", "PL", "SE", "MX"};
    static final String[] DEVICES = {"desktop", "ios", "android", "tablet", "tv"};
    private static final String[] URLS = new String[2_000];
    private static final String[] SESSIONS = new String[65_536];

    static {
        SplittableRandom r = new SplittableRandom(1);
        String[] sections = {"home", "product", "cart", "checkout", "search", "account", "blog", "help"};
        for (int i = 0; i < URLS.length; i++) {
            URLS[i] = "https://shop.example.com/" + sections[i % sections.length] + "/" + Integer.toHexString(r.nextInt(1 << 24)) + "?ref=" + (i % 13);
        }
        for (int i = 0; i < SESSIONS.length; i++) {
            SESSIONS[i] = Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
        }
    }

    private final SplittableRandom random;
    private long clockMicros;

    long tsMicros;
    long userId;
    String sessionId;
    String eventType;
    String url;
    String country;
    String device;
    double value;
    long durationMs;
    boolean isMobile;
    boolean isNewUser;

    EventGenerator(long seed, long startMicros) {
        this.random = new SplittableRandom(seed);
        this.clockMicros = startMicros;
    }

    void next() {
        clockMicros += 1 + random.nextInt(50);
        tsMicros = clockMicros;
        userId = random.nextLong(10_000_000);
        sessionId = SESSIONS[(int) (userId & (SESSIONS.length - 1))];
        eventType = EVENT_TYPES[skewed(EVENT_TYPES.length)];
        url = URLS[skewed(URLS.length)];
        country = COUNTRIES[skewed(COUNTRIES.length)];
        int d = random.nextInt(DEVICES.length);
        device = DEVICES[d];
        isMobile = d == 1 || d == 2;
        value = eventType.equals("purchase") ? Math.round(random.nextDouble(5, 500) * 100) / 100.0 : random.nextDouble();
        durationMs = random.nextInt(30_000);
        isNewUser = random.nextInt(20) == 0;
    }

    /** Roughly Zipf-like: low indexes much more frequent, as real traffic is. */
    private int skewed(int n) {
        double u = random.nextDouble();
        return (int) (n * u * u * u);
    }
}
