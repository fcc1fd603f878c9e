package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.FleetException;

/**
 * A task reached a terminal state other than success. Subtypes say which: {@link TaskDeadLetteredException},
 * {@link TaskCancelledException}, {@link ClarificationNeededException}. The recorded outcome message is available
 * as {@link #outcome()}; this exception only reports it, the task is not retried.
 */
public class TaskFailedException extends FleetException {
    private final String agent;
    private final String taskId;
    private final String reason;
    private final Failure failure;
    private final transient AgentMessage outcome;

    public TaskFailedException(
            String message, String agent, String taskId, String reason, Failure failure, AgentMessage outcome) {
        super(message);
        this.agent = agent;
        this.taskId = taskId;
        this.reason = reason;
        this.failure = failure;
        this.outcome = outcome;
    }

    public String agent() {
        return agent;
    }

    public String taskId() {
        return taskId;
    }

    /**
     * The terminal reason recorded with the outcome: an {@link io.agentfleet.messages.ErrorReason} name (a dead-letter
     * reason, or CANCELLED), UNKNOWN when the outcome names none this version knows.
     */
    public String reason() {
        return reason;
    }

    /** The last error recorded with the outcome, or null. */
    public Failure failure() {
        return failure;
    }

    /** The outcome message the worker recorded for the task. */
    public AgentMessage outcome() {
        return outcome;
    }
}
