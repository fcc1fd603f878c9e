package io.agentfleet.worker.handlers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Returns {@code {"ok":true}} at once: measures the fleet's own overhead. */
public record BenchHandler(String agentType) implements AgentHandler {
    public static final String KIND = "bench";

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("ok", true);
        return HandlerResult.of(out);
    }
}
