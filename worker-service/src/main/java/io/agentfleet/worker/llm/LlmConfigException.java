package io.agentfleet.worker.llm;

import io.agentfleet.messages.FleetException;

/** A {@code fleet.llm.*} setting is missing or invalid; thrown at start-up, naming the key and the value. */
public class LlmConfigException extends FleetException {
    public LlmConfigException(String message) {
        super(message);
    }

    public LlmConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
