package io.agentfleet.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.Checkpoint;
import io.agentfleet.worker.spi.CheckpointTooLargeException;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import java.time.Duration;
import java.util.Optional;

/**
 * A long task in steps that resumes from its checkpoint, for tests and demos: content (or content.input) {@code
 * {"steps":n,"stepMs":ms,"failAtStep":k,"padBytes":b}} runs steps {@code done+1..n} ({@code done} from the last
 * checkpoint), each a sleep of {@code stepMs}, checkpointing {@code {"ranBy":[attempt of step 1, …]}} after each;
 * attempt 1 fails retryably right after checkpointing step {@code k}; {@code padBytes} pads every checkpoint (a refused
 * one is reported, and the task goes on). Answers {@code {"steps":n,"resumedFrom":done,"resumedFromAttempt":a,
 * "ranThisAttempt":n-done,"ranBy":[…],"checkpointRefused":"…"}}, so a test counts the steps that were not repeated.
 */
public record StepsHandler(String agentType) implements AgentHandler {
    public static final String KIND = "steps";
    static final int MAX_STEPS = 10_000;
    static final int MAX_STEP_MS = 60_000;
    static final int MAX_PAD_BYTES = 16 * 1024 * 1024;

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) throws InterruptedException {
        int steps = intParam(task, "steps", 1, MAX_STEPS, 10);
        int stepMs = intParam(task, "stepMs", 0, MAX_STEP_MS, 0);
        int failAtStep = intParam(task, "failAtStep", 0, steps, 0);
        int padBytes = intParam(task, "padBytes", 0, MAX_PAD_BYTES, 0);
        Optional<Checkpoint> resumed = context.lastCheckpoint();
        ArrayNode ranBy = resumed.map(c -> c.data().path("ranBy"))
                .filter(JsonNode::isArray)
                .map(node -> ((ArrayNode) node).deepCopy())
                .orElseGet(() -> context.json().createArrayNode());
        int done = Math.min(ranBy.size(), steps);
        String refused = null;
        for (int step = done + 1; step <= steps; step++) {
            Thread.sleep(Duration.ofMillis(stepMs));
            ranBy.add(context.attempt());
            ObjectNode progress = context.json().createObjectNode();
            progress.set("ranBy", ranBy.deepCopy());
            if (padBytes > 0) {
                progress.put("pad", "x".repeat(padBytes));
            }
            try {
                context.checkpoint(progress);
            } catch (CheckpointTooLargeException e) {
                refused = e.getMessage();
            }
            if (step == failAtStep && context.attempt() == 1) {
                throw HandlerFailure.retryable("STEP_FAILED", "attempt 1 fails after step " + step + " on purpose");
            }
        }
        ObjectNode out = context.json().createObjectNode();
        out.put("steps", steps);
        out.put("resumedFrom", done);
        resumed.ifPresentOrElse(
                c -> out.put("resumedFromAttempt", c.attempt()), () -> out.putNull("resumedFromAttempt"));
        out.put("ranThisAttempt", steps - done);
        out.set("ranBy", ranBy);
        if (refused != null) {
            out.put("checkpointRefused", refused);
        }
        return HandlerResult.of(out);
    }

    private static int intParam(AgentMessage task, String name, int min, int max, int absent) {
        JsonNode value = Payload.param(task.content(), name);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
            throw HandlerFailure.permanent(
                    "BAD_INPUT", name + " must be a whole number from " + min + " to " + max + ", but was " + value);
        }
        return value.asInt();
    }
}
