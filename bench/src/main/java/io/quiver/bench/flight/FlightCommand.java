package io.quiver.bench.flight;

import io.quiver.bench.BenchCommand;
import io.quiver.bench.BenchContext;

/** {@code ops/quiver-bench flight}: the {@link FlightBench} run as a bench subcommand. */
public final class FlightCommand implements BenchCommand {
    @Override
    public String name() {
        return "flight";
    }

    @Override
    public String summary() {
        return "result-stream throughput of a 10-column SELECT over Flight SQL (Arrow client, JDBC driver) vs DuckDB's JDBC";
    }

    @Override
    public String usage() {
        return FlightBench.USAGE;
    }

    @Override
    public int run(String[] args, BenchContext context) throws Exception {
        return FlightBench.run(args, context);
    }
}
