package io.agentfleet.worker;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Metadata;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A test handler (found through ServiceLoader) reporting 60 tokens in, 40 out and a cost of 0.25 per task, and logging. */
public final class MeteredHandler implements AgentHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MeteredHandler.class);

    @Override
    public String agentType() {
        return "metered";
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        LOG.info("metered task handled");
        return HandlerResult.of(
                context.json().createObjectNode().put("ok", true),
                new Metadata(60L, 40L, 0.25, "test-model", null, null));
    }
}
