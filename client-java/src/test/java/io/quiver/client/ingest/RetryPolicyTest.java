package io.quiver.client.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryPolicyTest {
    @Test
    void backoffGrowsExponentiallyWithinJitterBoundsAndIsCapped() {
        long seed = 42;
        SplittableRandom rnd = new SplittableRandom(seed);
        RetryPolicy p = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(500), 2.0, Duration.ofMinutes(1));
        for (int attempt = 1; attempt <= 12; attempt++) {
            long nominal = Math.min(500, 10L << (attempt - 1)) * 1_000_000L;
            for (int i = 0; i < 200; i++) {
                long d = p.backoffNanos(attempt, rnd);
                assertTrue(d >= nominal / 2 && d <= nominal, "seed=" + seed + " attempt=" + attempt + " delay=" + d + " nominal=" + nominal);
            }
        }
    }

    @Test
    void jitterSpreadsRetries() {
        SplittableRandom rnd = new SplittableRandom(7);
        RetryPolicy p = RetryPolicy.DEFAULT;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1000; i++) {
            long d = p.backoffNanos(4, rnd);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(max - min > 100_000_000L, "seed=7 delays should spread over most of [200ms, 400ms]: min=" + min + " max=" + max);
    }

    @Test
    void invalidPoliciesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), 0.5, Duration.ZERO));
    }
}
