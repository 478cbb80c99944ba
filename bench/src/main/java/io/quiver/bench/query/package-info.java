/**
 * The query benchmark ({@link io.quiver.bench.query.QueryBench}): a seeded web-analytics table
 * ({@link io.quiver.bench.query.HitsDataset}) loaded into Quiver's storage engine and DuckDB in one
 * run, the queries of {@link io.quiver.bench.query.BenchQueries} timed cold and hot on both with
 * their answers checked equal, and a report with a PNG chart. Everything it allocates is on the
 * heap; the storage engine it opens owns its own off-heap memory and is closed by the run.
 */
package io.quiver.bench.query;
