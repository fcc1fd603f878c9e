package io.agentfleet.messages;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure as data: it crosses the wire to the orchestrator and the CLI, so retry and dead-letter policy decide
 * from these fields, never from a Java exception class.
 *
 * @param type a stable code such as {@code HANDLER_ERROR}, {@code TIMEOUT}, {@code INVALID_MESSAGE}
 * @param message human-readable detail, never containing secrets
 * @param retryable whether running the task again may succeed
 * @param retryAfter the earliest sensible retry delay the failing side asked for, or null
 */
public record Failure(String type, String message, boolean retryable, Duration retryAfter) {
    public Failure {
        Objects.requireNonNull(type, "type");
        message = message == null ? "" : message;
    }

    public static Failure retryable(String type, String message) {
        return new Failure(type, message, true, null);
    }

    public static Failure permanent(String type, String message) {
        return new Failure(type, message, false, null);
    }
}
