package io.quiver.server;

import io.quiver.server.config.ConfigException;
import io.quiver.server.config.ConfigKey;
import io.quiver.server.config.ServerConfig;
import io.quiver.storage.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigTest {
    @Test
    void defaultsAreLoopbackAndLocalData() {
        ServerConfig c = ServerConfig.load(new String[0], Map.of());
        assertEquals("127.0.0.1", c.get(ConfigKey.HTTP_HOST));
        assertEquals(Path.of("./data"), c.dataDir());
        assertEquals(Durability.FSYNC, c.storageConfig().durability());
    }

    @Test
    void argumentsBeatEnvironmentBeatFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quiver.properties");
        Files.writeString(file, "http.port=1111\ngrpc.port=2222\nflight.port=3333\n");
        ServerConfig c = ServerConfig.load(new String[]{"--config", file.toString(), "--http.port=4444"},
                Map.of("QUIVER_GRPC_PORT", "5555"));
        assertEquals(4444, c.getInt(ConfigKey.HTTP_PORT));
        assertEquals(5555, c.getInt(ConfigKey.GRPC_PORT));
        assertEquals(3333, c.getInt(ConfigKey.FLIGHT_PORT));
    }

    @Test
    void storageSettingsReachTheEngineConfig() {
        ServerConfig c = ServerConfig.load(new String[]{"--storage.memtable.flush.bytes=1234", "--storage.durability=none",
                "--storage.max.open.files", "77"}, Map.of());
        assertEquals(1234, c.storageConfig().memtableFlushBytes());
        assertEquals(Durability.NONE, c.storageConfig().durability());
        assertEquals(77, c.storageConfig().maxOpenFiles());
    }

    @Test
    void badSettingsNameTheKey() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> ServerConfig.load(new String[]{"--htp.port=1"}, Map.of()));
        assertTrue(unknown.getMessage().contains("htp.port"), unknown.getMessage());
        ConfigException notNumber = assertThrows(ConfigException.class, () -> ServerConfig.load(new String[]{"--http.port=abc"}, Map.of()));
        assertTrue(notNumber.getMessage().contains("http.port"), notNumber.getMessage());
        ConfigException range = assertThrows(ConfigException.class, () -> ServerConfig.load(new String[]{"--flight.port=70000"}, Map.of()));
        assertTrue(range.getMessage().contains("flight.port"), range.getMessage());
        ConfigException negative = assertThrows(ConfigException.class,
                () -> ServerConfig.load(new String[]{"--storage.memtable.flush.bytes=-1"}, Map.of()));
        assertTrue(negative.getMessage().contains("memtableFlushBytes"), negative.getMessage());
        ConfigException durability = assertThrows(ConfigException.class,
                () -> ServerConfig.load(new String[]{"--storage.durability=sometimes"}, Map.of()));
        assertTrue(durability.getMessage().contains("sometimes"), durability.getMessage());
    }

    @Test
    void helpListsEverySetting() {
        String help = ServerConfig.helpText();
        for (ConfigKey k : ConfigKey.values()) {
            assertTrue(help.contains(k.key()), k.key());
        }
    }
}
