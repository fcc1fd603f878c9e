package io.agentfleet.worker.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

    @Test
    void ceilingDoublesPerAttemptUpToMax() {
        assertEquals(Duration.ofMillis(100), backoff.ceiling(1));
        assertEquals(Duration.ofMillis(200), backoff.ceiling(2));
        assertEquals(Duration.ofMillis(800), backoff.ceiling(4));
        assertEquals(Duration.ofSeconds(10), backoff.ceiling(8));
        assertEquals(Duration.ofSeconds(10), backoff.ceiling(1_000));
        assertEquals(Duration.ofSeconds(10), backoff.ceiling(Integer.MAX_VALUE));
    }

    @Test
    void delayIsFullJitterWithinTheCeiling() {
        Random random = new Random(42);
        for (int attempt = 1; attempt < 40; attempt++) {
            for (int i = 0; i < 200; i++) {
                Duration d = backoff.delay(attempt, null, bound -> random.nextLong(bound));
                assertTrue(!d.isNegative() && d.compareTo(backoff.ceiling(attempt)) <= 0, attempt + ": " + d);
            }
        }
        assertEquals(Duration.ZERO, backoff.delay(3, null, bound -> 0));
        assertEquals(backoff.ceiling(3), backoff.delay(3, null, bound -> bound - 1));
    }

    @Test
    void retryAfterIsAFloor() {
        assertEquals(Duration.ofSeconds(30), backoff.delay(1, Duration.ofSeconds(30), bound -> bound - 1));
        assertEquals(Duration.ofMillis(100), backoff.delay(1, Duration.ofMillis(5), bound -> bound - 1));
    }

    @Test
    void zeroBaseMeansImmediateRetries() {
        Backoff none = new Backoff(Duration.ZERO, Duration.ZERO);
        assertEquals(Duration.ZERO, none.delay(5, null, bound -> {
            throw new AssertionError("no randomness needed");
        }));
    }
}
