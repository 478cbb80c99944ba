package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.TableSchema;
import io.quiver.storage.dedup.IdempotencyIndex;
import io.quiver.storage.fs.FilesFacade;
import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import io.quiver.storage.wal.DataRecordCodec;
import io.quiver.storage.wal.WalReader;
import io.quiver.storage.wal.WalRecordType;
import io.quiver.storage.wal.WalReplaySummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Rebuilds a table's memtable from the WAL records after the manifest's checkpoint. A record is
 * applied unless its batch id is already known under another sequence (a retry of a batch whose
 * first attempt failed after reaching the WAL): so a batch is present exactly once. Records written
 * under an older schema read missing columns as NULL. A memtable that outgrows the flush size
 * during replay is flushed, so replay needs no more memory than normal operation.
 */
final class WalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);

    private final FilesFacade fs;
    private final Path walDir;
    private final TableSchema schema;
    private final IdempotencyIndex dedup;
    private final SegmentStore store;
    private final StorageConfig config;

    record Result(Memtable memtable, long lastSeq, long nextSeq, long records) {}

    WalRecovery(FilesFacade fs, Path walDir, TableSchema schema, IdempotencyIndex dedup, SegmentStore store, StorageConfig config) {
        this.fs = fs;
        this.walDir = walDir;
        this.schema = schema;
        this.dedup = dedup;
        this.store = store;
        this.config = config;
    }

    Result replay(Memtable initial, long afterSeq) throws IOException {
        Memtable[] current = {initial};
        long[] lastSeq = {afterSeq};
        long[] applied = {0};
        long now = System.currentTimeMillis();
        DataRecordCodec codec = new DataRecordCodec();
        WalReplaySummary summary = WalReader.replay(fs, walDir, afterSeq, (seq, type, payload) -> {
            lastSeq[0] = Math.max(lastSeq[0], seq);
            if (type != WalRecordType.DATA) {
                return;
            }
            DataRecordCodec.DataRecord data = codec.decode(payload, null);
            String batchId = data.batchId() == null || data.batchId().isEmpty() ? null : data.batchId();
            if (batchId != null) {
                long known = dedup.lookup(batchId);
                if (known >= 0 && known != seq) {
                    LOG.info("skipping a WAL record whose batch id was applied under another sequence [table={}, seq={}, batchId={}, appliedSeq={}]",
                            schema.name(), seq, batchId, known);
                    return;
                }
            }
            current[0].append(toSchema(data.batch()));
            if (batchId != null) {
                dedup.record(batchId, seq, now);
            }
            applied[0]++;
            if (current[0].offHeapBytes() >= config.memtableFlushBytes()) {
                try {
                    flush(current[0], seq);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                current[0].release();
                current[0] = Table.newMemtable(schema, config);
            }
        });
        lastSeq[0] = Math.max(lastSeq[0], summary.lastSeq());
        return new Result(current[0], lastSeq[0], Math.max(summary.nextSeq(), lastSeq[0] + 1), applied[0]);
    }

    private void flush(Memtable m, long coveredSeq) throws IOException {
        store.writeSorted(m, coveredSeq);
    }

    /** Columns by name onto the current schema; columns added since the record read as NULL. */
    private RowBatch toSchema(RowBatch rows) {
        if (rows.columnCount() == schema.columnCount() && rows.columns().equals(schema.columns())) {
            return rows;
        }
        ColumnVector[] out = new ColumnVector[schema.columnCount()];
        for (int c = 0; c < out.length; c++) {
            ColumnDef def = schema.column(c);
            int src = rows.indexOf(def.name());
            if (src >= 0 && rows.type(src) == def.type()) {
                out[c] = rows.column(src);
            } else {
                ColumnVector v = new ColumnVector(def.type(), rows.rowCount());
                for (int r = 0; r < rows.rowCount(); r++) {
                    v.appendNull();
                }
                out[c] = v;
            }
        }
        return new RowBatch(schema.columns(), out, rows.rowCount());
    }
}
