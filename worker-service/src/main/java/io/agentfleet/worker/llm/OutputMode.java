package io.agentfleet.worker.llm;

import io.agentfleet.messages.config.ConfigException;

/** What an agent type's answer is: free text, or one JSON value parsed (and validated) into the result. */
enum OutputMode {
    TEXT,
    JSON;

    static OutputMode parse(String key, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new ConfigException(key, key + " must be text or json, but was '" + value + "'");
        };
    }
}
