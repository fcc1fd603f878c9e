package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/**
 * Appends {@code input.note} to the array in blackboard section {@code input.section} as its context gave it, after
 * {@code input.sleepMs}, and writes the section back; reports the section version it saw. Two agent types share it, so
 * a test can roll back one of them.
 */
public abstract class BoardWriterAgent implements AgentHandler {
    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) throws Exception {
        Probe.invoked(task);
        JsonNode input = Probe.input(task);
        String section = input.path("section").asText("notes");
        Thread.sleep(input.path("sleepMs").asLong(0));
        JsonNode seen = task.content().path("blackboard").path(section);
        ArrayNode notes = context.json().createArrayNode();
        if (seen.path("value").isArray()) {
            notes.addAll((ArrayNode) seen.get("value"));
        }
        notes.add(input.path("note").asText());
        ObjectNode out = context.json().createObjectNode();
        out.put("sawVersion", seen.path("version").asLong());
        out.putObject("blackboard").set(section, notes);
        return HandlerResult.of(out);
    }

    /** Agent type t-scribe. */
    public static final class Scribe extends BoardWriterAgent {
        @Override
        public String agentType() {
            return "t-scribe";
        }
    }

    /** Agent type t-editor. */
    public static final class Editor extends BoardWriterAgent {
        @Override
        public String agentType() {
            return "t-editor";
        }
    }
}
