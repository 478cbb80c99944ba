package io.quiver.storage.wal;

import java.util.concurrent.CompletableFuture;

/**
 * The result of {@link WalWriter#append}: the seq the record was given, and a future that completes
 * with that seq once the record is durable per the writer's {@link io.quiver.storage.Durability},
 * or exceptionally with a {@link io.quiver.storage.StorageException} (IO or CLOSED) when it cannot
 * be made durable. Futures of one writer complete in seq order. Dependent actions attached with the
 * non-async methods run on the WAL's flusher thread: keep them short or use the async variants.
 */
public record WalAppend(long seq, CompletableFuture<Long> durable) {
}
