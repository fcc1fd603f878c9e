package io.agentfleet.orchestrator.workflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.orchestrator.workflow.engine.JsonText;
import java.nio.charset.StandardCharsets;

/**
 * The input must fit the task message workers will decode: its size with the envelope within the message size limit,
 * and its depth plus the levels the message wraps it in within the nesting limit (a reviewed task's input is also sent
 * to the reviewer, one level deeper).
 */
final class InputFits {
    private InputFits() {}

    /** @param maxInputBytes the configured input limit, lowered to what the message size limit leaves room for */
    static void require(JsonNode input, String at, boolean reviewed, int maxInputBytes, MessageLimits limits) {
        int maxBytes = Math.min(maxInputBytes, limits.maxBytes() - SpecParser.ENVELOPE_BYTES);
        int inputBytes = JsonText.of(input).getBytes(StandardCharsets.UTF_8).length;
        if (inputBytes > maxBytes) {
            throw new PayloadTooLargeException(
                    at + "input", "is " + inputBytes + " bytes, more than the limit of " + maxBytes);
        }
        int levels = reviewed ? Nesting.CONTEXT_LEVELS : Nesting.INPUT_LEVELS;
        int depth = Nesting.depth(input);
        if (depth + levels > limits.maxNestingDepth()) {
            throw new InvalidMessageException(
                    at + "input",
                    "nests " + depth + " levels deep, more than the limit of " + (limits.maxNestingDepth() - levels)
                            + ": the task message wraps it in " + levels + " more levels"
                            + (reviewed ? " (as the reviewer gets it)" : "") + " and workers accept at most "
                            + limits.maxNestingDepth());
        }
    }
}
