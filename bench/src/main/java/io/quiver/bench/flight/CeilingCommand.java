package io.quiver.bench.flight;

import io.quiver.bench.BenchCommand;
import io.quiver.bench.BenchContext;

/** {@code ops/quiver-bench flight-ceiling}: {@link FlightCeiling}, what one stream could carry without the engine. */
public final class CeilingCommand implements BenchCommand {
    @Override
    public String name() {
        return "flight-ceiling";
    }

    @Override
    public String summary() {
        return "the transport's own limit for the flight bench: raw loopback TCP and a plain Arrow Flight server resending one batch";
    }

    @Override
    public String usage() {
        return FlightCeiling.USAGE;
    }

    @Override
    public int run(String[] args, BenchContext context) throws Exception {
        return FlightCeiling.run(args, context);
    }
}
