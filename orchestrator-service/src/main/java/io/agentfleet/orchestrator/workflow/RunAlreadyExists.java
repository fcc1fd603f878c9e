package io.agentfleet.orchestrator.workflow;

/** A run with the given id was created already (a schedule's tick started twice): nothing was changed. */
public final class RunAlreadyExists extends IllegalStateException {
    public final String runId;

    RunAlreadyExists(String runId) {
        super("run " + runId + " already exists");
        this.runId = runId;
    }
}
