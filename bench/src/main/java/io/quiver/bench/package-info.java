/**
 * The bench runner behind {@code ops/quiver-bench <subcommand>}: {@link io.quiver.bench.BenchMain}
 * dispatches to one {@link io.quiver.bench.BenchCommand} per subcommand (registered in one list),
 * which prints timestamped progress to stderr and its figures as Markdown tables to stdout.
 *
 * <p>Memory: everything here is on the heap except what the storage engine and DuckDB allocate
 * themselves; a command that opens a segment reader or a DuckDB connection closes it before it
 * returns.
 */
package io.quiver.bench;
