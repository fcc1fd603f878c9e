package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Rejects everything, with feedback naming the revision. */
public final class StrictReviewerAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-strict";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        Probe.invoked(task);
        ObjectNode out = context.json().createObjectNode();
        out.put("approved", false);
        out.put("feedback", "still wrong at revision " + Probe.revision(task));
        return HandlerResult.of(out);
    }
}
