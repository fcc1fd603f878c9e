package io.agentfleet.client;

/**
 * One entry of a workflow run's events stream ({@code prefix:{run:R}:events}).
 *
 * @param entryId the stream entry id; pass it back to read the events after it
 * @param type the event type, e.g. RUN_STARTED, TASK_COMPLETED, RUN_FINISHED
 * @param data the event's JSON payload as text (may be empty)
 */
public record RunEvent(String entryId, String type, String data) {
    /** The event type that ends a run's event stream. */
    public static final String RUN_FINISHED = "RUN_FINISHED";

    public boolean isRunFinished() {
        return RUN_FINISHED.equals(type);
    }
}
