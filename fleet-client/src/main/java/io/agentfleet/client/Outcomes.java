package io.agentfleet.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import java.util.Arrays;

/** Turns a recorded outcome (the text of {@code prefix:{A}:done:TASKID}) into a result or a typed failure. */
final class Outcomes {
    static final String CANCELLED = "CANCELLED";

    private Outcomes() {}

    /** The result of a RESULT outcome; throws the matching {@link TaskFailedException} for any other. */
    static TaskResult resultOf(TaskHandle handle, String recorded, MessageCodec codec) {
        AgentMessage outcome = decode(handle, recorded, codec);
        return switch (outcome.type()) {
            case RESULT -> TaskResult.of(outcome);
            case ERROR -> throw errorOf(handle, outcome);
            case CLARIFICATION_NEEDED ->
                throw new ClarificationNeededException(handle.agent(), handle.taskId(), outcome);
            case REQUEST, UPDATE ->
                throw new FleetException("the done record of task " + handle.taskId() + " of agent type '"
                        + handle.agent() + "' holds a " + outcome.type() + " message, not an outcome");
        };
    }

    private static AgentMessage decode(TaskHandle handle, String recorded, MessageCodec codec) {
        try {
            return codec.decode(recorded);
        } catch (InvalidMessageException e) {
            throw new FleetException(
                    "the recorded outcome of task " + handle.taskId() + " of agent type '" + handle.agent()
                            + "' is unreadable: " + e.getMessage(),
                    e);
        }
    }

    private static TaskFailedException errorOf(TaskHandle handle, AgentMessage outcome) {
        String reason = text(outcome.content().get("reason"));
        Failure failure = failureOf(outcome.content().get("error"));
        if (CANCELLED.equals(reason)) {
            return new TaskCancelledException(handle.agent(), handle.taskId(), failure, outcome);
        }
        if (reason != null && isDeadLetterReason(reason)) {
            return new TaskDeadLetteredException(handle.agent(), handle.taskId(), reason, failure, outcome);
        }
        return new TaskFailedException(
                "task " + handle.taskId() + " of agent type '" + handle.agent() + "' failed (" + reason + ")"
                        + (failure == null ? "" : ": " + failure.type() + ": " + failure.message()),
                handle.agent(),
                handle.taskId(),
                reason,
                failure,
                outcome);
    }

    static Failure failureOf(JsonNode error) {
        if (error == null || !error.isObject()) {
            return null;
        }
        String type = text(error.get("type"));
        return new Failure(
                type == null ? "UNKNOWN" : type,
                text(error.get("message")),
                error.path("retryable").asBoolean(false),
                null);
    }

    private static boolean isDeadLetterReason(String reason) {
        return Arrays.stream(DeadLetterReason.values()).anyMatch(r -> r.name().equals(reason));
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
