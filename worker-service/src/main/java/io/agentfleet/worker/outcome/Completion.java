package io.agentfleet.worker.outcome;

import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.worker.metrics.TaskOutcome;
import java.util.Objects;

/** What to write to Redis when a delivery is finished; each ends with its stream entry acknowledged and deleted. */
public sealed interface Completion {

    /** The task stream entry this completion acknowledges. */
    String entryId();

    /** Called once the completion is durably written (or found to be a duplicate). */
    Runnable onWritten();

    /**
     * A terminal outcome, written by RECORD_OUTCOMES (first outcome per task id wins).
     *
     * @param taskId the task id, or null when the entry held no readable one (then only a dead letter is written)
     * @param outcome the RESULT / ERROR / CLARIFICATION_NEEDED message as UTF-8 JSON, or null when {@code taskId} is null
     * @param deadReason set for dead letters, else null
     * @param attempts the attempt number that ended here
     * @param error the last error for a dead letter ("" when none)
     * @param original the original entry text for a dead letter ("" when none)
     * @param kind the metric outcome when the write wins
     */
    record Record(
            String entryId,
            String taskId,
            byte[] outcome,
            DeadLetterReason deadReason,
            int attempts,
            String error,
            String original,
            TaskOutcome kind,
            Runnable onWritten)
            implements Completion {
        public Record {
            Objects.requireNonNull(entryId, "entryId");
            Objects.requireNonNull(kind, "kind");
            if (taskId != null) {
                Objects.requireNonNull(outcome, "outcome");
            }
            error = error == null ? "" : error;
            original = original == null ? "" : original;
            onWritten = onWritten == null ? () -> {} : onWritten;
        }
    }

    /**
     * A retry: the next attempt's message goes to the delayed set, due at {@code dueAtMillis}, via RETRY.
     */
    record Retry(String entryId, String taskId, long dueAtMillis, String nextMessageJson, Runnable onWritten)
            implements Completion {
        public Retry {
            Objects.requireNonNull(entryId, "entryId");
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(nextMessageJson, "nextMessageJson");
            onWritten = onWritten == null ? () -> {} : onWritten;
        }
    }
}
