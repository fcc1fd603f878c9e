package io.agentfleet.worker.spi;

import io.agentfleet.messages.Failure;
import io.agentfleet.messages.FleetException;
import java.time.Duration;

/**
 * Thrown by a handler to fail the current attempt with a typed {@link Failure}: retryable failures go back through
 * the delayed set with backoff (honouring {@code retryAfter} when given), permanent ones go to the dead-letter stream
 * at once.
 */
public class HandlerFailure extends FleetException {
    private final Failure failure;

    public HandlerFailure(Failure failure) {
        super(failure.type() + ": " + failure.message());
        this.failure = failure;
    }

    public HandlerFailure(Failure failure, Throwable cause) {
        super(failure.type() + ": " + failure.message(), cause);
        this.failure = failure;
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
}
