package io.quiver.storage.table;

import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.wal.WalConfig;

/** Builds a table's WAL settings from the engine's. */
final class WalConfigs {
    private WalConfigs() {
    }

    static WalConfig of(StorageConfig c, Durability durability) {
        return new WalConfig()
                .durability(durability)
                .groupCommitIntervalMicros(c.groupCommitIntervalUs())
                .maxRecordBytes(c.walMaxRecordBytes())
                .maxFileBytes(c.walFileBytes())
                .maxTotalBytes(c.walMaxBytes());
    }
}
