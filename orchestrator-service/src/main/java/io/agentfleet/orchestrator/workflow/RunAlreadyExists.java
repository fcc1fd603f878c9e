package io.agentfleet.orchestrator.workflow;

/** A run was submitted with an id (chosen up front) under which a run already exists. */
public final class RunAlreadyExists extends RuntimeException {
    public final String runId;

    public RunAlreadyExists(String runId) {
        super("run " + runId + " already exists");
        this.runId = runId;
    }
}
