package com.example;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Serves agent type "shout": upper-cases the task's input text. */
public final class ShoutAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "shout";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        String text = task.content().path("input").asText("");
        if (text.isBlank()) {
            throw HandlerFailure.permanent("EMPTY_INPUT", "content.input must be a non-empty string");
        }
        ObjectNode output = context.json().createObjectNode().put("text", text.toUpperCase());
        return HandlerResult.of(output);
    }
}
