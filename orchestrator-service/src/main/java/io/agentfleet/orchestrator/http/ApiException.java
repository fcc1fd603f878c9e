package io.agentfleet.orchestrator.http;

import io.micronaut.http.HttpStatus;

/** A request the API refuses, answered as {@code {"error","field","reason"}} with {@link #status}. */
public class ApiException extends RuntimeException {
    final HttpStatus status;
    final String error;
    final String field;
    final String reason;
    final Long retryAfterSeconds;

    public ApiException(HttpStatus status, String error, String field, String reason) {
        this(status, error, field, reason, null);
    }

    public ApiException(HttpStatus status, String error, String field, String reason, Long retryAfterSeconds) {
        super(error + (field == null ? "" : " " + field) + ": " + reason);
        this.status = status;
        this.error = error;
        this.field = field;
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "not_found", null, what + " not found");
    }
}
