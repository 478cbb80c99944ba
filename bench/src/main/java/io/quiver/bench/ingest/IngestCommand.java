package io.quiver.bench.ingest;

import io.quiver.bench.BenchCommand;
import io.quiver.bench.BenchContext;

/** {@code ops/quiver-bench ingest}: the {@link IngestLoadGenerator} run as a bench subcommand. */
public final class IngestCommand implements BenchCommand {
    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String summary() {
        return "event load through gRPC / HTTP NDJSON / Flight DoPut: events/s, ack latency percentiles, DuckDB Appender beside";
    }

    @Override
    public String usage() {
        return LoadOptions.USAGE;
    }

    @Override
    public int run(String[] args, BenchContext context) throws Exception {
        return IngestLoadGenerator.run(args, context);
    }
}
