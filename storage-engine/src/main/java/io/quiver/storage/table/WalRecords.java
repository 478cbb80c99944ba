package io.quiver.storage.table;

import io.quiver.storage.StorageException;
import io.quiver.storage.vector.RowBatch;
import io.quiver.storage.wal.RowBatchCodec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The table's WAL record payloads. DATA: {@code [u16 batch id length][batch id UTF-8]
 * [u32 schema version][RowBatchCodec bytes]}; a zero length means no batch id.
 */
final class WalRecords {
    private WalRecords() {
    }

    record Data(String batchId, int schemaVersion, RowBatch rows) {}

    static byte[] encodeData(String batchId, int schemaVersion, RowBatch rows) {
        byte[] id = batchId == null ? new byte[0] : batchId.getBytes(StandardCharsets.UTF_8);
        if (id.length > 0xFFFF) {
            throw StorageException.invalid("batch id too long [bytes=" + id.length + ']');
        }
        byte[] body = RowBatchCodec.encode(rows);
        ByteBuffer b = ByteBuffer.allocate(2 + id.length + 4 + body.length);
        b.putShort((short) id.length).put(id).putInt(schemaVersion).put(body);
        return b.array();
    }

    static Data decodeData(ByteBuffer payload) {
        try {
            int idLen = Short.toUnsignedInt(payload.getShort());
            byte[] id = new byte[idLen];
            payload.get(id);
            int version = payload.getInt();
            RowBatch rows = RowBatchCodec.decode(payload);
            return new Data(idLen == 0 ? null : new String(id, StandardCharsets.UTF_8), version, rows);
        } catch (java.nio.BufferUnderflowException e) {
            throw StorageException.corrupt("WAL data record is truncated");
        }
    }
}
