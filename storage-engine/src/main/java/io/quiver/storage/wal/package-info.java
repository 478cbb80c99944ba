/**
 * The per-table write-ahead log: every accepted batch is appended here, and made durable by group
 * commit, before it is acknowledged; at startup {@link io.quiver.storage.wal.WalReader} replays what
 * was not yet flushed into segments and cuts any torn tail. Byte layout and recovery rules:
 * {@code storage-engine/docs/wal-format.md}.
 *
 * <ul>
 *   <li>{@link io.quiver.storage.wal.WalWriter}: appends records ({@code [u32 length][u32 crc32c]
 *       [u64 seq][u8 type][payload]}), group-commits them on its flusher thread
 *       ({@link io.quiver.storage.wal.WalFlusher}, an Agrona agent), rolls and deletes files.</li>
 *   <li>{@link io.quiver.storage.wal.WalReader}: replay and repair.</li>
 *   <li>{@link io.quiver.storage.wal.RowBatchCodec} and {@link io.quiver.storage.wal.DataRecordCodec}:
 *       the DATA record payload (batch id, schema version, row batch).</li>
 * </ul>
 *
 * <h2>Memory and resources</h2>
 * Everything here is on the Java heap except the writer's direct write buffer, which the writer
 * allocates, grows to the largest record seen, and leaves to the GC when it is closed. File channels
 * are opened and closed by their single owner: the writer for its current file, the reader for the
 * file it is scanning. Codecs own reusable scratch arrays and are confined to one thread.
 */
package io.quiver.storage.wal;
