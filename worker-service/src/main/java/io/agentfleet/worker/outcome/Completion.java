package io.agentfleet.worker.outcome;

import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.worker.deadletter.DeadLetterCause;
import io.agentfleet.worker.metrics.TaskOutcome;
import java.time.Instant;
import java.util.Objects;

/**
 * What to write to Redis when a delivery is finished; each ends with its stream entry acknowledged and deleted. Made
 * by the named factories {@link #answer}, {@link #deadLetter} and {@link #retry}.
 */
public sealed interface Completion {

    /** The task stream entry this completion acknowledges. */
    String entryId();

    /** A RESULT, CLARIFICATION_NEEDED or CANCELLED answer to the task, written to the results stream. */
    static Record answer(String entryId, String taskId, byte[] outcome, int attempt, TaskOutcome kind) {
        Objects.requireNonNull(taskId, "taskId");
        return new Record(entryId, taskId, outcome, attempt, kind, null);
    }

    /**
     * A dead letter, plus its ERROR answer when the task id is known.
     *
     * @param taskId the task id, or null when the entry held no readable one (then only the dead letter is written)
     * @param outcome the ERROR message as UTF-8 JSON, or null when {@code taskId} is null
     * @param original the original entry text, or null when it was gone
     */
    static Record deadLetter(
            String entryId, String taskId, byte[] outcome, int attempts, DeadLetterCause cause, String original) {
        return new Record(
                entryId,
                taskId,
                outcome,
                attempts,
                TaskOutcome.DEAD_LETTER,
                new DeadLetterEntry(cause.reason(), cause.error(), original));
    }

    /** The next attempt's message, to the delayed set, due at {@code dueAt}. */
    static Retry retry(String entryId, String taskId, Instant dueAt, String nextMessageJson) {
        return new Retry(entryId, taskId, dueAt.toEpochMilli(), nextMessageJson);
    }

    /**
     * A terminal outcome, written by RECORD_OUTCOMES (first outcome per task id wins).
     *
     * @param taskId the task id, or null when the entry held no readable one (then only a dead letter is written)
     * @param outcome the RESULT / ERROR / CLARIFICATION_NEEDED message as UTF-8 JSON, or null when {@code taskId} is null
     * @param attempts the attempt number that ended here
     * @param kind the metric outcome when the write wins
     * @param deadLetter set for dead letters, else null
     */
    record Record(
            String entryId, String taskId, byte[] outcome, int attempts, TaskOutcome kind, DeadLetterEntry deadLetter)
            implements Completion {
        public Record {
            Objects.requireNonNull(entryId, "entryId");
            Objects.requireNonNull(kind, "kind");
            if (taskId != null) {
                Objects.requireNonNull(outcome, "outcome");
            }
        }

        /** The dead letter's reason, or null when this is no dead letter. */
        public DeadLetterReason deadReason() {
            return deadLetter == null ? null : deadLetter.reason();
        }
    }

    /**
     * What the dead-letter stream keeps of a task.
     *
     * @param error the last error ("" when none)
     * @param original the original entry text ("" when none)
     */
    record DeadLetterEntry(DeadLetterReason reason, String error, String original) {
        public DeadLetterEntry {
            Objects.requireNonNull(reason, "reason");
            error = error == null ? "" : error;
            original = original == null ? "" : original;
        }
    }

    /** A retry: the next attempt's message goes to the delayed set, due at {@code dueAtMillis}, via RETRY. */
    record Retry(String entryId, String taskId, long dueAtMillis, String nextMessageJson) implements Completion {
        public Retry {
            Objects.requireNonNull(entryId, "entryId");
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(nextMessageJson, "nextMessageJson");
        }
    }
}
