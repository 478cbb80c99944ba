package io.quiver.storage.wal;

import io.quiver.storage.StorageException;
import io.quiver.storage.dedup.BatchIds;
import io.quiver.storage.vector.RowBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Payload of a {@link WalRecordType#DATA} record (little-endian):
 * <pre>
 * data := u16 batchIdLength | batchId (UTF-8, at most 128 chars) | i32 schemaVersion | row batch ({@link RowBatchCodec})
 * </pre>
 * The row batch runs to the end of the payload; trailing bytes are corruption. Not thread-safe (it
 * owns a {@link RowBatchCodec}); use one per thread.
 */
public final class DataRecordCodec {
    /** UTF-8 of 128 chars takes at most 3 bytes per char (a surrogate pair is 2 chars, 4 bytes). */
    static final int MAX_BATCH_ID_BYTES = BatchIds.MAX_LENGTH * 3;

    private final RowBatchCodec batchCodec = new RowBatchCodec();
    private byte[] idScratch = new byte[64];

    /** A decoded DATA payload. {@code batch} may be the caller's reused batch. */
    public record DataRecord(String batchId, int schemaVersion, RowBatch batch) {
    }

    /**
     * Encodes a DATA payload; the buffer is valid until the next call on this codec.
     *
     * @throws StorageException INVALID_INPUT for a batch id over 128 characters
     */
    public ByteBuffer encode(CharSequence batchId, int schemaVersion, RowBatch batch) {
        BatchIds.validate(batchId);
        batchCodec.beginOutput();
        int idLength = utf8(batchId);
        batchCodec.putU16(idLength);
        batchCodec.putBytes(idScratch, 0, idLength);
        batchCodec.putI32(schemaVersion);
        batchCodec.encodeInto(batch);
        return batchCodec.output();
    }

    /**
     * Decodes a DATA payload (all of {@code payload}'s remaining bytes), into {@code reuse} when its
     * columns match.
     *
     * @throws StorageException CORRUPT if the bytes are not a valid DATA payload
     */
    public DataRecord decode(ByteBuffer payload, RowBatch reuse) {
        byte[] a;
        int off;
        int len = payload.remaining();
        if (payload.hasArray()) {
            a = payload.array();
            off = payload.arrayOffset() + payload.position();
        } else {
            a = new byte[len];
            payload.get(payload.position(), a, 0, len);
            off = 0;
        }
        batchCodec.beginInput(a, off, len);
        int idLength = batchCodec.getU16();
        if (idLength > MAX_BATCH_ID_BYTES) {
            throw StorageException.corrupt("DATA record batch id too long [bytes=" + idLength + ", max=" + MAX_BATCH_ID_BYTES + ']');
        }
        String batchId = batchCodec.getUtf8(idLength);
        int schemaVersion = batchCodec.getI32();
        RowBatch batch = batchCodec.decodeFromInput(reuse);
        if (batchCodec.inputRemaining() != 0) {
            throw StorageException.corrupt("DATA record has bytes after its row batch [bytes=" + batchCodec.inputRemaining() + ']');
        }
        return new DataRecord(batchId, schemaVersion, batch);
    }

    /** UTF-8 of {@code s} into {@link #idScratch}; ASCII (the usual UUID-like id) without allocating. */
    private int utf8(CharSequence s) {
        int n = s.length();
        if (idScratch.length < n) {
            idScratch = new byte[Math.max(n, MAX_BATCH_ID_BYTES)];
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
                if (idScratch.length < b.length) {
                    idScratch = new byte[b.length];
                }
                System.arraycopy(b, 0, idScratch, 0, b.length);
                return b.length;
            }
            idScratch[i] = (byte) c;
        }
        return n;
    }
}
