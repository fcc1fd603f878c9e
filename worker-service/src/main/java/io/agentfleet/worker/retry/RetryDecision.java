package io.agentfleet.worker.retry;

import io.agentfleet.worker.deadletter.DeadLetterCause;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** What {@link RetryPolicy} decided for a failed attempt: run it again at a time, or dead-letter it. */
public sealed interface RetryDecision {

    /**
     * Run the next attempt once {@code dueAt} has come.
     *
     * @param dueAt when the next attempt becomes due
     * @param delay the backoff that led to {@code dueAt}
     */
    record RetryAt(Instant dueAt, Duration delay) implements RetryDecision {
        public RetryAt {
            Objects.requireNonNull(dueAt, "dueAt");
            Objects.requireNonNull(delay, "delay");
        }
    }

    /** Stop: the task goes to the dead-letter stream for {@code cause}. */
    record DeadLetter(DeadLetterCause cause) implements RetryDecision {
        public DeadLetter {
            Objects.requireNonNull(cause, "cause");
        }
    }
}
