package io.agentfleet.orchestrator.agents;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import io.agentfleet.worker.spi.ToolDescription;

/** A search tool for agent loops: {@code {"q"}} in, {@code {"results": "about <q>"}} out. */
public final class SearchTool implements AgentHandler {
    @Override
    public String agentType() {
        return "t-search";
    }

    @Override
    public ToolDescription tool() {
        return new ToolDescription("Searches the web.", Probe.json("""
                        {"type":"object","properties":{"q":{"type":"string"},"together":{"type":"boolean"}},
                         "required":["q"]}"""));
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) throws InterruptedException {
        return ToolAgents.run(task, context, "results", "about ");
    }
}
