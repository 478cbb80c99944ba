package io.quiver.storage.crash;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of the crash tests: ingests self-describing batches as fast as it can from
 * several threads, with tiny memtables so flushes and compactions run all the time, and prints
 * {@code ACK <batch>} for every acknowledged batch. The parent kills it with SIGKILL at a random
 * moment and then checks the data directory.
 *
 * <p>Args: dataDir firstBatchNo threads. Batch {@code n} has {@code rowsOf(n)} rows, each carrying
 * {@code batch_no = n}, {@code row_no = 0..rows-1} and a payload derived from both.
 */
public final class CrashWriterMain {
    static final String TABLE = "crash";
    static final List<ColumnDef> COLUMNS = List.of(
            new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("batch_no", ColumnType.BIGINT),
            new ColumnDef("row_no", ColumnType.INT),
            new ColumnDef("payload", ColumnType.VARCHAR),
            new ColumnDef("value", ColumnType.DOUBLE));

    private CrashWriterMain() {
    }

    static int rowsOf(long batchNo) {
        return 1 + (int) (Math.floorMod(batchNo * 2654435761L, 200));
    }

    static String payloadOf(long batchNo, int row) {
        return "b" + batchNo + "-r" + row + (row % 7 == 0 ? "-" + "x".repeat((int) (batchNo % 50)) : "");
    }

    static long tsOf(long batchNo, int row) {
        // Spread over several days so flushes write several partitions.
        return 1_700_000_000_000_000L + Math.floorMod(batchNo * 7919L, 5) * 86_400_000_000L + row;
    }

    static StorageConfig config() {
        return new StorageConfig()
                .memtableFlushBytes(96 * 1024)
                .memtableMaxAgeMs(50)
                .segmentBlockRows(256)
                .compactionMinSegments(3)
                .compactionSmallSegmentRows(1_000_000)
                .backgroundIntervalMs(5)
                .groupCommitIntervalUs(500);
    }

    static RowBatch batch(long batchNo) {
        int rows = rowsOf(batchNo);
        RowBatch b = new RowBatch(COLUMNS, rows);
        for (int r = 0; r < rows; r++) {
            b.column(0).appendLong(tsOf(batchNo, r));
            b.column(1).appendLong(batchNo);
            b.column(2).appendLong(r);
            b.column(3).appendString(payloadOf(batchNo, r));
            if (r % 5 == 0) {
                b.column(4).appendNull();
            } else {
                b.column(4).appendDouble(batchNo + r / 1000.0);
            }
        }
        b.syncRowCount();
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long first = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        StorageEngine engine = StorageEngine.open(dir, config());
        Table table = engine.table(TABLE).orElseGet(() -> {
            try {
                return engine.createTable(TableSchema.of(TABLE, "ts", COLUMNS));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        out.println("READY");
        AtomicLong next = new AtomicLong(first);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                while (true) {
                    long n = next.getAndIncrement();
                    try {
                        CompletableFuture<?> f = table.append("batch-" + n, batch(n));
                        f.join();
                        synchronized (out) {
                            out.println("ACK " + n);
                        }
                    } catch (RuntimeException e) {
                        synchronized (out) {
                            out.println("FAIL " + n + " " + e);
                        }
                    }
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
    }
}
