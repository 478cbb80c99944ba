package io.quiver.storage.wal;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowBatchCodecTest {
    static final List<ColumnDef> ALL_TYPES = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("id", ColumnType.BIGINT),
            new ColumnDef("flag", ColumnType.BOOLEAN),
            new ColumnDef("small", ColumnType.SMALLINT),
            new ColumnDef("i", ColumnType.INT),
            new ColumnDef("price", ColumnType.DOUBLE),
            new ColumnDef("day", ColumnType.DATE),
            new ColumnDef("name", ColumnType.VARCHAR));

    /** A random batch; column c gets nulls with probability nullRate[c]. */
    static RowBatch randomBatch(Random rnd, int rows, double[] nullRate) {
        RowBatch b = new RowBatch(ALL_TYPES, 4);
        long ts = 1_763_900_000_000_000L + rnd.nextInt(1_000_000);
        for (int r = 0; r < rows; r++) {
            ts += rnd.nextInt(5_000);
            for (int c = 0; c < ALL_TYPES.size(); c++) {
                ColumnVector v = b.column(c);
                if (rnd.nextDouble() < nullRate[c]) {
                    v.appendNull();
                    continue;
                }
                switch (ALL_TYPES.get(c).type()) {
                    case TIMESTAMP -> v.appendLong(ts);
                    case BIGINT -> v.appendLong(rnd.nextLong());
                    case BOOLEAN -> v.appendLong(rnd.nextBoolean() ? 1 : 0);
                    case SMALLINT -> v.appendLong(rnd.nextInt(Short.MAX_VALUE - Short.MIN_VALUE + 1) + Short.MIN_VALUE);
                    case INT -> v.appendLong(rnd.nextInt());
                    case DOUBLE -> v.appendDouble(rnd.nextInt(10) == 0 ? Double.NaN : rnd.nextGaussian() * 1e6);
                    case DATE -> v.appendLong(20_000 + rnd.nextInt(400));
                    case VARCHAR -> v.appendString(randomString(rnd));
                }
            }
        }
        b.syncRowCount();
        return b;
    }

    static String randomString(Random rnd) {
        int n = rnd.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(20);
            sb.append(k == 0 ? "é" : k == 1 ? "日本" : k == 2 ? "😀" : String.valueOf((char) ('a' + k)));
        }
        return sb.toString();
    }

    static void assertSameBatch(RowBatch expected, RowBatch actual, String ctx) {
        assertEquals(expected.columns(), actual.columns(), ctx);
        assertEquals(expected.rowCount(), actual.rowCount(), ctx);
        for (int c = 0; c < expected.columnCount(); c++) {
            ColumnVector e = expected.column(c);
            ColumnVector a = actual.column(c);
            assertEquals(expected.rowCount(), a.size(), ctx);
            for (int r = 0; r < expected.rowCount(); r++) {
                int row = r;
                String column = expected.columns().get(c).name();
                java.util.function.Supplier<String> where = () -> ctx + " column=" + column + " row=" + row;
                assertEquals(e.isNull(r), a.isNull(r), where);
                assertEquals(e.getObject(r), a.getObject(r), where);
                if (a.isNull(r) && a.type().physical() == ColumnType.Physical.LONG) {
                    assertEquals(0, a.getLong(r), where);
                }
            }
        }
    }

    @Test
    void roundTripsRandomBatches() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        RowBatchCodec codec = new RowBatchCodec();
        RowBatch reuse = null;
        for (int iter = 0; iter < 200; iter++) {
            double[] nullRate = new double[ALL_TYPES.size()];
            for (int c = 0; c < nullRate.length; c++) {
                nullRate[c] = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 0.5;
            }
            int rows = iter == 0 ? 0 : rnd.nextInt(iter < 100 ? 20 : 3_000);
            RowBatch b = randomBatch(rnd, rows, nullRate);
            ByteBuffer enc = codec.encode(b);
            RowBatch d = codec.decode(enc, reuse);
            assertFalse(enc.hasRemaining(), "decode consumes the whole encoding");
            assertSameBatch(b, d, "iter=" + iter + " seed=" + seed);
            for (int c = 0; c < ALL_TYPES.size(); c++) {
                if (nullRate[c] == 0) {
                    assertFalse(d.column(c).hasNulls, "no-null column decodes with hasNulls=false");
                }
            }
            if (reuse != null) {
                assertSame(reuse, d, "a batch with the same columns is decoded in place");
            }
            reuse = d;
        }
    }

    @Test
    void decodesIntoANewBatchWhenColumnsDiffer() {
        RowBatchCodec codec = new RowBatchCodec();
        RowBatch other = new RowBatch(List.of(new ColumnDef("x", ColumnType.BIGINT)), 4);
        RowBatch b = randomBatch(new Random(1), 10, new double[8]);
        RowBatch d = codec.decode(codec.encode(b), other);
        assertNotSame(other, d);
        assertSameBatch(b, d, "");
        RowBatch renamed = new RowBatch(List.of(new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("id", ColumnType.BIGINT),
                new ColumnDef("flag", ColumnType.BOOLEAN), new ColumnDef("small", ColumnType.SMALLINT),
                new ColumnDef("i", ColumnType.INT), new ColumnDef("price", ColumnType.DOUBLE),
                new ColumnDef("day", ColumnType.DATE), new ColumnDef("Name", ColumnType.VARCHAR)), 4);
        assertNotSame(renamed, codec.decode(codec.encode(b), renamed), "names compare exactly");
    }

    @Test
    void picksACompactEncodingPerLongColumn() {
        int rows = 10_000;
        Random rnd = new Random(5);
        RowBatchCodec codec = new RowBatchCodec();
        long ts = 1_763_900_000_000_000L;
        RowBatch tsBatch = single(ColumnType.TIMESTAMP, rows);
        RowBatch smallBatch = single(ColumnType.INT, rows);
        RowBatch randomBatch = single(ColumnType.BIGINT, rows);
        for (int r = 0; r < rows; r++) {
            ts += 1_000 + rnd.nextInt(100);
            tsBatch.column(0).appendLong(ts);
            smallBatch.column(0).appendLong(rnd.nextInt(100) - 50);
            randomBatch.column(0).appendLong(rnd.nextLong());
        }
        for (RowBatch b : List.of(tsBatch, smallBatch, randomBatch)) {
            b.syncRowCount();
        }
        int tsBytes = codec.encode(tsBatch).remaining();
        int smallBytes = codec.encode(smallBatch).remaining();
        int randomBytes = codec.encode(randomBatch).remaining();
        assertTrue(tsBytes < 2.1 * rows, "timestamps as deltas: " + tsBytes);
        assertTrue(smallBytes < 1.1 * rows, "small values as varints: " + smallBytes);
        assertTrue(randomBytes <= 8 * rows + 32, "random longs stay fixed width: " + randomBytes);
        assertSameBatch(tsBatch, codec.decode(codec.encode(tsBatch), null), "ts");
        assertSameBatch(randomBatch, codec.decode(codec.encode(randomBatch), null), "random");
    }

    @Test
    void omitsTheNullBitmapForColumnsWithoutNulls() {
        RowBatchCodec codec = new RowBatchCodec();
        RowBatch noNulls = single(ColumnType.DOUBLE, 800);
        RowBatch withNull = single(ColumnType.DOUBLE, 800);
        for (int r = 0; r < 800; r++) {
            noNulls.column(0).appendDouble(r);
            if (r == 5) {
                withNull.column(0).appendNull();
            } else {
                withNull.column(0).appendDouble(r);
            }
        }
        noNulls.syncRowCount();
        withNull.syncRowCount();
        assertEquals(100, codec.encode(withNull).remaining() - codec.encode(noNulls).remaining(), "800 rows = 100 bitmap bytes");
    }

    @Test
    void everyTruncationIsCorrupt() {
        long seed = System.nanoTime();
        RowBatchCodec codec = new RowBatchCodec();
        RowBatch b = randomBatch(new Random(seed), 40, new double[]{0, 0.2, 0.1, 0, 0.3, 0.2, 0, 0.3});
        byte[] enc = toArray(codec.encode(b));
        for (int len = 0; len < enc.length; len++) {
            ByteBuffer cut = ByteBuffer.wrap(enc, 0, len);
            StorageException e = assertThrows(StorageException.class, () -> codec.decode(cut, null), "len=" + len + " seed=" + seed);
            assertEquals(StorageException.Kind.CORRUPT, e.kind(), "len=" + len + " seed=" + seed);
        }
    }

    @Test
    void flippedBytesAndGarbageNeverThrowAnythingButCorrupt() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        RowBatchCodec codec = new RowBatchCodec();
        RowBatch b = randomBatch(rnd, 60, new double[]{0, 0.2, 0.1, 0, 0.3, 0.2, 0, 0.3});
        byte[] enc = toArray(codec.encode(b));
        int corrupt = 0;
        for (int i = 0; i < enc.length; i++) {
            for (int bit = 0; bit < 8; bit += 3) {
                byte[] copy = enc.clone();
                copy[i] ^= (byte) (1 << bit);
                corrupt += decodeOrCorrupt(codec, copy, "flip at " + i + " bit " + bit + " seed=" + seed);
            }
        }
        assertTrue(corrupt > 0, "some flips are detected structurally");
        for (int i = 0; i < 2_000; i++) {
            byte[] junk = new byte[rnd.nextInt(200)];
            rnd.nextBytes(junk);
            if (junk.length > 0 && rnd.nextBoolean()) {
                junk[0] = RowBatchCodec.FORMAT_VERSION; // get past the version check
            }
            decodeOrCorrupt(codec, junk, "junk " + i + " seed=" + seed);
        }
    }

    /** Decodes; returns 1 if CORRUPT was thrown, 0 if it decoded; fails on any other exception. */
    private static int decodeOrCorrupt(RowBatchCodec codec, byte[] bytes, String ctx) {
        try {
            codec.decode(ByteBuffer.wrap(bytes), null);
            return 0;
        } catch (StorageException e) {
            assertEquals(StorageException.Kind.CORRUPT, e.kind(), ctx + ": " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            throw new AssertionError(ctx + ": decode threw " + e, e);
        }
    }

    @Test
    void rejectsBadTypeIdsAndNames() {
        RowBatchCodec codec = new RowBatchCodec();
        byte[] enc = toArray(codec.encode(single(ColumnType.BIGINT, 0)));
        // version, columnCount=1, typeId, nameLength, name "v", rowCount=0
        byte[] badType = enc.clone();
        badType[2] = 42;
        assertTrue(assertThrows(StorageException.class, () -> codec.decode(ByteBuffer.wrap(badType), null))
                .getMessage().contains("unknown column type id"));
        byte[] badName = enc.clone();
        badName[4] = '9';
        StorageException e = assertThrows(StorageException.class, () -> codec.decode(ByteBuffer.wrap(badName), null));
        assertEquals(StorageException.Kind.CORRUPT, e.kind());
    }

    @Test
    void decodesFromDirectBuffersToo() {
        RowBatchCodec codec = new RowBatchCodec();
        RowBatch b = randomBatch(new Random(3), 100, new double[8]);
        byte[] enc = toArray(codec.encode(b));
        ByteBuffer direct = ByteBuffer.allocateDirect(enc.length + 5);
        direct.position(5);
        direct.put(enc).position(5);
        assertSameBatch(b, codec.decode(direct, null), "direct");
        assertFalse(direct.hasRemaining());
    }

    @Test
    void dataRecordRoundTripsAndValidates() {
        DataRecordCodec codec = new DataRecordCodec();
        RowBatch b = randomBatch(new Random(9), 50, new double[]{0, 0.1, 0, 0, 0, 0.5, 0, 0.2});
        ByteBuffer enc = codec.encode("batch-ü-42", 7, b);
        byte[] bytes = toArray(enc);
        DataRecordCodec.DataRecord r = codec.decode(ByteBuffer.wrap(bytes), null);
        assertEquals("batch-ü-42", r.batchId());
        assertEquals(7, r.schemaVersion());
        assertSameBatch(b, r.batch(), "data");
        RowBatch reuse = r.batch();
        assertSame(reuse, codec.decode(ByteBuffer.wrap(bytes), reuse).batch());

        byte[] trailing = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertEquals(StorageException.Kind.CORRUPT,
                assertThrows(StorageException.class, () -> codec.decode(ByteBuffer.wrap(trailing), null)).kind());
        String max = "b".repeat(128);
        assertEquals(max, codec.decode(codec.encode(max, 1, b), null).batchId());
        StorageException tooLong = assertThrows(StorageException.class, () -> codec.encode("b".repeat(129), 1, b));
        assertEquals(StorageException.Kind.INVALID_INPUT, tooLong.kind());
    }

    @Test
    void dataRecordsSurviveTheWal(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        DataRecordCodec codec = new DataRecordCodec();
        List<RowBatch> sent = new ArrayList<>();
        Random rnd = new Random(21);
        try (WalWriter w = WalWriter.open(io.quiver.storage.fs.DefaultFilesFacade.INSTANCE, dir,
                WalConfig.defaults().withDurability(io.quiver.storage.Durability.BATCH), 1)) {
            for (int i = 0; i < 20; i++) {
                RowBatch b = randomBatch(rnd, rnd.nextInt(500), new double[]{0, 0.1, 0.1, 0, 0, 0.2, 0, 0.2});
                sent.add(b);
                w.append(WalRecordType.DATA, codec.encode("batch-" + i, 3, b));
            }
        }
        DataRecordCodec reader = new DataRecordCodec();
        RowBatch[] reuse = new RowBatch[1];
        int[] n = new int[1];
        WalReader.replay(io.quiver.storage.fs.DefaultFilesFacade.INSTANCE, dir, 0, (seq, type, payload) -> {
            assertEquals(WalRecordType.DATA, type);
            DataRecordCodec.DataRecord r = reader.decode(payload, reuse[0]);
            assertEquals("batch-" + (seq - 1), r.batchId());
            assertSameBatch(sent.get((int) seq - 1), r.batch(), "seq " + seq);
            reuse[0] = r.batch();
            n[0]++;
        });
        assertEquals(20, n[0]);
    }

    private static RowBatch single(ColumnType type, int capacity) {
        return new RowBatch(List.of(new ColumnDef("v", type)), capacity);
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
