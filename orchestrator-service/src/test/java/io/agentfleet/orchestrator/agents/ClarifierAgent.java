package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Asks a question unless the task carries a human's answer; then it uses it. */
public final class ClarifierAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-clarifier";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        Probe.invoked(task);
        ObjectNode out = context.json().createObjectNode();
        if (!task.content().hasNonNull("answer")) {
            out.put("question", "which language should I use?");
            return HandlerResult.needsClarification(out);
        }
        out.put("by", "t-clarifier");
        out.set("answer", task.content().get("answer"));
        return HandlerResult.of(out);
    }
}
