package io.agentfleet.worker.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.Metadata;
import java.util.Objects;

/**
 * What a handler returns.
 *
 * @param output the task's output, a JSON object recorded as the RESULT's content
 * @param usage tokens and cost, so that budgets and cost attribution work ({@link Metadata#EMPTY} when none)
 * @param clarificationNeeded true when the agent cannot go on without a human answer: the outcome is recorded as a
 *     CLARIFICATION_NEEDED message carrying {@code output} (which should hold a {@code question})
 */
public record HandlerResult(ObjectNode output, Metadata usage, boolean clarificationNeeded) {
    public HandlerResult {
        Objects.requireNonNull(output, "output");
        usage = usage == null ? Metadata.EMPTY : usage;
    }

    public static HandlerResult of(ObjectNode output) {
        return new HandlerResult(output, Metadata.EMPTY, false);
    }

    public static HandlerResult of(ObjectNode output, Metadata usage) {
        return new HandlerResult(output, usage, false);
    }

    public static HandlerResult needsClarification(ObjectNode question) {
        return new HandlerResult(question, Metadata.EMPTY, true);
    }
}
