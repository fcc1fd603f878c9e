package io.agentfleet.worker.spi;

import io.agentfleet.messages.Failure;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.Metadata;
import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a handler to fail the current attempt with a typed {@link Failure}: retryable failures go back through
 * the delayed set with backoff (honouring {@code retryAfter} when given), permanent ones go to the dead-letter stream
 * at once. A failure that cost tokens says so with {@link #withUsage}: a dead letter's ERROR outcome carries that
 * usage, so the run's budget and the per-key cost count what the failed attempt spent.
 */
public class HandlerFailure extends FleetException {
    private final Failure failure;
    private final Metadata usage;

    public HandlerFailure(Failure failure) {
        this(failure, null, Metadata.EMPTY);
    }

    public HandlerFailure(Failure failure, Throwable cause) {
        this(failure, cause, Metadata.EMPTY);
    }

    private HandlerFailure(Failure failure, Throwable cause, Metadata usage) {
        super(failure.type() + ": " + failure.message(), cause);
        this.failure = failure;
        this.usage = Objects.requireNonNull(usage, "usage");
    }

    public static HandlerFailure retryable(String type, String message) {
        return new HandlerFailure(Failure.retryable(type, message));
    }

    public static HandlerFailure retryableAfter(String type, String message, Duration retryAfter) {
        return new HandlerFailure(new Failure(type, message, true, retryAfter));
    }

    public static HandlerFailure permanent(String type, String message) {
        return new HandlerFailure(Failure.permanent(type, message));
    }

    public Failure failure() {
        return failure;
    }

    /** Tokens and cost the failed attempt spent ({@link Metadata#EMPTY} when none were reported). */
    public Metadata usage() {
        return usage;
    }

    /** The same failure, reporting what the attempt spent. */
    public HandlerFailure withUsage(Metadata spent) {
        HandlerFailure copy = new HandlerFailure(failure, getCause(), spent);
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
