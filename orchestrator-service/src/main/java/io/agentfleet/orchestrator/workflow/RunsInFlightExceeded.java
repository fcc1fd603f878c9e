package io.agentfleet.orchestrator.workflow;

/** A tenant already has as many runs in flight as it may; the run was not created. */
public final class RunsInFlightExceeded extends RuntimeException {
    public final String tenant;
    public final int limit;

    RunsInFlightExceeded(String tenant, int limit) {
        super("tenant '" + tenant + "' has " + limit + " runs in flight, its limit; submit again when one has ended");
        this.tenant = tenant;
        this.limit = limit;
    }
}
