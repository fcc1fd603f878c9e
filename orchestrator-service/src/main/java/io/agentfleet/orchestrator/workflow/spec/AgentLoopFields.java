package io.agentfleet.orchestrator.workflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.orchestrator.workflow.agentloop.AgentLoopSpec;
import io.agentfleet.orchestrator.workflow.agentloop.ToolSchemas;
import io.agentfleet.orchestrator.workflow.agentloop.ToolSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** The {@code tools} and {@code maxTurns} fields of an agent task: each tool a known agent type with a published schema. */
final class AgentLoopFields {
    private AgentLoopFields() {}

    /**
     * The task's loop, or null when it names no tools (absent, null or empty).
     *
     * @param requireKnown checks an agent type name read from {@code field}, throwing when it is unknown
     */
    static AgentLoopSpec read(
            ObjectNode node, String at, ToolSchemas schemas, BiConsumer<String, String> requireKnown) {
        JsonNode tools = node.get("tools");
        JsonNode maxTurns = node.get("maxTurns");
        // An empty array is a plain task, as generated clients send it for an unset list.
        if (tools == null || tools.isNull() || (tools.isArray() && tools.isEmpty())) {
            if (maxTurns != null && !maxTurns.isNull()) {
                throw new InvalidMessageException(at + "maxTurns", "is only allowed with tools");
            }
            return null;
        }
        if (!tools.isArray() || tools.size() > AgentLoopSpec.MAX_TOOLS) {
            throw new InvalidMessageException(
                    at + "tools", "must be an array of at most " + AgentLoopSpec.MAX_TOOLS + " agent types");
        }
        for (String excluded : List.of("review", "fallback", "escalate")) {
            if (node.hasNonNull(excluded) && !node.get(excluded).equals(node.booleanNode(false))) {
                throw new InvalidMessageException(
                        at + excluded, "is not supported on an agent task with tools (its loop decides its turns)");
            }
        }
        List<ToolSpec> specs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            String field = at + "tools[" + i + "]";
            JsonNode name = tools.get(i);
            if (!name.isTextual()) {
                throw new InvalidMessageException(field, "must be an agent type name");
            }
            requireKnown.accept(name.asText(), field);
            if (!seen.add(name.asText())) {
                throw new InvalidMessageException(field, "lists '" + name.asText() + "' twice");
            }
            ToolSpec published = schemas.published(name.asText());
            if (published == null) {
                throw new InvalidMessageException(
                        field,
                        "agent type '" + name.asText() + "' has no published input schema to offer as a tool's "
                                + "parameters (a worker publishes its handler's schema when it starts)");
            }
            specs.add(published);
        }
        return new AgentLoopSpec(specs, turns(maxTurns, at));
    }

    private static int turns(JsonNode maxTurns, String at) {
        if (maxTurns == null || maxTurns.isNull()) {
            return AgentLoopSpec.DEFAULT_MAX_TURNS;
        }
        if (!maxTurns.canConvertToInt()
                || !maxTurns.isIntegralNumber()
                || maxTurns.asInt() < 1
                || maxTurns.asInt() > AgentLoopSpec.MAX_TURNS_LIMIT) {
            throw new InvalidMessageException(
                    at + "maxTurns", "must be an integer from 1 to " + AgentLoopSpec.MAX_TURNS_LIMIT);
        }
        return maxTurns.asInt();
    }
}
