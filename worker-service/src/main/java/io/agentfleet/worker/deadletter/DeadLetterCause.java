package io.agentfleet.worker.deadletter;

import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Failure;
import java.time.Instant;
import java.util.Objects;

/**
 * Why a task goes to the dead-letter stream: the reason the stream records and the failure its ERROR answer and its
 * {@code error} field report. Every way a worker dead-letters a task is one named factory here.
 *
 * @param reason the dead-letter reason
 * @param failure the last failure, which the dead letter's error reads as {@code "TYPE: message"}
 */
public record DeadLetterCause(DeadLetterReason reason, Failure failure) {
    /** The failure type of a task whose {@code attempt} field already exceeded its maximum when it was enqueued. */
    public static final String ATTEMPTS_EXHAUSTED = "ATTEMPTS_EXHAUSTED";

    public DeadLetterCause {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(failure, "failure");
    }

    /** The dead letter's {@code error} field. */
    public String error() {
        return failure.type() + ": " + failure.message();
    }

    /** The entry's body was trimmed or deleted before it could be run. */
    public static DeadLetterCause entryTrimmed() {
        return new DeadLetterCause(
                DeadLetterReason.ENTRY_TRIMMED,
                Failure.permanent(
                        DeadLetterReason.ENTRY_TRIMMED.name(),
                        "the entry's body was trimmed or deleted before it could be run"));
    }

    /** The entry is not a valid task for this agent type. */
    public static DeadLetterCause invalidMessage(String problem) {
        return new DeadLetterCause(
                DeadLetterReason.INVALID_MESSAGE, Failure.permanent(DeadLetterReason.INVALID_MESSAGE.name(), problem));
    }

    /** Looking at the entry failed in a way that is no fault of the message's fields (a bug); it is not run. */
    public static DeadLetterCause internalError(RuntimeException problem) {
        return new DeadLetterCause(
                DeadLetterReason.INVALID_MESSAGE, Failure.permanent("INTERNAL_ERROR", problem.toString()));
    }

    /** The task was enqueued with an {@code attempt} past its maximum; it was not run. */
    public static DeadLetterCause enqueuedPastMaxAttempts(int attempt, int maxAttempts) {
        return new DeadLetterCause(
                DeadLetterReason.MAX_ATTEMPTS_EXCEEDED,
                Failure.permanent(
                        ATTEMPTS_EXHAUSTED,
                        "attempt " + attempt + " exceeds maxAttempts " + maxAttempts
                                + " as enqueued; the task was not run"));
    }

    /** The entry was delivered again and again without an outcome (the workers running it died or lost their lease). */
    public static DeadLetterCause deliveredTooOften(long deliveries, int attempt, int maxAttempts) {
        return new DeadLetterCause(
                DeadLetterReason.MAX_ATTEMPTS_EXCEEDED,
                Failure.permanent(
                        DeadLetterReason.MAX_ATTEMPTS_EXCEEDED.name(),
                        "delivered " + deliveries + " times without an outcome, which makes attempt " + attempt
                                + " of at most " + maxAttempts + " (the worker running it may have crashed)"));
    }

    /** The deadline passed before the task could run. */
    public static DeadLetterCause deadlinePassedBeforeRun(Instant deadline) {
        return deadlineExpired("deadline " + deadline + " passed before the task ran");
    }

    /** The deadline passed while the handler ran (and it ran out of time). */
    public static DeadLetterCause deadlinePassedWhileRunning(Instant deadline) {
        return deadlineExpired("deadline " + deadline + " passed while the handler ran");
    }

    /** A retryable failure whose retry would be due only after the task's deadline. */
    public static DeadLetterCause retryPastDeadline(Failure failure) {
        return new DeadLetterCause(
                DeadLetterReason.DEADLINE_EXPIRED,
                new Failure(
                        failure.type(),
                        failure.message() + " (the retry would be due after the deadline)",
                        false,
                        null));
    }

    /** The handler failed in a way that running it again would not fix. */
    public static DeadLetterCause nonRetryable(Failure failure) {
        return new DeadLetterCause(DeadLetterReason.NON_RETRYABLE_FAILURE, failure);
    }

    /** The last allowed attempt failed. */
    public static DeadLetterCause attemptsUsedUp(Failure failure) {
        return new DeadLetterCause(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, failure);
    }

    private static DeadLetterCause deadlineExpired(String message) {
        return new DeadLetterCause(DeadLetterReason.DEADLINE_EXPIRED, Failure.permanent("DEADLINE_EXPIRED", message));
    }
}
