package io.agentfleet.worker.llm;

import io.agentfleet.worker.spi.HandlerFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A circuit breaker for one provider endpoint, shared by every task of this process that calls it. After
 * {@code failureThreshold} consecutive failures (timeouts, connection errors, 5xx, malformed answers) it opens: calls
 * fail at once with a retryable {@code CIRCUIT_OPEN} whose retryAfter is the time left open, so an outage turns into
 * delayed retries instead of a stampede. When the open time is over, one trial call goes through (half-open): success
 * closes the circuit, failure opens it again.
 *
 * <p>Transitions: CLOSED -(threshold failures)-> OPEN -(open duration passed, next call)-> HALF_OPEN -(success)->
 * CLOSED, HALF_OPEN -(failure)-> OPEN.
 */
final class CircuitBreaker {
    /** The retry delay suggested while a half-open trial call is in flight. */
    static final Duration TRIAL_WAIT = Duration.ofSeconds(1);

    enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final String endpoint;
    private final int failureThreshold;
    private final Duration openDuration;
    private final Clock clock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openUntil = Instant.MIN;
    private boolean trialInFlight;

    CircuitBreaker(String endpoint, int failureThreshold, Duration openDuration, Clock clock) {
        this.endpoint = endpoint;
        this.failureThreshold = failureThreshold;
        this.openDuration = openDuration;
        this.clock = clock;
    }

    /**
     * Lets a call through, or fails fast.
     *
     * @throws HandlerFailure retryable {@code CIRCUIT_OPEN} while open, or while another call is the half-open trial
     */
    synchronized void acquirePermission() {
        switch (state) {
            case CLOSED -> {}
            case OPEN -> {
                Instant now = clock.instant();
                if (now.isBefore(openUntil)) {
                    throw openFailure(Duration.between(now, openUntil));
                }
                state = State.HALF_OPEN;
                trialInFlight = true;
            }
            case HALF_OPEN -> {
                if (trialInFlight) {
                    throw openFailure(TRIAL_WAIT);
                }
                trialInFlight = true;
            }
        }
    }

    /** The endpoint answered (any answer but a server error). */
    synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialInFlight = false;
    }

    /** The endpoint failed: no connection, no answer in time, a 5xx or a malformed answer. */
    synchronized void onFailure() {
        consecutiveFailures++;
        trialInFlight = false;
        if (state == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
            state = State.OPEN;
            openUntil = clock.instant().plus(openDuration);
        }
    }

    /** The call ended without a verdict on the endpoint (interrupted): let another call be the trial. */
    synchronized void onAbandoned() {
        trialInFlight = false;
    }

    synchronized State state() {
        return state;
    }

    private HandlerFailure openFailure(Duration wait) {
        return HandlerFailure.retryableAfter(
                "CIRCUIT_OPEN",
                "circuit open for " + endpoint + " after " + consecutiveFailures + " consecutive failures; retry in "
                        + Math.max(1, wait.toMillis()) + " ms",
                wait);
    }
}
