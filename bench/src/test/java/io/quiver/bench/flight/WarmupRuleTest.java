package io.quiver.bench.flight;

import io.quiver.bench.flight.FlightBench.WarmupRule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmupRuleTest {
    /** A read of 1.5 CPU-s of which {@code jitSeconds} went to the compilers of both JVMs. */
    private static StreamTally read(double serverJit, double clientJit) {
        StreamTally client = new StreamTally(10, 1, 100, 7, 1_000_000, 600_000_000L,
                Map.of("event loops", 0.4, "JIT", clientJit));
        return client.withServerCpu(900_000_000L, Map.of("workers", 0.5, "JIT", serverJit));
    }

    @Test
    void jitShareCountsBothProcessesCompilers() {
        assertEquals(0.15 / 1.5, WarmupRule.jitShare(read(0.1, 0.05)), 1e-9);
        assertEquals(0, WarmupRule.jitShare(read(0, 0)), 1e-9);
    }

    @Test
    void warmsAtLeastTheMinimumThenUntilTheJitIsQuietOrTheCap() {
        WarmupRule rule = new WarmupRule(8, 40, 0.05);
        List<StreamTally> quiet = List.of(read(0.03, 0.02));
        List<StreamTally> busy = List.of(read(0.2, 0.1));
        assertFalse(rule.done(0, List.of()));
        assertFalse(rule.done(7, quiet), "below the minimum, however quiet");
        assertTrue(rule.done(8, quiet));
        assertFalse(rule.done(8, busy), "the compilers took 20% of the last read");
        assertFalse(rule.done(39, busy));
        assertTrue(rule.done(40, busy), "the cap ends it");
        assertFalse(rule.done(12, List.of(read(0.03, 0.02), read(0.3, 0))), "every path of the round must be quiet");
    }

    @Test
    void aFixedCountWhenMinAndMaxAgree() {
        WarmupRule fixed = new WarmupRule(3, 3, 0);
        assertFalse(fixed.done(2, List.of(read(0, 0))));
        assertTrue(fixed.done(3, List.of(read(1, 1))));
        assertTrue(new WarmupRule(0, 0, 0).done(0, List.of()));
    }
}
