package io.agentfleet.orchestrator.workflow.agentloop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Function;

/**
 * Tool definitions as workers publish them in their type's config hash: a type whose published text is missing, not
 * JSON, or has no object schema as {@code parameters} offers no tool.
 */
public final class PublishedTools implements ToolSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Function<String, String> read;

    /** @param read the published JSON text of an agent type, or null */
    public PublishedTools(Function<String, String> read) {
        this.read = read;
    }

    @Override
    public ToolSpec published(String agentType) {
        String text = read.apply(agentType);
        if (text == null) {
            return null;
        }
        try {
            JsonNode tool = JSON.readTree(text);
            JsonNode parameters = tool.path("parameters");
            if (!parameters.isObject()
                    || !"object".equals(parameters.path("type").asText())) {
                return null;
            }
            return new ToolSpec(agentType, tool.path("description").asText(""), parameters);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
