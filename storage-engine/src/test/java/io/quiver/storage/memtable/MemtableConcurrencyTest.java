package io.quiver.storage.memtable;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.memory.NativeMemoryLeakCheck;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.quiver.storage.ColumnType.BIGINT;
import static io.quiver.storage.ColumnType.DOUBLE;
import static io.quiver.storage.ColumnType.INT;
import static io.quiver.storage.ColumnType.VARCHAR;
import static io.quiver.storage.memtable.TestRows.columns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One writer appends thousands of self-checking batches (and adds a column halfway) while four
 * readers read everything below the row count they observe, over and over. Every row carries its
 * batch number, batch size, position in the batch and a checksum of its values, so a reader can
 * tell a partial batch (the last row it sees is not the last of its batch) and a torn value (the
 * checksum fails).
 */
class MemtableConcurrencyTest {
    private static final List<ColumnDef> COLS = columns("batch_no", BIGINT, "batch_size", INT, "row_in_batch", INT,
            "value", BIGINT, "d", DOUBLE, "s", VARCHAR, "checksum", BIGINT);
    private static final int BATCH_NO = 0, BATCH_SIZE = 1, ROW_IN_BATCH = 2, VALUE = 3, D = 4, S = 5, CHECKSUM = 6, EXTRA = 7;
    private static final int BATCHES = 4000;
    private static final int ADD_COLUMN_AT_BATCH = 2000;
    private static final int READERS = 4;
    private static final int READ_BLOCK = 1000;
    private static final long NULL_MARK = 0x9e37_79b9_7f4a_7c15L;

    private final NativeMemoryLeakCheck leakCheck = NativeMemoryLeakCheck.start();

    @AfterEach
    void noLeak() {
        leakCheck.assertNoLeak();
    }

    @Test
    void readersSeeWholeBatchesAndIntactValuesWhileOneWriterAppends() throws Exception {
        long seed = System.nanoTime();
        Memtable memtable = new Memtable("t", COLS, 64, 512, 1L << 30);
        AtomicBoolean writerDone = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong passes = new AtomicLong();
        AtomicLong passesDuringWrites = new AtomicLong();
        AtomicLong rowsChecked = new AtomicLong();

        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            boolean throughViews = r == 0; // one reader also reads the added column and the zone maps
            Thread reader = new Thread(() -> {
                if (!memtable.tryRetain()) {
                    failure.compareAndSet(null, new AssertionError("could not retain"));
                    return;
                }
                try {
                    Reader check = new Reader(memtable, throughViews);
                    boolean last = false;
                    while (!last && failure.get() == null) {
                        last = writerDone.get(); // one more full pass after the writer finished
                        rowsChecked.addAndGet(check.pass());
                        passes.incrementAndGet();
                        if (!last) {
                            passesDuringWrites.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    memtable.release();
                }
            }, "memtable-reader-" + r);
            readers.add(reader);
            reader.start();
        }

        long rows = 0;
        try {
            rows = write(memtable, new Random(seed), failure);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        } finally {
            writerDone.set(true);
        }
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(reader.isAlive(), "reader stuck [seed=" + seed + ']');
        }
        try {
            if (failure.get() != null) {
                throw new AssertionError("failed [seed=" + seed + ", passes=" + passes.get() + ']', failure.get());
            }
            assertEquals(rows, memtable.rowCount(), "seed=" + seed);
            assertTrue(passes.get() >= READERS, "every reader made its final pass [seed=" + seed + ']');
            System.out.println("concurrency: rows=" + rows + " passes=" + passes.get() + " duringWrites=" + passesDuringWrites.get()
                    + " rowsChecked=" + rowsChecked.get());
        } finally {
            memtable.release();
        }
    }

    /** Appends {@link #BATCHES} batches through one reused RowBatch, as ingest would. */
    private static long write(Memtable memtable, Random random, AtomicReference<Throwable> failure) {
        RowBatch batch = new RowBatch(COLS, 128);
        long rows = 0;
        for (int b = 0; b < BATCHES && failure.get() == null; b++) {
            if (b == ADD_COLUMN_AT_BATCH) {
                memtable.addColumn(new ColumnDef("extra", BIGINT));
                batch = new RowBatch(memtable.columns(), 128);
            }
            int size = 1 + random.nextInt(120);
            batch.reset(size);
            for (int r = 0; r < size; r++) {
                Long value = random.nextInt(6) == 0 ? null : random.nextLong();
                Double d = random.nextInt(6) == 0 ? null : random.nextInt(20) == 0 ? Double.NaN : random.nextGaussian();
                String s = random.nextInt(6) == 0 ? null : "b" + b + "r" + r + "x".repeat(random.nextInt(random.nextInt(30) == 0 ? 2000 : 20));
                batch.column(BATCH_NO).appendLong(b);
                batch.column(BATCH_SIZE).appendLong(size);
                batch.column(ROW_IN_BATCH).appendLong(r);
                TestRows.append(batch.column(VALUE), value);
                TestRows.append(batch.column(D), d);
                TestRows.append(batch.column(S), s);
                batch.column(CHECKSUM).appendLong(checksum(b, size, r, value, d, s == null ? null : s.getBytes(StandardCharsets.UTF_8), 0, s == null ? 0 : s.length()));
                if (batch.columnCount() > EXTRA) {
                    batch.column(EXTRA).appendLong(b);
                }
            }
            batch.syncRowCount();
            memtable.append(batch);
            rows += size;
            if (b % 16 == 0) {
                Thread.yield(); // give readers on a small machine a chance to overlap the writes
            }
        }
        return rows;
    }

    static long checksum(long batchNo, long size, long row, Long value, Double d, byte[] s, int off, int len) {
        long h = mix(batchNo * 31 + size) ^ mix(row + 7);
        h = mix(h ^ (value == null ? NULL_MARK : value));
        h = mix(h ^ (d == null ? NULL_MARK : Double.doubleToRawLongBits(d)));
        if (s == null) {
            h = mix(h ^ NULL_MARK);
        } else {
            for (int i = off; i < off + len; i++) {
                h = h * 31 + s[i];
            }
            h = mix(h ^ len);
        }
        return h;
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51_afd7_ed55_8ccdL;
        x ^= x >>> 33;
        return x;
    }

    /** One reader's reusable state: vectors and what it expects next. */
    private static final class Reader {
        private final Memtable memtable;
        private final boolean throughViews;
        private final ColumnVector[] out = new ColumnVector[COLS.size() + 1];
        private final int[] columns = {0, 1, 2, 3, 4, 5, 6};
        private final int[] columnsWithExtra = {0, 1, 2, 3, 4, 5, 6, 7};
        private long expectedBatch;
        private long expectedRow;
        private long batchSize;
        private long firstExtraBatch;

        Reader(Memtable memtable, boolean throughViews) {
            this.memtable = memtable;
            this.throughViews = throughViews;
            for (int c = 0; c < COLS.size(); c++) {
                out[c] = new ColumnVector(COLS.get(c).type(), READ_BLOCK);
            }
            out[EXTRA] = new ColumnVector(BIGINT, READ_BLOCK);
        }

        /** Reads every row below the row count observed now and checks it; returns the rows checked. */
        long pass() {
            expectedBatch = 0;
            expectedRow = 0;
            firstExtraBatch = -1;
            MemtableView view = throughViews ? memtable.view() : null;
            long visible = view != null ? view.rowCount() : memtable.rowCount();
            int[] cols = view != null && view.columnCount() > EXTRA ? columnsWithExtra : columns;
            for (long from = 0; from < visible; from += READ_BLOCK) {
                int count = (int) Math.min(READ_BLOCK, visible - from);
                if (view != null) {
                    view.read(from, count, cols, out);
                } else {
                    memtable.read(from, count, cols, out);
                }
                for (int i = 0; i < count; i++) {
                    checkRow(from + i, i, cols.length > EXTRA);
                }
            }
            if (expectedRow != 0) {
                throw new AssertionError("partial batch visible [batch=" + expectedBatch + ", rowsSeen=" + expectedRow
                        + ", size=" + batchSize + ", visible=" + visible + ']');
            }
            if (view != null) {
                checkZoneMaps(view);
            }
            return visible;
        }

        private void checkRow(long row, int i, boolean withExtra) {
            long batchNo = out[BATCH_NO].getLong(i);
            long size = out[BATCH_SIZE].getLong(i);
            long inBatch = out[ROW_IN_BATCH].getLong(i);
            if (batchNo != expectedBatch || inBatch != expectedRow || (expectedRow > 0 && size != batchSize)) {
                throw new AssertionError("rows out of order [row=" + row + ", batch=" + batchNo + ", expectedBatch=" + expectedBatch
                        + ", rowInBatch=" + inBatch + ", expectedRow=" + expectedRow + ", size=" + size + ']');
            }
            ColumnVector s = out[S];
            long sum = checksum(batchNo, size, inBatch,
                    out[VALUE].isNull(i) ? null : out[VALUE].getLong(i),
                    out[D].isNull(i) ? null : out[D].getDouble(i),
                    s.isNull(i) ? null : s.bytes, s.offsets[i], s.stringLength(i));
            if (sum != out[CHECKSUM].getLong(i) || out[CHECKSUM].isNull(i)) {
                throw new AssertionError("torn or wrong row [row=" + row + ", batch=" + batchNo + ", rowInBatch=" + inBatch + ']');
            }
            if (withExtra) {
                ColumnVector extra = out[EXTRA];
                if (extra.isNull(i)) {
                    if (firstExtraBatch >= 0) {
                        throw new AssertionError("NULL extra after the column was added [row=" + row + ']');
                    }
                } else {
                    if (extra.getLong(i) != batchNo) {
                        throw new AssertionError("wrong extra [row=" + row + ", extra=" + extra.getLong(i) + ", batch=" + batchNo + ']');
                    }
                    if (firstExtraBatch < 0) {
                        if (inBatch != 0) {
                            throw new AssertionError("extra starts inside a batch [row=" + row + ']');
                        }
                        firstExtraBatch = batchNo;
                    }
                }
            }
            batchSize = size;
            if (inBatch + 1 == size) {
                expectedBatch++;
                expectedRow = 0;
            } else {
                expectedRow++;
            }
        }

        /** Zone maps of the view's chunks must bound its values and count its NULLs exactly. */
        private void checkZoneMaps(MemtableView view) {
            ColumnVector values = out[VALUE];
            int[] valueColumn = {VALUE};
            ColumnVector[] target = {values};
            for (int chunk = 0; chunk < view.chunkCount(); chunk++) {
                int rows = view.chunkRowCount(chunk);
                view.read(view.chunkFirstRow(chunk), rows, valueColumn, target);
                long min = view.minLong(VALUE, chunk);
                long max = view.maxLong(VALUE, chunk);
                int nulls = 0;
                for (int i = 0; i < rows; i++) {
                    if (values.isNull(i)) {
                        nulls++;
                    } else if (values.getLong(i) < min || values.getLong(i) > max) {
                        throw new AssertionError("value outside its zone map [chunk=" + chunk + ", value=" + values.getLong(i)
                                + ", min=" + min + ", max=" + max + ']');
                    }
                }
                if (nulls != view.nullCount(VALUE, chunk)) {
                    throw new AssertionError("null count [chunk=" + chunk + ", counted=" + nulls + ", zoneMap=" + view.nullCount(VALUE, chunk) + ']');
                }
            }
        }
    }
}
