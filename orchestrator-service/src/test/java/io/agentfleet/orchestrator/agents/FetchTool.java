package io.agentfleet.orchestrator.agents;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import io.agentfleet.worker.spi.ToolDescription;

/** A page-reading tool for agent loops: {@code {"url", "ms"?}} in, {@code {"page": "text of <url>"}} out. */
public final class FetchTool implements AgentHandler {
    @Override
    public String agentType() {
        return "t-fetch";
    }

    @Override
    public ToolDescription tool() {
        return new ToolDescription("Reads a web page.", Probe.json("""
                        {"type":"object","properties":{"url":{"type":"string"},"ms":{"type":"integer"},
                         "together":{"type":"boolean"}},"required":["url"]}"""));
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) throws InterruptedException {
        return ToolAgents.run(task, context, "page", "text of ");
    }
}
