package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/**
 * Spawns {@code input.count} tasks (default 2) for agent type {@code input.agent} (default t-researcher), with ids
 * {@code input.prefix} (default empty) + {@code sub<i>}. With {@code input.levels} > 1 each spawned task gets a planner
 * input one level less, so planners of planners spawn down to any depth.
 */
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
        String prefix = Probe.input(task).path("prefix").asText("");
        int levels = Probe.input(task).path("levels").asInt(1);
        ObjectNode out = context.json().createObjectNode();
        out.put("plan", count + " research tasks");
        ArrayNode spawn = out.putArray("spawn");
        for (int i = 1; i <= count; i++) {
            ObjectNode t = spawn.addObject();
            t.put("id", prefix + "sub" + i);
            t.put("agent", agent);
            ObjectNode input = t.putObject("input");
            if (levels > 1) {
                input.put("count", count).put("agent", agent).put("levels", levels - 1);
                input.put("prefix", prefix + "s");
            } else {
                input.put("topic", "subtopic " + i);
            }
        }
        return HandlerResult.of(out);
    }
}
