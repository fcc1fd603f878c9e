package io.agentfleet.orchestrator.workflow.agentloop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The tool loop of an agent task ({@code "tools"} and {@code "maxTurns"} on a workflow task): the tools it may call,
 * with the definitions their workers published when the run was submitted, and the most model turns it may take.
 */
public record AgentLoopSpec(List<ToolSpec> tools, int maxTurns) {
    public static final int DEFAULT_MAX_TURNS = 10;
    public static final int MAX_TURNS_LIMIT = 50;
    public static final int MAX_TOOLS = 32;
    /** The most tool calls one turn may ask for; each becomes a task of the run. */
    public static final int MAX_CALLS_PER_TURN = 32;

    public AgentLoopSpec {
        tools = List.copyOf(tools);
        if (tools.isEmpty() || tools.size() > MAX_TOOLS) {
            throw new IllegalArgumentException(
                    "an agent task has 1 to " + MAX_TOOLS + " tools, but had " + tools.size());
        }
        if (maxTurns < 1 || maxTurns > MAX_TURNS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxTurns must be from 1 to " + MAX_TURNS_LIMIT + ", but was " + maxTurns);
        }
    }

    /** Whether {@code name} is one of the loop's tools. */
    public boolean offers(String name) {
        return tools.stream().anyMatch(t -> t.name().equals(name));
    }

    /** {@code content.tools} of a model turn. */
    public ArrayNode definitions() {
        ArrayNode defs = JsonNodeFactory.instance.arrayNode();
        tools.forEach(t -> defs.add(t.toJson()));
        return defs;
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("tools", definitions());
        n.put("maxTurns", maxTurns);
        return n;
    }

    /** The spec stored by {@link #toJson()}, or null for a missing or null node. */
    public static AgentLoopSpec fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        List<ToolSpec> tools = new ArrayList<>();
        n.path("tools").forEach(t -> tools.add(ToolSpec.fromJson(t)));
        return new AgentLoopSpec(tools, n.path("maxTurns").asInt(DEFAULT_MAX_TURNS));
    }
}
