package io.quiver.storage.crash;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.fs.FaultInjectingFilesFacade;
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
                .groupCommitIntervalUs(500)
                // Small prepared files, so kills land while appends go into preallocated WAL files,
                // while files are being prepared and while one is taken over at a rollover.
                .walPreallocateBytes(256 * 1024);
    }

    /** Where a trial kills the child: the parent waits for "AT <phase>" and then sends SIGKILL. */
    static final String[] PHASES = {"anywhere", "wal-append", "wal-fsync", "wal-new-file-sync", "flush-segment-write",
            "manifest-publish", "compaction-write", "compaction-retire"};

    /**
     * Blocks the thread that reaches the chosen operation for the {@code nth} time, after telling the
     * parent, so the kill lands exactly inside that phase.
     */
    private static void armCrashPoint(FaultInjectingFilesFacade fs, String phase, long nth, PrintStream out) {
        java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
        java.util.function.BooleanSupplier inMerge = () -> {
            for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
                if (e.getMethodName().equals("merge") && e.getClassName().endsWith("SegmentStore")) {
                    return true;
                }
            }
            return false;
        };
        FaultInjectingFilesFacade.Hook park = () -> {
            synchronized (out) {
                out.println("AT " + phase);
            }
            Thread.sleep(Long.MAX_VALUE);
        };
        FaultInjectingFilesFacade.Hook counted = () -> {
            if (seen.incrementAndGet() == nth) {
                park.run();
            }
        };
        switch (phase) {
            case "anywhere" -> { }
            case "wal-append" -> fs.rule(FaultInjectingFilesFacade.Op.WRITE).onFiles("wal-.*\\.log").always().run(counted);
            case "wal-fsync" -> fs.rule(FaultInjectingFilesFacade.Op.FORCE).onFiles("wal-.*\\.log").always().run(counted);
            // A rolled WAL file's directory entry is fsynced by the group commit of its first records,
            // after the roll: a kill here must lose none of the batches acknowledged before it.
            case "wal-new-file-sync" -> fs.rule(FaultInjectingFilesFacade.Op.FSYNC_DIRECTORY).onFiles("wal").always().run(counted);
            case "flush-segment-write" -> fs.rule(FaultInjectingFilesFacade.Op.WRITE).onFiles("seg-.*").always().run(() -> {
                if (!inMerge.getAsBoolean()) {
                    counted.run();
                }
            });
            case "manifest-publish" -> fs.rule(FaultInjectingFilesFacade.Op.ATOMIC_MOVE).onFiles("_manifest.*").always().run(counted);
            case "compaction-write" -> fs.rule(FaultInjectingFilesFacade.Op.WRITE).onFiles("seg-.*").always().run(() -> {
                if (inMerge.getAsBoolean()) {
                    counted.run();
                }
            });
            case "compaction-retire" -> fs.rule(FaultInjectingFilesFacade.Op.DELETE).onFiles("seg-.*\\.qseg").always().run(counted);
            default -> throw new IllegalArgumentException("unknown crash phase " + phase);
        }
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
        String phase = args.length > 3 ? args[3] : "anywhere";
        long nth = args.length > 4 ? Long.parseLong(args[4]) : 1;
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        armCrashPoint(fs, phase, nth, out);
        StorageEngine engine = StorageEngine.open(dir, config(), fs);
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
