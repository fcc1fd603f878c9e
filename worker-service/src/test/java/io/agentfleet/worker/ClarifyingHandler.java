package io.agentfleet.worker;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** A test handler (found through ServiceLoader by child worker JVMs) that always asks a question back. */
public final class ClarifyingHandler implements AgentHandler {
    @Override
    public String agentType() {
        return "clarify";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        return HandlerResult.needsClarification(
                context.json().createObjectNode().put("question", "which repository?"));
    }
}
