package io.quiver.storage.table;

import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.wal.WalConfig;

/** Builds a table's WAL settings from the engine's. */
final class WalConfigs {
    private WalConfigs() {
    }

    static WalConfig of(StorageConfig c, Durability durability) {
        return new WalConfig(durability, c.groupCommitIntervalUs(), WalConfig.SYNC_THRESHOLD_BYTES_DEFAULT,
                c.walMaxRecordBytes(), c.walMaxBytes(), c.walFileBytes(), c.walPreallocateBytes());
    }
}
