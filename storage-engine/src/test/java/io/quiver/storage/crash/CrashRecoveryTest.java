package io.quiver.storage.crash;

import io.quiver.storage.StorageEngine;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real crashes: a child JVM ingests (with flushes and compactions running constantly) and is killed
 * with SIGKILL at a random moment; the data directory is then reopened and checked. Every
 * acknowledged batch must be present exactly once with all its rows, and no batch may be present
 * partially. Trials accumulate in one directory, so later trials also recover from earlier crashes.
 * Trials rotate through crash points: anywhere (a random moment), and parked exactly inside a WAL
 * append, a WAL fsync, a flush's segment write, a manifest publish, a compaction's segment write
 * and a compaction's file retirement; the test fails if some point was never reached.
 * {@code -Dquiver.crash.trials=N} runs more (default 20); the seed is printed on failure.
 */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedBatchesSurviveKillNine() throws Exception {
        int trials = Integer.getInteger("quiver.crash.trials", 20);
        long seed = Long.getLong("quiver.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Set<Long> acked = new HashSet<>();
        Set<String> phasesHit = new java.util.TreeSet<>();
        long[] nextBatch = {0};
        for (int trial = 0; trial < trials; trial++) {
            trial(CrashWriterMain.PHASES[trial % CrashWriterMain.PHASES.length], trial, seed, random, acked, phasesHit, nextBatch);
        }
        assertTrue(acked.size() > trials, "the child acknowledged too few batches to mean anything: " + acked.size());
        if (trials >= CrashWriterMain.PHASES.length * 2) {
            java.util.List<String> targeted = java.util.Arrays.asList(CrashWriterMain.PHASES).subList(1, CrashWriterMain.PHASES.length);
            // On a loaded machine a child can be too slow to reach a rare point (a compaction's
            // retirement) within a trial's wait; give a point that was missed a few more trials
            // before calling it unreachable.
            int extra = trials;
            for (String phase : targeted) {
                for (int again = 0; again < 3 && !phasesHit.contains(phase); again++) {
                    trial(phase, extra++, seed, random, acked, phasesHit, nextBatch);
                }
            }
            assertTrue(phasesHit.containsAll(targeted), "kills never landed in some phases: hit " + phasesHit + " [seed=" + seed + ']');
        }
        System.out.println("crash trials: " + trials + ", acknowledged batches: " + acked.size() + ", phases hit: " + phasesHit);
    }

    /** One crash: a child ingests until killed at {@code phase}; then every acknowledged batch must be present, whole. */
    private void trial(String phase, int trial, long seed, Random random, Set<Long> acked, Set<String> phasesHit, long[] nextBatch)
            throws Exception {
        long nth = 1 + random.nextInt(phase.equals("wal-append") || phase.equals("wal-fsync") ? 300 : 3);
        String context = "[seed=" + seed + ", trial=" + trial + ", phase=" + phase + ", nth=" + nth + "]";
        ChildRun run = runChild(nextBatch[0], 50 + random.nextInt(700), phase, nth, context);
        if (run.killedInPhase) {
            phasesHit.add(phase);
        }
        acked.addAll(run.acked);
        nextBatch[0] = run.highestStarted + 1;
        Map<Long, Integer> present = verify(context);
        for (long b : acked) {
            assertTrue(present.containsKey(b), "acknowledged batch lost " + b + ' ' + context);
        }
        nextBatch[0] = Math.max(nextBatch[0], present.keySet().stream().mapToLong(Long::longValue).max().orElse(-1) + 1);
    }

    private record ChildRun(List<Long> acked, long highestStarted, boolean killedInPhase) {}

    private ChildRun runChild(long firstBatch, int killAfterMs, String phase, long nth, String context) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String flag : System.getProperty("quiver.jvm.flags", "").split(" ")) {
            if (!flag.isBlank()) {
                cmd.add(flag);
            }
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashWriterMain.class.getName());
        cmd.add(dir.toString());
        cmd.add(Long.toString(firstBatch));
        cmd.add("3");
        cmd.add(phase);
        cmd.add(Long.toString(nth));
        Path childLog = dir.resolveSibling(dir.getFileName() + "-child.log");
        Process p = new ProcessBuilder(cmd).redirectError(childLog.toFile()).start();
        List<Long> acked = new ArrayList<>();
        long[] highest = {firstBatch - 1};
        java.util.concurrent.CountDownLatch atPhase = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        long n = Long.parseLong(line.substring(4).trim());
                        synchronized (acked) {
                            acked.add(n);
                            highest[0] = Math.max(highest[0], n);
                        }
                    } else if (line.startsWith("AT ")) {
                        atPhase.countDown();
                    } else if (line.startsWith("FAIL ")) {
                        System.err.println("child reported " + line + ' ' + context);
                    }
                }
            } catch (java.io.IOException ignored) {
                // the pipe closes when the child dies
            }
        });
        reader.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            synchronized (acked) {
                if (!acked.isEmpty()) {
                    break;
                }
            }
            if (!p.isAlive()) {
                String log = Files.exists(childLog) ? Files.readString(childLog) : "";
                fail("child exited early with " + p.exitValue() + ' ' + context + "\n" + log.substring(Math.max(0, log.length() - 4000)));
            }
            Thread.sleep(5);
        }
        boolean inPhase;
        if (phase.equals("anywhere")) {
            Thread.sleep(killAfterMs);
            inPhase = true;
        } else {
            // The child parks the thread that reached the phase; the others keep working meanwhile.
            inPhase = atPhase.await(20, TimeUnit.SECONDS);
            Thread.sleep(killAfterMs % 20); // a short, varying pause so other writers are mid-flight too
        }
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flush
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not die " + context);
        reader.join(10_000);
        synchronized (acked) {
            // Batches are numbered by an atomic counter; a few beyond the highest ack may have been in flight.
            return new ChildRun(new ArrayList<>(acked), highest[0] + 64, inPhase);
        }
    }

    /** Opens the directory, checks every batch is whole and unique, returns batch -> rows. */
    private Map<Long, Integer> verify(String context) throws Exception {
        Map<Long, Integer> rowsByBatch = new HashMap<>();
        Map<Long, Set<Integer>> rowNos = new HashMap<>();
        try (StorageEngine engine = StorageEngine.open(dir, CrashWriterMain.config())) {
            Table t = engine.tableOrThrow(CrashWriterMain.TABLE);
            try (TableScan scan = t.openScan()) {
                int[] cols = {0, 1, 2, 3, 4};
                for (ScanSplit split : scan.splits()) {
                    RowBatch batch = new RowBatch(scan.schema().columns(), 1024);
                    try (ScanCursor c = split.open(cols, ScanPredicate.ALL)) {
                        while (c.next(batch)) {
                            for (int r = 0; r < batch.rowCount(); r++) {
                                long b = batch.column(1).getLong(r);
                                int row = (int) batch.column(2).getLong(r);
                                assertEquals(CrashWriterMain.tsOf(b, row), batch.column(0).getLong(r), "ts " + context);
                                assertEquals(CrashWriterMain.payloadOf(b, row), batch.column(3).getString(r), "payload " + context);
                                if (row % 5 == 0) {
                                    assertTrue(batch.column(4).isNull(r), "null value " + context);
                                } else {
                                    assertEquals(b + row / 1000.0, batch.column(4).getDouble(r), 0.0, "value " + context);
                                }
                                rowsByBatch.merge(b, 1, Integer::sum);
                                if (!rowNos.computeIfAbsent(b, k -> new HashSet<>()).add(row)) {
                                    fail("row present twice: batch " + b + " row " + row + ' ' + context);
                                }
                            }
                        }
                    }
                }
            }
        }
        for (Map.Entry<Long, Integer> e : rowsByBatch.entrySet()) {
            assertEquals(CrashWriterMain.rowsOf(e.getKey()), e.getValue(),
                    "batch " + e.getKey() + " is partial or duplicated " + context);
        }
        return rowsByBatch;
    }
}
