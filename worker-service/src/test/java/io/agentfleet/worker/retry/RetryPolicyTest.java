package io.agentfleet.worker.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Failure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    /** Backoff of 100 ms doubling to 10 s; the jitter always picks the top of its range. */
    private final RetryPolicy policy =
            new RetryPolicy(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10)), CLOCK, bound -> bound - 1);

    private static final Failure FLAKY = Failure.retryable("HANDLER_ERROR", "connection reset");

    @Test
    void retryableFailureIsRetriedAfterTheBackoff() {
        RetryDecision.RetryAt retry =
                assertInstanceOf(RetryDecision.RetryAt.class, policy.afterFailure(FLAKY, 3, 5, null));

        assertEquals(Duration.ofMillis(400), retry.delay());
        assertEquals(NOW.plusMillis(400), retry.dueAt());
    }

    @Test
    void retryIsNotDueBeforeTheFailuresRetryAfter() {
        Failure rateLimited = new Failure("RATE_LIMITED", "slow down", true, Duration.ofSeconds(30));

        RetryDecision.RetryAt retry =
                assertInstanceOf(RetryDecision.RetryAt.class, policy.afterFailure(rateLimited, 1, 5, null));

        assertEquals(NOW.plusSeconds(30), retry.dueAt());
    }

    @Test
    void nonRetryableFailureIsDeadLetteredEvenWithAttemptsLeft() {
        Failure broken = Failure.permanent("BAD_INPUT", "no prompt");

        RetryDecision.DeadLetter dead =
                assertInstanceOf(RetryDecision.DeadLetter.class, policy.afterFailure(broken, 1, 5, null));

        assertEquals(DeadLetterReason.NON_RETRYABLE_FAILURE, dead.cause().reason());
        assertEquals(broken, dead.cause().failure());
        assertEquals("BAD_INPUT: no prompt", dead.cause().error());
    }

    @Test
    void failureOfTheLastAttemptIsDeadLetteredAsMaxAttemptsExceeded() {
        RetryDecision.DeadLetter dead =
                assertInstanceOf(RetryDecision.DeadLetter.class, policy.afterFailure(FLAKY, 5, 5, null));

        assertEquals(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, dead.cause().reason());
        assertEquals(FLAKY, dead.cause().failure());
    }

    @Test
    void retryThatWouldBeDueAfterTheDeadlineIsDeadLetteredAsExpired() {
        Instant deadline = NOW.plusMillis(399);

        RetryDecision.DeadLetter dead =
                assertInstanceOf(RetryDecision.DeadLetter.class, policy.afterFailure(FLAKY, 3, 5, deadline));

        assertEquals(DeadLetterReason.DEADLINE_EXPIRED, dead.cause().reason());
        assertEquals("HANDLER_ERROR", dead.cause().failure().type());
        assertEquals(
                "connection reset (the retry would be due after the deadline)",
                dead.cause().failure().message());
        assertFalse(dead.cause().failure().retryable());
    }

    @Test
    void retryDueExactlyAtTheDeadlineIsStillRetried() {
        assertInstanceOf(RetryDecision.RetryAt.class, policy.afterFailure(FLAKY, 3, 5, NOW.plusMillis(400)));
    }

    @Test
    void timeoutIsARetryableFailureWhileTheDeadlineHolds() {
        RetryDecision.RetryAt retry = assertInstanceOf(
                RetryDecision.RetryAt.class, policy.afterTimeout(Duration.ofSeconds(5), 1, 5, NOW.plusSeconds(60)));

        assertEquals(NOW.plusMillis(100), retry.dueAt());
    }

    @Test
    void timeoutOfTheLastAttemptIsDeadLetteredWithTheTimeoutFailure() {
        RetryDecision.DeadLetter dead = assertInstanceOf(
                RetryDecision.DeadLetter.class, policy.afterTimeout(Duration.ofSeconds(5), 5, 5, null));

        assertEquals(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, dead.cause().reason());
        assertEquals("TIMEOUT: handler did not finish within PT5S", dead.cause().error());
    }

    @Test
    void timeoutAfterTheDeadlinePassedIsDeadLetteredAsExpired() {
        Instant deadline = NOW.minusMillis(1);

        RetryDecision.DeadLetter dead = assertInstanceOf(
                RetryDecision.DeadLetter.class, policy.afterTimeout(Duration.ofSeconds(5), 1, 5, deadline));

        assertEquals(DeadLetterReason.DEADLINE_EXPIRED, dead.cause().reason());
        assertEquals(
                "DEADLINE_EXPIRED: deadline " + deadline + " passed while the handler ran",
                dead.cause().error());
    }
}
