package io.agentfleet.worker.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An agent type as a tool for agent loops: what it does (the model reads this to choose it) and the JSON Schema of
 * its input, which must be an object schema ({@code "type": "object"}); a model's arguments are validated by the
 * provider against it, and the handler should still treat them as untrusted.
 */
public record ToolDescription(String description, JsonNode inputSchema) {
    public ToolDescription {
        Objects.requireNonNull(inputSchema, "inputSchema");
        description = description == null ? "" : description;
        if (!inputSchema.isObject() || !"object".equals(inputSchema.path("type").asText())) {
            throw new IllegalArgumentException(
                    "a tool's input schema must have \"type\": \"object\", but was " + inputSchema);
        }
    }

    /** As published in the type's config hash: {@code {"description", "parameters"}}. */
    public String toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("description", description);
        n.set("parameters", inputSchema);
        return n.toString();
    }
}
