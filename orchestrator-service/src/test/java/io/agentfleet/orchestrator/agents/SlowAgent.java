package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Sleeps {@code input.ms} (default 1500 ms), then echoes its input. */
public final class SlowAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-slow";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) throws InterruptedException {
        Probe.invoked(task);
        Thread.sleep(Probe.input(task).path("ms").asLong(1500));
        ObjectNode out = context.json().createObjectNode();
        out.set("input", Probe.input(task));
        return HandlerResult.of(out);
    }
}
