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

/**
 * Fails on demand, for tests: content (or content.input) {@code {"mode":"retryable"|"permanent","times":n,
 * "retryAfterMs":m}} fails attempts 1..n ({@code times} absent: every attempt) and succeeds afterwards with
 * {@code {"ok":true,"attempt":k}}.
 */
public record FailHandler(String agentType) implements AgentHandler {
    public static final String KIND = "fail";

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        JsonNode times = Payload.param(task.content(), "times");
        boolean fail = times == null || context.attempt() <= times.asInt();
        if (fail) {
            JsonNode mode = Payload.param(task.content(), "mode");
            String message = "failing attempt " + context.attempt() + " on purpose";
            if (mode != null && "permanent".equals(mode.asText())) {
                throw HandlerFailure.permanent("INTENDED_FAILURE", message);
            }
            JsonNode retryAfter = Payload.param(task.content(), "retryAfterMs");
            if (retryAfter != null && retryAfter.canConvertToLong()) {
                throw HandlerFailure.retryableAfter(
                        "INTENDED_FAILURE", message, Duration.ofMillis(retryAfter.asLong()));
            }
            throw HandlerFailure.retryable("INTENDED_FAILURE", message);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("ok", true);
        out.put("attempt", context.attempt());
        return HandlerResult.of(out);
    }
}
