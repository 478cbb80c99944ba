package io.quiver.server.config;

import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/** Resolved server settings. Unknown keys and unparsable values are errors that name the key. */
public final class ServerConfig {
    private final Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);

    private ServerConfig() {
        for (ConfigKey k : ConfigKey.values()) {
            values.put(k, k.defaultValue());
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig();
    }

    /**
     * Resolves settings from defaults, an optional config file, the environment and the arguments.
     * Arguments are {@code --key=value}, {@code --key value} or {@code --config FILE}.
     */
    public static ServerConfig load(String[] args, Map<String, String> env) {
        ServerConfig c = new ServerConfig();
        Path configFile = null;
        Map<String, String> fromArgs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new ConfigException("unexpected argument [argument=" + a + "]; settings are --key=value");
            }
            String body = a.substring(2);
            String key;
            String value;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                key = body.substring(0, eq);
                value = body.substring(eq + 1);
            } else {
                if (i + 1 >= args.length) {
                    throw new ConfigException("missing value [argument=" + a + ']');
                }
                key = body;
                value = args[++i];
            }
            if (key.equals("config")) {
                configFile = Path.of(value);
            } else {
                fromArgs.put(key, value);
            }
        }
        if (configFile != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(configFile)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file [file=" + configFile + ", cause=" + e.getMessage() + ']');
            }
            for (String name : p.stringPropertyNames()) {
                c.set(name, p.getProperty(name).trim(), "config file " + configFile);
            }
        }
        for (ConfigKey k : ConfigKey.values()) {
            String v = env.get(k.envName());
            if (v != null) {
                c.set(k.key(), v, "environment " + k.envName());
            }
        }
        fromArgs.forEach((k, v) -> c.set(k, v, "argument --" + k));
        c.validate();
        return c;
    }

    public ServerConfig set(String key, String value, String source) {
        ConfigKey k = ConfigKey.byKey(key);
        if (k == null) {
            throw new ConfigException("unknown setting [key=" + key + ", from=" + source + "]; see --help for the list");
        }
        values.put(k, value);
        return this;
    }

    public ServerConfig set(ConfigKey key, String value) {
        values.put(key, value);
        return this;
    }

    public String get(ConfigKey key) {
        return values.get(key);
    }

    public long getLong(ConfigKey key) {
        String v = values.get(key);
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException("setting is not a whole number [key=" + key.key() + ", value=" + v + ']');
        }
    }

    public int getInt(ConfigKey key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ConfigException("setting out of range [key=" + key.key() + ", value=" + v + ']');
        }
        return (int) v;
    }

    public boolean getBoolean(ConfigKey key) {
        String v = values.get(key).trim().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException("setting is not a boolean [key=" + key.key() + ", value=" + v + ']');
        };
    }

    public Path dataDir() {
        return Path.of(get(ConfigKey.DATA_DIR));
    }

    private void validate() {
        for (ConfigKey k : new ConfigKey[]{ConfigKey.HTTP_PORT, ConfigKey.GRPC_PORT, ConfigKey.FLIGHT_PORT}) {
            int port = getInt(k);
            if (port < 0 || port > 65535) {
                throw new ConfigException("port out of range [key=" + k.key() + ", value=" + port + ']');
            }
        }
        storageConfig();
    }

    /** The storage engine's settings; every value validated. */
    public StorageConfig storageConfig() {
        try {
            return new StorageConfig()
                    .durability(Durability.parse(get(ConfigKey.STORAGE_DURABILITY)))
                    .groupCommitIntervalUs(getLong(ConfigKey.STORAGE_GROUP_COMMIT_INTERVAL_US))
                    .memtableFlushBytes(getLong(ConfigKey.STORAGE_MEMTABLE_FLUSH_BYTES))
                    .memtableMaxBytes(getLong(ConfigKey.STORAGE_MEMTABLE_MAX_BYTES))
                    .memtableFullWaitMs(getLong(ConfigKey.STORAGE_MEMTABLE_FULL_WAIT_MS))
                    .memtableMaxAgeMs(getLong(ConfigKey.STORAGE_MEMTABLE_MAX_AGE_MS))
                    .segmentBlockRows(getInt(ConfigKey.STORAGE_SEGMENT_BLOCK_ROWS))
                    .segmentMaxRows(getLong(ConfigKey.STORAGE_SEGMENT_MAX_ROWS))
                    .compactionEnabled(getBoolean(ConfigKey.STORAGE_COMPACTION_ENABLED))
                    .compactionSmallSegmentRows(getLong(ConfigKey.STORAGE_COMPACTION_SMALL_SEGMENT_ROWS))
                    .compactionMinSegments(getInt(ConfigKey.STORAGE_COMPACTION_MIN_SEGMENTS))
                    .walMaxRecordBytes(getInt(ConfigKey.STORAGE_WAL_MAX_RECORD_BYTES))
                    .walFileBytes(getLong(ConfigKey.STORAGE_WAL_FILE_BYTES))
                    .walPreallocateBytes(getLong(ConfigKey.STORAGE_WAL_PREALLOCATE_BYTES))
                    .walMaxBytes(getLong(ConfigKey.STORAGE_WAL_MAX_BYTES))
                    .maxOpenFiles(getInt(ConfigKey.STORAGE_MAX_OPEN_FILES))
                    .dedupCapacity(getLong(ConfigKey.STORAGE_DEDUP_CAPACITY))
                    .dedupRetentionMs(getLong(ConfigKey.STORAGE_DEDUP_RETENTION_MS));
        } catch (io.quiver.storage.StorageException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** The --help text: every setting with its default. */
    public static String helpText() {
        StringBuilder sb = new StringBuilder("Usage: quiver-server [--config FILE] [--key=value ...]\n\nSettings (default in brackets):\n");
        for (ConfigKey k : ConfigKey.values()) {
            sb.append(String.format("  --%-40s %s [%s]%n", k.key(), k.description(), k.defaultValue()));
        }
        sb.append("\nEvery setting can also come from the environment, e.g. QUIVER_HTTP_PORT=9500.\n");
        return sb.toString();
    }
}
