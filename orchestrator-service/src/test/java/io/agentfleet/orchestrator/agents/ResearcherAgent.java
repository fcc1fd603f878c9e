package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;

/** Echoes its input, the ids of the context it received, and its sample or debate round if it has one. */
public final class ResearcherAgent implements AgentHandler {
    @Override
    public String agentType() {
        return "t-researcher";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) throws Exception {
        Probe.invoked(task);
        long sleep = Probe.input(task).path("sleepMs").asLong(0);
        if (sleep > 0) {
            Thread.sleep(sleep);
        }
        ObjectNode out = context.json().createObjectNode();
        out.put("by", "t-researcher");
        out.set("input", Probe.input(task));
        out.put("finding", "notes on " + Probe.input(task).path("topic").asText("?"));
        out.set("contextKeys", context.json().valueToTree(iterable(Probe.context(task))));
        for (String team : new String[] {"sample", "debate"}) {
            if (task.content().has(team)) {
                out.set(team, task.content().get(team));
            }
        }
        return HandlerResult.of(out);
    }

    static java.util.List<String> iterable(ObjectNode context) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        context.fieldNames().forEachRemaining(keys::add);
        java.util.Collections.sort(keys);
        return keys;
    }
}
