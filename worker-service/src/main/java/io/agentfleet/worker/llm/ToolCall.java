package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A call the model asked for: the provider's call id (echoed with the result), the tool's name and its arguments as
 * parsed JSON. Arguments are untrusted data: the tool validates them against its own schema.
 */
record ToolCall(String id, String name, JsonNode arguments) {
    ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
