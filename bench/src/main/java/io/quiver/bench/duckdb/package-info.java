/**
 * DuckDB, the in-process peer every figure is compared with: connections opened with all cores and
 * a memory limit, and an events loader through DuckDB's JDBC Appender. Each connection has one
 * owner that closes it (DuckDB's native memory is freed then).
 */
package io.quiver.bench.duckdb;
