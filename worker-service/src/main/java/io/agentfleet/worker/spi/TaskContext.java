package io.agentfleet.worker.spi;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * What a handler knows about the attempt it runs.
 *
 * @param agentType the agent type being served
 * @param workerId the consumer name of this worker process (pod name, else host and pid)
 * @param attempt the attempt number, counting redeliveries after crashes
 * @param maxAttempts the attempts allowed before the task is dead-lettered
 * @param deadline when the handler's time is up (the earlier of the task deadline and the handler timeout)
 * @param clock the worker's clock; use it, not {@code System.currentTimeMillis()}, where time decides something
 * @param json a Jackson mapper for building outputs (no default typing)
 */
public record TaskContext(
        String agentType,
        String workerId,
        int attempt,
        int maxAttempts,
        Instant deadline,
        Clock clock,
        ObjectMapper json) {

    /** Time left before {@link #deadline()}, never negative. */
    public java.time.Duration remaining() {
        java.time.Duration left = java.time.Duration.between(clock.instant(), deadline);
        return left.isNegative() ? java.time.Duration.ZERO : left;
    }

    /** Whether this is the last attempt before dead-lettering. */
    public boolean isLastAttempt() {
        return attempt >= maxAttempts;
    }

    /** The deadline as an optional, for handlers that pass it to a client library. */
    public Optional<Instant> deadlineIfAny() {
        return Optional.ofNullable(deadline);
    }
}
