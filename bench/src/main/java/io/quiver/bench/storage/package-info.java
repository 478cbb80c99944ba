/**
 * The {@code storage} subcommand: segment SUM scan, WAL append and on-disk footprint figures, each
 * beside DuckDB. Every run owns its scratch directory, segment readers and DuckDB connections and
 * closes them before returning; off-heap memory belongs to the storage engine objects it opens.
 */
package io.quiver.bench.storage;
