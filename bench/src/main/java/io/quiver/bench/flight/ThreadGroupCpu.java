package io.quiver.bench.flight;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of this process's threads by role, from {@code /proc/self/task}: which part of a read
 * (engine workers, gRPC event loops, the client's message parsing, the stream's sender, the JIT
 * compiler, GC) the whole-process CPU seconds went to, and whether the cores sat idle (the sum against
 * the wall time). Linux only; elsewhere every snapshot is empty.
 */
final class ThreadGroupCpu {
    /** Linux's USER_HZ: /proc counts CPU time in these ticks. */
    private static final double TICK_SECONDS = 0.01;
    /** Groups in report order: a prefix of the thread's name as /proc shows it (15 characters at most). */
    private static final String[][] GROUPS = {
            {"workers", "quiver-query-wo"},
            {"event loops", "grpc-nio-worker"},
            {"client parse", "grpc-default-ex"},
            {"stream", "quiver-flight-s", "flight-server-d"},
            {"reader", "main"},
            {"JIT", "C2 CompilerThre", "C1 CompilerThre"},
            {"GC", "GC Thread", "VM Thread"},
    };

    private ThreadGroupCpu() {
    }

    /** Ticks per thread id, with its group in {@code groupOf}. */
    record Snapshot(Map<String, Long> ticksByThread, Map<String, String> groupOf) {
    }

    static Snapshot take() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        Map<String, String> groups = new LinkedHashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String id = task.getFileName().toString();
                    ticks.put(id, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime + stime, fields 14 and 15 of proc(5)
                    groups.put(id, groupOf(name));
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading: its time is lost to both snapshots alike
                }
            }
        } catch (IOException e) {
            return new Snapshot(Map.of(), Map.of());
        }
        return new Snapshot(ticks, groups);
    }

    private static String groupOf(String threadName) {
        for (String[] g : GROUPS) {
            for (int i = 1; i < g.length; i++) {
                if (threadName.startsWith(g[i])) {
                    return g[0];
                }
            }
        }
        return "other";
    }

    /** CPU seconds per group between two snapshots (threads that started in between count from 0). */
    static Map<String, Double> between(Snapshot before, Snapshot after) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String[] g : GROUPS) {
            out.put(g[0], 0.0);
        }
        out.put("other", 0.0);
        after.ticksByThread().forEach((id, t) -> {
            long d = t - before.ticksByThread().getOrDefault(id, 0L);
            out.merge(after.groupOf().get(id), d * TICK_SECONDS, Double::sum);
        });
        return out;
    }

    /** "workers 0.61, event loops 0.40, ..." (groups with no time left out). */
    static String describe(Map<String, Double> seconds) {
        StringBuilder b = new StringBuilder();
        seconds.forEach((g, s) -> {
            if (s > 0) {
                b.append(b.isEmpty() ? "" : ", ").append(g).append(' ').append(String.format(java.util.Locale.ROOT, "%.2f", s));
            }
        });
        return b.toString();
    }
}
