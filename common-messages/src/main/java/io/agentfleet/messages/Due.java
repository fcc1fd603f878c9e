package io.agentfleet.messages;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a scheduled task becomes due: a delay after it is accepted, or an instant. A delay is resolved against Redis's
 * clock when the task is accepted (so producers with skewed clocks agree with the promoters, which compare against
 * Redis's clock too); an instant is taken as given.
 *
 * @param delay how long after acceptance, or null
 * @param at the instant, or null; exactly one of the two is set
 */
public record Due(Duration delay, Instant at) {
    /** The furthest ahead a task may be scheduled. */
    public static final Duration MAX_AHEAD = Duration.ofDays(365);

    public Due {
        if ((delay == null) == (at == null)) {
            throw new InvalidMessageException("delay", "give either delay or runAt, not both");
        }
        if (delay != null && (delay.isNegative() || delay.compareTo(MAX_AHEAD) > 0)) {
            throw new InvalidMessageException(
                    "delay", "must be >= 0 and at most " + MAX_AHEAD.toDays() + "d, but was " + delay);
        }
    }

    /** Due {@code delay} after acceptance. */
    public static Due in(Duration delay) {
        return new Due(Objects.requireNonNull(delay, "delay"), null);
    }

    /**
     * Due at {@code at}, which must not lie more than {@link #MAX_AHEAD} after {@code now}; an instant in the past means
     * due at once.
     */
    public static Due at(Instant at, Instant now) {
        Objects.requireNonNull(at, "runAt");
        if (at.isAfter(now.plus(MAX_AHEAD))) {
            throw new InvalidMessageException(
                    "runAt", "'" + at + "' is more than " + MAX_AHEAD.toDays() + " days ahead, the limit");
        }
        return new Due(null, at);
    }

    /** The due time as schedule.lua reads it: {@code +<ms>} after Redis's clock, or epoch ms. */
    String scriptArg() {
        return delay != null ? "+" + delay.toMillis() : Long.toString(at.toEpochMilli());
    }
}
