package io.quiver.client.ingest;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for transient failures: attempt {@code n} (1-based) waits a
 * random time in {@code [d/2, d]} where {@code d = min(maxBackoff, initialBackoff * multiplier^(n-1))}
 * ("equal jitter": spreads retries of many clients apart while keeping a floor). A batch is retried
 * until {@code timeout} has passed since its first send, always with the same batch id.
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, double multiplier, Duration timeout) {
    /** 50 ms doubling to 5 s, giving up after 2 minutes: rides out a server restart. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(50), Duration.ofSeconds(5), 2.0, Duration.ofMinutes(2));
    /** Never retry. */
    public static final RetryPolicy NONE = new RetryPolicy(Duration.ZERO, Duration.ZERO, 1.0, Duration.ZERO);

    public RetryPolicy {
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || multiplier < 1.0 || timeout.isNegative()) {
            throw new IllegalArgumentException("invalid retry policy [initial=" + initialBackoff + ", max=" + maxBackoff
                    + ", multiplier=" + multiplier + ", timeout=" + timeout + ']');
        }
    }

    /** The wait before retry number {@code attempt} (1 = first retry), in nanoseconds. */
    public long backoffNanos(int attempt, RandomGenerator random) {
        double d = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        long capped = (long) Math.min(d, maxBackoff.toNanos());
        long half = capped / 2;
        return half + (half > 0 ? random.nextLong(capped - half + 1) : 0);
    }
}
