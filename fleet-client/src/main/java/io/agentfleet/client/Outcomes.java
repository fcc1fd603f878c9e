package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.ErrorContent;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;

/** Turns a recorded outcome (the text of {@code prefix:{A}:done:TASKID}) into a result or a typed failure. */
final class Outcomes {
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
        ErrorContent error = outcome.errorContent();
        Failure failure = error.failure();
        return switch (error.reason()) {
            case CANCELLED -> new TaskCancelledException(handle.agent(), handle.taskId(), failure, outcome);
            case INVALID_MESSAGE, NON_RETRYABLE_FAILURE, MAX_ATTEMPTS_EXCEEDED, DEADLINE_EXPIRED, ENTRY_TRIMMED ->
                new TaskDeadLetteredException(
                        handle.agent(), handle.taskId(), error.reason().name(), failure, outcome);
            case UNKNOWN ->
                new TaskFailedException(
                        "task " + handle.taskId() + " of agent type '" + handle.agent() + "' failed (" + error.reason()
                                + "): " + failure.type() + ": " + failure.message(),
                        handle.agent(),
                        handle.taskId(),
                        error.reason().name(),
                        failure,
                        outcome);
        };
    }
}
