package io.agentfleet.testsupport;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition instead of sleeping a fixed time. Timeouts are upper bounds for a noisy CI
 * machine, never a statement about how fast something is.
 */
public final class Await {

    /** How often the condition is evaluated. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private Await() {}

    /**
     * Returns as soon as {@code condition} is true; throws {@link AssertionError} naming {@code
     * what} if it is still false after {@code timeout}. A condition that throws a {@link
     * RuntimeException} counts as "not yet" (a Redis that is still restarting refuses
     * connections); the last such exception becomes the cause of the error.
     */
    public static void until(Duration timeout, BooleanSupplier condition, String what) {
        Objects.requireNonNull(condition, "condition");
        long deadline = System.nanoTime() + requirePositive(timeout).toNanos();
        RuntimeException lastFailure = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                lastFailure = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw timedOut(timeout, what, lastFailure);
            }
            sleep(POLL_INTERVAL);
        }
    }

    private static AssertionError timedOut(Duration timeout, String what, RuntimeException cause) {
        String message = "Timed out after " + timeout + " waiting for: " + what;
        return cause == null
                ? new AssertionError(message)
                : new AssertionError(message + " (last failure: " + cause + ")", cause);
    }

    private static Duration requirePositive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, but was " + timeout);
        }
        return timeout;
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting", e);
        }
    }
}
