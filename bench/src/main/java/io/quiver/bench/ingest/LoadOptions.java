package io.quiver.bench.ingest;

import java.util.HashMap;
import java.util.Map;

/** Command-line options of {@link IngestLoadGenerator}, as {@code --key=value}. */
record LoadOptions(String door, int threads, long durationSeconds, long rows, long rate, int batchRows, int inFlight,
                   String host, int grpcPort, int httpPort, int flightPort, String durability, String dataDir,
                   boolean duckdb, long progressMs, long seed, String table, long warmupSeconds, long lingerMs, String api) {

    static final String USAGE = """
            Options (--key=value):
              --door=grpc|http|flight     ingest door to drive (default grpc)
              --threads=N                 client threads, one ingestor/stream each (default 2)
              --duration=S                seconds to run (default 20; ignored when --rows is set)
              --warmup=S                  seconds at the start whose events are sent but not counted in the
                                          final events/s and latency (JIT warm-up; default 0)
              --rows=N                    stop after N events in total
              --rate=R                    events/s over all threads; 0 = flat out (default 0)
              --batch-rows=N              rows per batch (default 10000)
              --in-flight=N               batches in flight per thread (default 16)
              --linger-ms=N               gRPC door: longest a row waits for its batch to fill (default 5)
              --api=rows|columns          gRPC door: the client's row builder (default) or its columnar
                                          batches (ColumnBatch, one per --batch-rows events)
              --host=H --grpc-port=P --http-port=P --flight-port=P
                                          connect to a running server instead of starting one in-process
              --durability=fsync|batch|none   embedded server's durability (default fsync)
              --data-dir=DIR              embedded server's data directory (default: a fresh temp dir)
              --duckdb=true|false         also load the same events into DuckDB via its Appender (default true)
              --progress-ms=N             progress line interval (default 1000)
              --seed=N                    event generator seed (default 42)
            """;

    static LoadOptions parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("expected --key=value [argument=" + a + "]");
            }
            m.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        Map<String, String> m0 = Map.copyOf(m);
        LoadOptions o = new LoadOptions(m.getOrDefault("door", "grpc"), Integer.parseInt(m.getOrDefault("threads", "2")),
                Long.parseLong(m.getOrDefault("duration", "20")), Long.parseLong(m.getOrDefault("rows", "0")),
                Long.parseLong(m.getOrDefault("rate", "0")), Integer.parseInt(m.getOrDefault("batch-rows", "10000")),
                Integer.parseInt(m.getOrDefault("in-flight", "16")), m.getOrDefault("host", ""),
                Integer.parseInt(m.getOrDefault("grpc-port", "9401")), Integer.parseInt(m.getOrDefault("http-port", "9400")),
                Integer.parseInt(m.getOrDefault("flight-port", "9402")), m.getOrDefault("durability", "fsync"),
                m.getOrDefault("data-dir", ""), Boolean.parseBoolean(m.getOrDefault("duckdb", "true")),
                Long.parseLong(m.getOrDefault("progress-ms", "1000")), Long.parseLong(m.getOrDefault("seed", "42")),
                m.getOrDefault("table", "events"), Long.parseLong(m.getOrDefault("warmup", "0")),
                Long.parseLong(m.getOrDefault("linger-ms", "5")), m.getOrDefault("api", "rows"));
        m.keySet().removeAll(java.util.Set.of("door", "threads", "duration", "rows", "rate", "batch-rows", "in-flight", "host",
                "grpc-port", "http-port", "flight-port", "durability", "data-dir", "duckdb", "progress-ms", "seed", "table", "warmup",
                "linger-ms", "api"));
        if (!m.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + m.keySet());
        }
        if (!java.util.Set.of("grpc", "http", "flight").contains(o.door())) {
            throw new IllegalArgumentException("unknown door [door=" + o.door() + ", expected grpc, http or flight]");
        }
        if (!o.api().equals("rows") && !o.api().equals("columns")) {
            throw new IllegalArgumentException("unknown api [api=" + o.api() + ", expected rows or columns]");
        }
        if (!o.embedded() && (m0.containsKey("durability") || m0.containsKey("data-dir"))) {
            // A running server keeps its own settings: silently ignoring these would mislabel the figures.
            throw new IllegalArgumentException("--durability and --data-dir apply only to the in-process server; with --host, start"
                    + " the server with --storage.durability=... and --data.dir=... instead");
        }
        if (o.threads() < 1 || o.batchRows() < 1 || o.inFlight() < 1 || o.rate() < 0 || o.rows() < 0 || o.lingerMs() < 0) {
            throw new IllegalArgumentException("threads, batch-rows and in-flight must be positive, rate, rows and linger-ms not negative");
        }
        return o;
    }

    boolean embedded() {
        return host.isEmpty();
    }
}
