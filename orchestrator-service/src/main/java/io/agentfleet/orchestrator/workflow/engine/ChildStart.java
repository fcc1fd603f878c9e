package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.orchestrator.workflow.spec.RunSpec;

/**
 * A child run to start for a dispatched sub-workflow task: under the id derived from the task's dispatch, with the
 * parent's key and tenant, the budget the parent reserved for it and the link back to its parent.
 *
 * @param parentWireId the wire task id of the parent task's dispatch, whose reconcile check restarts a lost child
 * @param depth how many sub-workflow levels deep the child is (a submitted run is 0)
 */
public record ChildStart(
        String runId,
        RunSpec spec,
        String apiKey,
        String tenant,
        String parentRun,
        String parentTask,
        String parentWireId,
        int depth) {}
