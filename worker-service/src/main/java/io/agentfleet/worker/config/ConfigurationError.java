package io.agentfleet.worker.config;

import io.agentfleet.messages.FleetException;

/** A configuration value is missing or invalid; the message names the key and the offending value. */
public class ConfigurationError extends FleetException {
    private final String key;

    public ConfigurationError(String key, String value, String problem) {
        super("invalid configuration " + key + "='" + value + "': " + problem);
        this.key = key;
    }

    public ConfigurationError(String key, String problem) {
        super("invalid configuration " + key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
