package io.agentfleet.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads a handler parameter from {@code content.input} (workflow tasks) or, failing that, from {@code content}. */
final class Payload {
    private Payload() {}

    static JsonNode param(ObjectNode content, String name) {
        JsonNode input = content.get("input");
        if (input != null && input.isObject() && input.has(name)) {
            return input.get(name);
        }
        return content.get(name);
    }
}
