package io.agentfleet.messages;

/**
 * An enqueue was refused because the agent type's backlog (entries in its task stream not yet completed) would
 * pass its bound. Nothing was enqueued; retry later or scale the agent type's workers.
 */
public class BackpressureException extends FleetException {
    private final String agent;
    private final long backlog;
    private final long bound;

    public BackpressureException(String agent, String stream, long backlog, long bound) {
        super("agent type '" + agent + "' is over its backlog bound: " + backlog + " entries in " + stream + ", bound "
                + bound + "; nothing was enqueued");
        this.agent = agent;
        this.backlog = backlog;
        this.bound = bound;
    }

    public String agent() {
        return agent;
    }

    public long backlog() {
        return backlog;
    }

    public long bound() {
        return bound;
    }
}
