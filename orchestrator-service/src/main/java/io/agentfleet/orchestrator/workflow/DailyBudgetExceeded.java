package io.agentfleet.orchestrator.workflow;

import java.time.Duration;
import java.time.Instant;

/** The submitting API key has used up its daily budget; the run was not created. */
public final class DailyBudgetExceeded extends RuntimeException {
    /** When the key's budget resets (the next UTC midnight). */
    public final Instant resetAt;

    DailyBudgetExceeded(String reason, Instant resetAt) {
        super(reason);
        this.resetAt = resetAt;
    }

    /** Whole seconds from {@code now} until the reset, at least 1: the answer's {@code Retry-After}. */
    public long retryAfterSeconds(Instant now) {
        return Math.max(1, Duration.between(now, resetAt).toSeconds() + 1);
    }
}
