package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();

        Await.until(Duration.ofSeconds(30), () -> polls.incrementAndGet() >= 3, "third poll");

        assertEquals(3, polls.get());
    }

    @Test
    void timesOutWithAnAssertionErrorNamingWhatItWaitedFor() {
        AssertionError error = assertThrows(
                AssertionError.class, () -> Await.until(Duration.ofMillis(100), () -> false, "the moon to turn blue"));

        assertTrue(error.getMessage().contains("the moon to turn blue"), error.getMessage());
    }

    @Test
    void treatsAThrowingConditionAsNotYetAndReportsTheLastFailure() {
        AtomicInteger polls = new AtomicInteger();
        Await.until(
                Duration.ofSeconds(30),
                () -> {
                    if (polls.incrementAndGet() < 3) {
                        throw new IllegalStateException("not yet");
                    }
                    return true;
                },
                "a condition that throws twice");

        AssertionError error = assertThrows(
                AssertionError.class,
                () -> Await.until(
                        Duration.ofMillis(100),
                        () -> {
                            throw new IllegalStateException("connection refused");
                        },
                        "Redis"));
        assertInstanceOf(IllegalStateException.class, error.getCause());
    }

    @Test
    void rejectsANonPositiveTimeout() {
        assertThrows(IllegalArgumentException.class, () -> Await.until(Duration.ZERO, () -> true, "nothing"));
    }
}
