package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import java.time.Duration;

/**
 * What the agent-loop test tools share: a tool call with {@code "together": true} waits (up to 30 s) until another
 * call of its run is in flight and then marks {@link #together} for the run, which proves the two ran in parallel
 * without measuring time; {@code "ms"} makes a call slow, so a test can kill its worker mid-call; the URL
 * {@code missing} fails the call permanently.
 */
final class ToolAgents {
    static final String IN_FLIGHT = "test:tools:in-flight:";
    static final String TOGETHER = "test:tools:together:";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private ToolAgents() {}

    static HandlerResult run(AgentMessage task, TaskContext context, String field, String answer)
            throws InterruptedException {
        Probe.invoked(task);
        JsonNode input = Probe.input(task);
        String inFlight = IN_FLIGHT + task.runId();
        Probe.redis().incr(inFlight);
        try {
            if (input.path("url").asText().equals("missing")) {
                throw HandlerFailure.permanent("NOT_FOUND", "no page at missing");
            }
            if (input.path("together").asBoolean(false)) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (Long.parseLong(Probe.redis().get(inFlight)) < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (Long.parseLong(Probe.redis().get(inFlight)) >= 2) {
                    Probe.redis().set(TOGETHER + task.runId(), "1");
                }
            }
            Thread.sleep(input.path("ms").asLong(0));
            ObjectNode out = context.json().createObjectNode();
            out.put(
                    field,
                    answer + input.path(field.equals("results") ? "q" : "url").asText());
            return HandlerResult.of(out);
        } finally {
            Probe.redis().decr(inFlight);
        }
    }
}
