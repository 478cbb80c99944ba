/**
 * The immutable columnar segment format: the files a memtable flush and a compaction write and
 * scans read through memory maps. Byte layout: {@code storage-engine/docs/segment-format.md}.
 *
 * <h2>Main types</h2>
 * <ul>
 *   <li>{@link io.quiver.storage.segment.SegmentWriter}: streams sorted row batches into blocks of
 *       {@code blockRows} rows; per block and column it analyses the values, picks an
 *       {@link io.quiver.storage.segment.Encoding}, LZ4-compresses when that pays, checksums
 *       (CRC32C) and records a {@link io.quiver.storage.segment.ZoneMap}; {@code finish()} publishes
 *       the file atomically (temp file, fsync, rename, directory fsync).</li>
 *   <li>{@link io.quiver.storage.segment.SegmentReader}: maps a file read-only, validates header,
 *       trailer and footer at open, decodes single blocks on demand. Shared by many threads;
 *       reference counted.</li>
 *   <li>{@link io.quiver.storage.segment.BlockDecoder}: per-thread scratch buffers for decoding.</li>
 * </ul>
 *
 * <h2>Memory ownership</h2>
 * <ul>
 *   <li>The memory map of a segment is owned by its {@code SegmentReader}: it is created in
 *       {@code open} inside a shared {@link java.lang.foreign.Arena} and unmapped by the
 *       {@code release()} that drops the last reference. The file channel is closed right after
 *       mapping. Everything parsed from the footer lives on the heap.</li>
 *   <li>{@code BlockDecoder} owns heap scratch arrays only; the caller owns the decoder and the
 *       output {@link io.quiver.storage.vector.ColumnVector}s.</li>
 *   <li>{@code SegmentWriter} owns its file channel (closed by {@code finish}/{@code abort}) and
 *       heap buffers (one block per column). No off-heap memory is allocated by this package other
 *       than the mapping.</li>
 * </ul>
 */
package io.quiver.storage.segment;
