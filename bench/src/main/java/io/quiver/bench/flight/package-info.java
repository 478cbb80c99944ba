/**
 * The Flight result-stream benchmark ({@link io.quiver.bench.flight.FlightBench}, subcommand
 * {@code flight}): a seeded 10-column table loaded into a real Quiver server and into DuckDB in one
 * run, read in full through Arrow's FlightSqlClient, the Flight SQL JDBC driver and DuckDB's JDBC.
 * The server (and its storage engine's off-heap memory) is owned and closed by the run; the Arrow
 * client allocator is owned and closed by {@link io.quiver.bench.flight.FlightSqlStreamReader}.
 */
package io.quiver.bench.flight;
