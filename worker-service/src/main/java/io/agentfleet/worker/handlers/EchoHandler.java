package io.agentfleet.worker.handlers;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Returns the task's content as its output. */
public record EchoHandler(String agentType) implements AgentHandler {
    public static final String KIND = "echo";

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        return HandlerResult.of(task.content().deepCopy());
    }
}
