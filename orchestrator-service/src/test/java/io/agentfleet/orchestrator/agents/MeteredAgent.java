package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Metadata;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Reports 60 tokens in, 40 out and a cost of 0.01 per task. */
public final class MeteredAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-metered";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        Probe.invoked(task);
        ObjectNode out = context.json().createObjectNode();
        out.put("by", "t-metered");
        out.set("input", Probe.input(task));
        return HandlerResult.of(out, new Metadata(60L, 40L, 0.01, "test-model", null, null));
    }
}
