package io.agentfleet.client;

import io.agentfleet.messages.FleetException;
import java.time.Duration;

/**
 * No outcome was recorded for a task within the await timeout. The task is not cancelled: it may still complete,
 * and awaiting it again may succeed (as long as its done record has not expired).
 */
public class TaskTimeoutException extends FleetException {
    private final String agent;
    private final String taskId;
    private final Duration timeout;

    public TaskTimeoutException(String agent, String taskId, Duration timeout, String detail) {
        super("no outcome for task " + taskId + " of agent type '" + agent + "' within " + timeout + detail);
        this.agent = agent;
        this.taskId = taskId;
        this.timeout = timeout;
    }

    public String agent() {
        return agent;
    }

    public String taskId() {
        return taskId;
    }

    public Duration timeout() {
        return timeout;
    }
}
