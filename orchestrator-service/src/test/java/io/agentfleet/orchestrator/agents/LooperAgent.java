package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** A planner gone wrong: spawns a task with its own agent type and its very same input. */
public final class LooperAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-looper";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        Probe.invoked(task);
        ObjectNode out = context.json().createObjectNode();
        ObjectNode again = out.putArray("spawn").addObject();
        String[] parts = task.taskId().split("\\.");
        again.put("id", parts[1] + "-again");
        again.put("agent", "t-looper");
        again.set("input", Probe.input(task));
        return HandlerResult.of(out);
    }
}
