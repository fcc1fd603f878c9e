package io.agentfleet.client;

import java.net.URI;
import java.time.Duration;

/**
 * The orchestrator answered 429: the API key's request rate is over its limit ({@link #error()} {@code rate_limited})
 * or an agent type's backlog is at its bound ({@code backpressure}), or the key has spent its daily budget
 * ({@code budget_exceeded}, retry after the next UTC midnight). Nothing was submitted; retry after {@link #retryAfter()}.
 */
public class RateLimitedException extends OrchestratorException {
    private final Duration retryAfter;

    public RateLimitedException(
            URI orchestrator, String what, String error, String field, String reason, Duration retryAfter) {
        super(orchestrator, what, 429, error, field, reason + " (retry after " + retryAfter.toMillis() + " ms)", null);
        this.retryAfter = retryAfter;
    }

    /** How long to wait before retrying: the {@code Retry-After} header, 1 s when it is missing. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
