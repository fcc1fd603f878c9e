package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Writes "code" from its context; echoes the context, the revision and any feedback so tests can see them. */
public final class CoderAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-coder";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        Probe.invoked(task);
        ObjectNode out = context.json().createObjectNode();
        out.put("by", "t-coder");
        out.put("code", "print('revision " + Probe.revision(task) + "')");
        out.put("revision", Probe.revision(task));
        out.set("context", Probe.context(task));
        if (task.content().hasNonNull("feedback")) {
            out.put("feedback", task.content().get("feedback").asText());
        }
        return HandlerResult.of(out);
    }
}
