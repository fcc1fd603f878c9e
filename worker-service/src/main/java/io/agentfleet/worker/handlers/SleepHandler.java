package io.agentfleet.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import java.time.Duration;

/** Waits {@code content.ms} (or {@code content.input.ms}) milliseconds, then returns {@code {"ok":true}}: a stand-in for an LLM call. */
public record SleepHandler(String agentType) implements AgentHandler {
    public static final String KIND = "sleep";

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) throws InterruptedException {
        JsonNode ms = Payload.param(task.content(), "ms");
        if (ms != null && !ms.canConvertToLong()) {
            throw HandlerFailure.permanent("BAD_INPUT", "ms must be a whole number of milliseconds, but was " + ms);
        }
        long millis = ms == null ? 0 : Math.max(0, ms.asLong());
        Thread.sleep(Duration.ofMillis(millis));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("ok", true);
        out.put("sleptMs", millis);
        return HandlerResult.of(out);
    }
}
