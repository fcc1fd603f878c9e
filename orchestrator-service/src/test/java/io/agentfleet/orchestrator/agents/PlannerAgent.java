package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Spawns {@code input.count} tasks (default 2) for agent type {@code input.agent} (default t-researcher). */
public final class PlannerAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-planner";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        Probe.invoked(task);
        int count = Probe.input(task).path("count").asInt(2);
        String agent = Probe.input(task).path("agent").asText("t-researcher");
        ObjectNode out = context.json().createObjectNode();
        out.put("plan", count + " research tasks");
        ArrayNode spawn = out.putArray("spawn");
        for (int i = 1; i <= count; i++) {
            ObjectNode t = spawn.addObject();
            t.put("id", "sub" + i);
            t.put("agent", agent);
            t.putObject("input").put("topic", "subtopic " + i);
        }
        return HandlerResult.of(out);
    }
}
