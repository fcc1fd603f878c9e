package io.agentfleet.orchestrator.workflow.agentloop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A tool an agent task may call: an agent type of the fleet, what it does and the JSON Schema (an object schema) of its
 * arguments, as published by a worker serving that type.
 */
public record ToolSpec(String name, String description, JsonNode parameters) {
    public ToolSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameters, "parameters");
        description = description == null ? "" : description;
    }

    /** The definition the {@code llm} handler reads from {@code content.tools}. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", name);
        n.put("description", description);
        n.set("parameters", parameters);
        return n;
    }

    static ToolSpec fromJson(JsonNode n) {
        return new ToolSpec(n.path("name").asText(), n.path("description").asText(""), n.path("parameters"));
    }
}
