package io.agentfleet.client;

import io.agentfleet.messages.FleetException;
import java.time.Duration;

/**
 * A workflow run did not reach a terminal status within the await timeout. The run is not cancelled: it goes on, and
 * awaiting it again may succeed.
 */
public class RunTimeoutException extends FleetException {
    private final String runId;
    private final Duration timeout;
    private final String lastStatus;

    public RunTimeoutException(String runId, Duration timeout, String lastStatus) {
        super("run " + runId + " did not finish within " + timeout + " (last status " + lastStatus + ")");
        this.runId = runId;
        this.timeout = timeout;
        this.lastStatus = lastStatus;
    }

    public String runId() {
        return runId;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The status last read ({@code RUNNING} or {@code NEEDS_HUMAN}). */
    public String lastStatus() {
        return lastStatus;
    }
}
