package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.FleetException;

/** A configuration value is missing or invalid; the message names the key and the (redacted) value. */
public class ConfigException extends FleetException {
    public ConfigException(String message) {
        super(message);
    }
}
