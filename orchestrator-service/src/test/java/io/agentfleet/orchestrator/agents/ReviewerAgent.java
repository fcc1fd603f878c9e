package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Rejects revision 0 with feedback and approves later revisions. */
public final class ReviewerAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-reviewer";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        Probe.invoked(task);
        int revision = Probe.revision(task);
        ObjectNode out = context.json().createObjectNode();
        out.put("approved", revision > 0);
        out.put("feedback", revision > 0 ? "looks good" : "add tests (review of revision " + revision + ")");
        return HandlerResult.of(out);
    }
}
