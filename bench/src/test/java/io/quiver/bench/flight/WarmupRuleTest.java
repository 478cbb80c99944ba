package io.quiver.bench.flight;

import io.quiver.bench.flight.FlightBench.WarmupRule;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmupRuleTest {
    /** A read of 1.5 CPU-s (0.9 the server's, 0.6 the child client's), of which the given seconds went to each JVM's compilers. */
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
    void warmsAtLeastTheMinimumThenUntilTheJitIsQuietThreeReadsOrTheCap() {
        WarmupRule rule = new WarmupRule(8, 40, 0.05);
        assertTrue(rule.quiet(read(0.03, 0.02)));
        assertFalse(rule.quiet(read(0.2, 0.1)), "the compilers took 20% of the read");
        assertFalse(rule.quiet(read(0.03, 0.06)), "the client's compiler counts too");
        assertFalse(rule.done(0, 0));
        assertFalse(rule.done(7, 7), "below the minimum, however quiet");
        assertTrue(rule.done(8, 3));
        assertFalse(rule.done(8, 2), "C2 works in bursts: two quiet reads are not enough");
        assertFalse(rule.done(12, 0));
        assertFalse(rule.done(39, 1));
        assertTrue(rule.done(40, 0), "the cap ends it");
        assertFalse(new WarmupRule(0, 40, 0.05).done(0, 0), "no read yet: no evidence the JIT is done");
        assertTrue(new WarmupRule(0, 40, 0.05).done(3, 3));
    }

    @Test
    void aFixedCountWhenMinAndMaxAgreeOrNoShareIsSet() {
        WarmupRule fixed = new WarmupRule(3, 3, 0);
        assertFalse(fixed.done(2, 2));
        assertTrue(fixed.done(3, 0));
        assertTrue(new WarmupRule(0, 0, 0).done(0, 0));
        assertTrue(new WarmupRule(5, 40, 0).done(5, 0), "--warmup-jit=0: exactly --warmup reads");
    }
}
