package io.agentfleet.orchestrator.workflow.blackboard;

/** A rollback would add history entries past the run's limit. */
public final class BlackboardHistoryFull extends RuntimeException {
    public BlackboardHistoryFull(String runId, int limit) {
        super("run " + runId + "'s blackboard history has reached its limit of " + limit + " entries");
    }
}
