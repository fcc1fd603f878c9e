package io.agentfleet.client;

import io.agentfleet.messages.RunEventType;
import java.util.Optional;

/**
 * One entry of a workflow run's events stream ({@code prefix:{run:R}:events}).
 *
 * @param entryId the stream entry id; pass it back to read the events after it
 * @param type the event type, a {@link RunEventType} name such as RUN_STARTED, TASK_COMPLETED, RUN_FINISHED
 * @param data the event's JSON payload as text (may be empty)
 */
public record RunEvent(String entryId, String type, String data) {
    /** The event type that ends a run's event stream. */
    public static final String RUN_FINISHED = RunEventType.RUN_FINISHED.name();

    /** The event's type, or empty when it is not a type this version knows. */
    public Optional<RunEventType> eventType() {
        return RunEventType.parse(type);
    }

    public boolean isRunFinished() {
        return eventType().map(RunEventType::endsRun).orElse(false);
    }
}
