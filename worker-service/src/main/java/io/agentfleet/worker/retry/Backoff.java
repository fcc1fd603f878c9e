package io.agentfleet.worker.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: the delay before attempt {@code n+1}, after attempt {@code n} failed, is
 * uniform in [0, min(max, base * 2^(n-1))], but never less than the {@code retryAfter} the failure asked for.
 *
 * @param base the bound after the first attempt
 * @param max the largest bound
 */
public record Backoff(Duration base, Duration max) {
    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= max, but base was " + base + " and max " + max);
        }
    }

    /** The upper bound of the delay after {@code attempt} failed (attempt counts from 1). */
    public Duration ceiling(int attempt) {
        int doublings = Math.max(0, attempt - 1);
        long baseMs = base.toMillis();
        long maxMs = max.toMillis();
        if (baseMs == 0) {
            return Duration.ZERO;
        }
        // Beyond 62 doublings (or once past max) the bound is max; avoid overflow.
        if (doublings >= 62 || baseMs > (maxMs >> Math.min(doublings, 62))) {
            return max;
        }
        return Duration.ofMillis(Math.min(maxMs, baseMs << doublings));
    }

    /**
     * The delay after {@code attempt} failed.
     *
     * @param retryAfter the failure's own minimum delay, or null
     * @param random given an exclusive bound {@code n > 0}, returns a uniform value in [0, n)
     */
    public Duration delay(int attempt, Duration retryAfter, LongUnaryOperator random) {
        long ceilingMs = ceiling(attempt).toMillis();
        long jittered = ceilingMs == 0 ? 0 : random.applyAsLong(ceilingMs + 1);
        Duration delay = Duration.ofMillis(jittered);
        if (retryAfter != null && delay.compareTo(retryAfter) < 0) {
            return retryAfter;
        }
        return delay;
    }
}
