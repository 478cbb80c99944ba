package io.quiver.server.ingest;

import io.quiver.client.QuiverClient;
import io.quiver.client.ingest.IngestOptions;
import io.quiver.client.ingest.Ingestor;
import io.quiver.client.ingest.RetryPolicy;
import io.quiver.server.QuiverServer;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client streams rows while the server process is killed with SIGKILL and started again on the same
 * ports: the client retries what was not acknowledged with the same batch ids, and every row ends up
 * in the table exactly once.
 */
class IngestRestartTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process startServer(int http, int grpc, int flight) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : System.getProperty("quiver.jvm.flags", "").split(" ")) {
            if (!flag.isBlank()) {
                cmd.add(flag);
            }
        }
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), QuiverServer.class.getName(),
                "--data.dir=" + dir, "--http.port=" + http, "--grpc.port=" + grpc, "--flight.port=" + flight));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains("quiver: listening")) {
                Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { })); // keep draining its output
                return p;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("server did not start:\n" + seen);
    }

    @Test
    void everyRowExactlyOnceAcrossAKillAndRestart() throws Exception {
        int http = freePort();
        int grpc = freePort();
        int flight = freePort();
        Process server = startServer(http, grpc, flight);
        long total = 60_000;
        AtomicLong added = new AtomicLong();
        Instant t0 = Instant.parse("2026-11-23T00:00:00Z");
        IngestOptions opts = new IngestOptions().maxBatchRows(500).maxInFlightBatches(8).linger(Duration.ofMillis(5))
                .ackTimeout(Duration.ofSeconds(5))
                .retryPolicy(new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(500), 2.0, Duration.ofSeconds(90)));
        try (QuiverClient client = QuiverClient.builder("127.0.0.1", grpc).build();
             Ingestor in = client.newIngestor(opts)) {
            Thread producer = Thread.ofPlatform().start(() -> {
                for (long i = 0; i < total; i++) {
                    in.row("restart").set("ts", t0.plusMillis(i)).set("seq", i).add();
                    added.incrementAndGet();
                    if (i % 1_000 == 0) {
                        try {
                            Thread.sleep(2); // spread the load so the kill lands mid-stream
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            while (added.get() < total / 3) {
                Thread.sleep(5);
            }
            server.destroyForcibly().waitFor(); // SIGKILL: no flush, no goodbye
            long ackedBeforeKill = in.stats().rowsAcked();
            Thread.sleep(300);
            server = startServer(http, grpc, flight);
            producer.join();
            in.flush();
            assertEquals(total, in.stats().rowsAcked());
            assertTrue(ackedBeforeKill < total, "the kill happened mid-stream: acked=" + ackedBeforeKill);
            assertTrue(in.stats().retries() > 0, "some batches were retried");
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            if (server.isAlive()) {
                server.destroyForcibly().waitFor();
            }
        }
        try (StorageEngine storage = StorageEngine.open(dir, new StorageConfig())) {
            List<Map<String, Object>> rows = TableContents.read(storage.tableOrThrow("restart"), "seq");
            long[] count = new long[(int) total];
            for (Map<String, Object> r : rows) {
                count[(int) (long) (Long) r.get("seq")]++;
            }
            for (int i = 0; i < total; i++) {
                assertEquals(1, count[i], "row seq=" + i + " must be stored exactly once (rows=" + rows.size() + ')');
            }
            assertEquals(total, rows.size());
        }
    }
}
