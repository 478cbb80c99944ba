/**
 * The query engine's door into a table: {@link io.quiver.storage.scan.TableScan} (a pinned snapshot)
 * split into {@link io.quiver.storage.scan.ScanSplit}s (a segment, a memtable), each read by a
 * {@link io.quiver.storage.scan.ScanCursor} into reused {@link io.quiver.storage.vector.ColumnVector}s,
 * whole blocks at a time, skipping blocks by zone maps ({@link io.quiver.storage.scan.ScanPredicate}).
 * A segment split also offers a {@link io.quiver.storage.scan.BlockCursor}: it stops before each block
 * so the caller decodes the columns it needs, in the order it wants, and may take dictionary blocks
 * as codes only; {@link io.quiver.storage.scan.DictionaryRows} writes their strings for the rows kept.
 *
 * <p>Memory: everything here is on the heap. Vectors belong to the caller, which reuses them batch
 * after batch; a dictionary block's {@code dictionary} vector and code array hang off the vector it
 * was read into and are reused (overwritten) by the next block read into that same vector. The snapshot's segment mappings and memtables
 * are released by {@link io.quiver.storage.scan.TableScan#close()}.
 */
package io.quiver.storage.scan;
