package io.quiver.server.config;

/** A setting that is unknown, malformed or out of range. The message names the key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
