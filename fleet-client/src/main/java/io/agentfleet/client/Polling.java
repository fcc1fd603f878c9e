package io.agentfleet.client;

import io.agentfleet.messages.FleetException;
import java.time.Duration;
import java.util.function.Supplier;

/** Deadlines and the short exponential backoff (1 ms growing to 50 ms) the clients poll Redis with. */
final class Polling {
    static final Duration FIRST_POLL = Duration.ofMillis(1);
    private static final Duration MAX_POLL = Duration.ofMillis(50);

    private Polling() {}

    static long deadlineOf(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0, but was " + timeout);
        }
        return System.nanoTime() + timeout.toNanos();
    }

    /** Sleeps the next backoff step, or throws the timeout once the deadline has passed; returns the next step. */
    static Duration pauseBefore(long deadline, Duration pause, Supplier<? extends FleetException> timeout) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw timeout.get();
        }
        try {
            Thread.sleep(Duration.ofNanos(Math.min(pause.toNanos(), remaining)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException("interrupted while awaiting an outcome", e);
        }
        Duration next = pause.multipliedBy(2);
        return next.compareTo(MAX_POLL) > 0 ? MAX_POLL : next;
    }
}
