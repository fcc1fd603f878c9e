package io.agentfleet.messages.config;

import io.agentfleet.messages.FleetException;

/**
 * A configuration value is missing or invalid. Thrown at start-up by every part of the fleet that reads configuration;
 * the message names the key and the value as set (redacted where it is a secret), e.g.
 * {@code "fleet.orchestrator.max-tasks must be >= 1, but was 0"}.
 */
public class ConfigException extends FleetException {
    private final String key;

    /**
     * @param key the key whose value is wrong (or missing)
     * @param message the whole sentence, naming the key and the value
     */
    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public ConfigException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** {@code "<key> must be <expected>, but was '<value>'"}. */
    public static ConfigException invalid(String key, String value, String expected) {
        return new ConfigException(key, key + " must be " + expected + ", but was '" + value + "'");
    }

    /** The key whose value is wrong or missing. */
    public String key() {
        return key;
    }
}
