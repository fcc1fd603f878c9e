package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tool the model may call: its name, what it does, and a JSON Schema (an object schema) for its arguments. Both
 * providers accept names of 1–64 letters, digits, {@code _} and {@code -}.
 */
record ToolDefinition(String name, String description, JsonNode parameters) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameters, "parameters");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "tool name must be 1-64 letters, digits, '_' or '-', but was '" + name + "'");
        }
        if (!parameters.isObject() || !"object".equals(parameters.path("type").asText())) {
            throw new IllegalArgumentException(
                    "parameters of tool " + name + " must be a JSON Schema with \"type\": \"object\"");
        }
        description = description == null ? "" : description;
    }
}
