package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.messages.RunEventData.TaskSnapshot;

/** A task as the run's events report it. */
final class EventData {
    private EventData() {}

    /** The task's fields for an event; its error (a skip's reason) is given once it failed, skipped or waits for a human. */
    static TaskSnapshot snapshot(TaskRecord task) {
        boolean erred = task.state == TaskState.FAILED
                || task.state == TaskState.WAITING_HUMAN
                || task.state == TaskState.SKIPPED;
        return new TaskSnapshot(
                task.id, task.currentAgent(), task.state.name(), task.revision, task.wireId, erred ? task.error : null);
    }
}
