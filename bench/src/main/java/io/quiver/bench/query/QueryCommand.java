package io.quiver.bench.query;

import io.quiver.bench.BenchCommand;
import io.quiver.bench.BenchContext;

/** {@code ops/quiver-bench query}: the {@link QueryBench} run as a bench subcommand. */
public final class QueryCommand implements BenchCommand {
    @Override
    public String name() {
        return "query";
    }

    @Override
    public String summary() {
        return "SQL over a generated web-analytics table, Quiver vs DuckDB: per-query times, ratios, geomean, PNG chart";
    }

    @Override
    public String usage() {
        return QueryBench.USAGE;
    }

    @Override
    public int run(String[] args, BenchContext context) throws Exception {
        return QueryBench.run(args, context);
    }
}
