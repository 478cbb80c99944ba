package io.quiver.server;

import io.quiver.server.config.ConfigKey;
import io.quiver.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ops/quiver.properties documents every setting with its default and loads as a config file. */
class SampleConfigTest {
    private static final Path SAMPLE = Path.of("..", "ops", "quiver.properties");

    @Test
    void sampleConfigListsEverySettingWithItsDefault() throws Exception {
        assertTrue(Files.exists(SAMPLE), "missing " + SAMPLE.toAbsolutePath());
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(SAMPLE)) {
            p.load(r);
        }
        for (ConfigKey k : ConfigKey.values()) {
            assertEquals(k.defaultValue(), p.getProperty(k.key()), "ops/quiver.properties out of step for " + k.key());
        }
        assertEquals(ConfigKey.values().length, p.size(), "ops/quiver.properties has keys the server does not know");
        ServerConfig c = ServerConfig.load(new String[]{"--config", SAMPLE.toString()}, Map.of());
        assertEquals(9400, c.getInt(ConfigKey.HTTP_PORT));
    }
}
