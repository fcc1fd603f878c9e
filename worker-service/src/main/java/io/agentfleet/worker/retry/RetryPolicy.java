package io.agentfleet.worker.retry;

import io.agentfleet.messages.Failure;
import io.agentfleet.worker.deadletter.DeadLetterCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Decides, from the failure's fields alone, whether a failed attempt is retried (and when) or dead-lettered: a
 * failure that is not retryable, the last allowed attempt, and a retry due only after the deadline end the task.
 * Pure apart from the clock and the jitter, both injected.
 */
public final class RetryPolicy {
    private final Backoff backoff;
    private final Clock clock;
    private final LongUnaryOperator random;

    public RetryPolicy(Backoff backoff, Clock clock) {
        this(backoff, clock, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /**
     * @param random given an exclusive bound {@code n > 0}, returns a uniform value in [0, n) (the backoff's jitter)
     */
    public RetryPolicy(Backoff backoff, Clock clock, LongUnaryOperator random) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * After attempt {@code attempt} of at most {@code maxAttempts} failed.
     *
     * @param deadline the task's deadline, or null when it has none
     */
    public RetryDecision afterFailure(Failure failure, int attempt, int maxAttempts, Instant deadline) {
        if (!failure.retryable()) {
            return new RetryDecision.DeadLetter(DeadLetterCause.nonRetryable(failure));
        }
        if (attempt >= maxAttempts) {
            return new RetryDecision.DeadLetter(DeadLetterCause.attemptsUsedUp(failure));
        }
        Duration delay = backoff.delay(attempt, failure.retryAfter(), random);
        Instant dueAt = Instant.ofEpochMilli(clock.millis() + delay.toMillis());
        if (deadline != null && dueAt.isAfter(deadline)) {
            return new RetryDecision.DeadLetter(DeadLetterCause.retryPastDeadline(failure));
        }
        return new RetryDecision.RetryAt(dueAt, delay);
    }

    /**
     * After the handler of attempt {@code attempt} ran out of its {@code handlerTimeout}: dead-lettered when the
     * task's deadline has passed meanwhile, else a retryable {@code TIMEOUT} failure.
     */
    public RetryDecision afterTimeout(Duration handlerTimeout, int attempt, int maxAttempts, Instant deadline) {
        if (deadline != null && clock.millis() > deadline.toEpochMilli()) {
            return new RetryDecision.DeadLetter(DeadLetterCause.deadlinePassedWhileRunning(deadline));
        }
        return afterFailure(timeout(handlerTimeout), attempt, maxAttempts, deadline);
    }

    /** The failure of a handler that did not finish within {@code handlerTimeout}. */
    public static Failure timeout(Duration handlerTimeout) {
        return Failure.retryable("TIMEOUT", "handler did not finish within " + handlerTimeout);
    }
}
