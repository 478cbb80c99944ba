package io.quiver.server;

import io.quiver.server.config.ServerConfig;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.table.SegmentInfo;
import io.quiver.storage.table.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server as a user runs it: in-process on free ports, and as a child JVM stopped by SIGTERM. */
class ServerLifecycleTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static ServerConfig config(Path data) {
        return ServerConfig.load(new String[]{"--data.dir=" + data, "--http.port=0", "--grpc.port=0", "--flight.port=0"}, Map.of());
    }

    @Test
    void healthAnswersAndUnknownPathsAre404() throws Exception {
        try (QuiverServer server = QuiverServer.start(config(dir))) {
            HttpResponse<String> health = get(server.httpPort(), "/health");
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("\"status\":\"ok\""), health.body());
            assertEquals(404, get(server.httpPort(), "/nope").statusCode());
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/health"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
        assertTrue(Files.isDirectory(dir.resolve("tables")), "data directory was not created");
    }

    @Test
    void secondServerOnTheSameDataDirectoryIsRefused() throws Exception {
        try (QuiverServer first = QuiverServer.start(config(dir))) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> QuiverServer.start(config(dir)));
            assertTrue(String.valueOf(e.getMessage()).contains("in use"), e.toString());
            assertEquals(200, get(first.httpPort(), "/health").statusCode());
        }
    }

    @Test
    void childServerStopsCleanlyOnSigterm() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : System.getProperty("quiver.jvm.flags", "").split(" ")) {
            if (!flag.isBlank()) {
                cmd.add(flag);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), QuiverServer.class.getName(),
                "--data.dir=" + dir, "--http.port=0", "--grpc.port=0", "--flight.port=0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Integer port = null;
            Pattern listening = Pattern.compile("listening \\[http=http://127\\.0\\.0\\.1:(\\d+)");
            String line;
            while ((line = out.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    break;
                }
            }
            assertNotNull(port, "server never said where it listens:\n" + seen);
            assertEquals(200, get(port, "/health").statusCode());
            StringBuilder ndjson = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                ndjson.append("{\"ts\":\"2026-11-23T10:00:00Z\",\"n\":").append(i).append("}\n");
            }
            HttpResponse<String> ingested = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/ingest/events"))
                    .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ingested.statusCode(), ingested.body());
            assertTrue(p.toHandle().destroy(), "SIGTERM not sent"); // unlike Process.destroy, keeps our end of the pipe open
            while ((line = out.readLine()) != null) {
                seen.append(line).append('\n');
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "server did not stop on SIGTERM");
            assertEquals(143, p.exitValue(), seen.toString()); // 128 + SIGTERM, after the shutdown hook ran
            assertTrue(seen.toString().contains("storage closed"), "shutdown did not close storage:\n" + seen);
        } finally {
            p.destroyForcibly();
        }
        // The memtable was flushed at shutdown: the rows are in segments and the WAL holds nothing to replay.
        try (StorageEngine storage = StorageEngine.open(dir, new StorageConfig())) {
            Table events = storage.tableOrThrow("events");
            assertEquals(500, events.segments().stream().mapToLong(SegmentInfo::rows).sum(), seen.toString());
            assertEquals(500, events.rowCount());
        }
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
