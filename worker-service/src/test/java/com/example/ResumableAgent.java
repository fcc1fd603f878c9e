package com.example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Serves agent type "summarize": one slow step per chapter, resuming after the last one an earlier attempt saved. */
public final class ResumableAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "summarize";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        JsonNode chapters = task.content().path("chapters");
        ArrayNode summaries = context.lastCheckpoint()
                .map(saved -> (ArrayNode) saved.data().path("summaries").deepCopy())
                .orElseGet(() -> context.json().createArrayNode());
        for (int i = summaries.size(); i < chapters.size(); i++) {
            summaries.add(summarize(chapters.get(i).asText())); // the slow part, e.g. an LLM call
            ObjectNode progress = context.json().createObjectNode();
            progress.set("summaries", summaries);
            context.checkpoint(progress); // durable when it returns; the next attempt starts after chapter i
        }
        ObjectNode output = context.json().createObjectNode();
        output.set("summaries", summaries);
        return HandlerResult.of(output);
    }

    private static String summarize(String chapter) {
        return chapter.length() <= 40 ? chapter : chapter.substring(0, 40) + "...";
    }
}
