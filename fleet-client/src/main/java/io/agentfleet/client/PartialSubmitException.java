package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.FleetException;
import java.util.List;

/**
 * {@link FleetClient#submitAll(List)} enqueued some chunks and backpressure refused others. The accepted tasks stay
 * enqueued and will run; the refused ones were not enqueued at all (each chunk is all-or-nothing). Resubmit
 * {@link #refused()} later. The cause is the {@link BackpressureException} of the first refused chunk.
 */
public class PartialSubmitException extends FleetException {
    private final transient List<TaskHandle> enqueued;
    private final transient List<AgentMessage> refused;

    public PartialSubmitException(List<TaskHandle> enqueued, List<AgentMessage> refused, BackpressureException cause) {
        super(
                enqueued.size() + " of " + (enqueued.size() + refused.size()) + " tasks were enqueued, "
                        + refused.size() + " refused by backpressure: " + cause.getMessage(),
                cause);
        this.enqueued = List.copyOf(enqueued);
        this.refused = List.copyOf(refused);
    }

    /** Handles of the tasks that were enqueued, in input order. */
    public List<TaskHandle> enqueued() {
        return enqueued;
    }

    /** The tasks that were not enqueued, in input order. */
    public List<AgentMessage> refused() {
        return refused;
    }

    public BackpressureException backpressure() {
        return (BackpressureException) getCause();
    }
}
