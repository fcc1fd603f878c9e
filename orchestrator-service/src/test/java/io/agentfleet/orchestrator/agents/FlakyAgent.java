package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Fails permanently until a test sets {@link Probe#FIXED} in Redis; then succeeds. */
public final class FlakyAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-flaky";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        Probe.invoked(task);
        if (!Probe.redis().exists(Probe.FIXED)) {
            throw HandlerFailure.permanent("BROKEN", "the flaky agent is broken until fixed");
        }
        ObjectNode out = context.json().createObjectNode();
        out.put("by", "t-flaky");
        out.put("fixed", true);
        return HandlerResult.of(out);
    }
}
