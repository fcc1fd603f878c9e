package io.agentfleet.client;

import io.agentfleet.messages.FleetException;

/**
 * An enqueue was taken by the primary but fewer replicas than configured acknowledged it within the wait timeout
 * ({@link FleetClientOptions#waitReplicas()}): the task is enqueued, but may be lost if that primary fails before it
 * replicates. Submitting again with the same task id is safe (outcomes are recorded once per task id).
 */
public class DurabilityException extends FleetException {
    private final String agent;
    private final String stream;
    private final long acknowledged;
    private final int wanted;

    public DurabilityException(String agent, String stream, long acknowledged, int wanted) {
        super("enqueue to " + stream + " (agent type '" + agent + "') was acknowledged by " + acknowledged + " of "
                + wanted + " wanted replicas; the task may not survive a failover (retrying with the same task id is"
                + " safe)");
        this.agent = agent;
        this.stream = stream;
        this.acknowledged = acknowledged;
        this.wanted = wanted;
    }

    public String agent() {
        return agent;
    }

    /** The task stream the enqueue went to. */
    public String stream() {
        return stream;
    }

    /** Replicas that acknowledged the write. */
    public long acknowledged() {
        return acknowledged;
    }

    /** Replicas asked for. */
    public int wanted() {
        return wanted;
    }
}
