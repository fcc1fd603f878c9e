package io.agentfleet.worker.consume;

import static io.agentfleet.worker.testdata.TaskBuilder.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.worker.config.AgentConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DeliveryInspectorTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    /** The agent type's default is 3 attempts. */
    static final AgentConfig CODER = new AgentConfig(
            "coder",
            "coder",
            AgentConfig.DEFAULT_MAX_IN_FLIGHT,
            AgentConfig.DEFAULT_LEASE,
            AgentConfig.DEFAULT_CLAIM_AFTER,
            3,
            Duration.ofMillis(100),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            OptionalLong.empty(),
            1);

    private final DeliveryInspector inspector =
            new DeliveryInspector(CODER, new MessageCodec(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void freshValidTaskRunsAsDelivered() {
        Inspection.Run run = assertInstanceOf(
                Inspection.Run.class,
                inspector.inspect(aTask().forAgent("coder").withTaskId("t-1").deliveredAs("1-0")));

        assertEquals("1-0", run.task().entryId());
        assertEquals("t-1", run.task().message().taskId());
        assertEquals(1, run.task().attempt());
        assertEquals(3, run.task().maxAttempts(), "the agent type's default when the task names none");
    }

    @Test
    void tasksOwnMaxAttemptsWins() {
        Inspection.Run run = assertInstanceOf(
                Inspection.Run.class,
                inspector.inspect(aTask().withMaxAttempts(7).deliveredAs("1-0")));

        assertEquals(7, run.task().maxAttempts());
    }

    @Test
    void redeliveredTaskRunsAsItsLaterAttempt() {
        Inspection.Run run = assertInstanceOf(
                Inspection.Run.class, inspector.inspect(aTask().atAttempt(1).deliveredTimes("1-0", 3)));

        assertEquals(3, run.task().attempt());
        assertEquals(3, run.task().message().attempt(), "the handler and every answer see this attempt");
    }

    @Test
    void freshDeliveryRunsAtTheAttemptItWasEnqueuedWith() {
        Inspection.Run first = assertInstanceOf(
                Inspection.Run.class, inspector.inspect(aTask().atAttempt(2).deliveredAs("1-0")));

        assertEquals(2, first.task().attempt());
    }

    @Test
    void taskEnqueuedPastItsAttemptsIsRejectedUnrun() {
        Inspection.Rejected rejected = assertInstanceOf(
                Inspection.Rejected.class,
                inspector.inspect(aTask().atAttempt(4).withMaxAttempts(3).deliveredAs("1-0")));

        assertEquals(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, rejected.cause().reason());
        assertEquals(
                "ATTEMPTS_EXHAUSTED: attempt 4 exceeds maxAttempts 3 as enqueued; the task was not run",
                rejected.cause().error());
    }

    @Test
    void entryDeliveredMoreTimesThanItsAttemptsIsRejectedAsCrashLooping() {
        Inspection.Rejected rejected =
                assertInstanceOf(Inspection.Rejected.class, inspector.inspect(aTask().deliveredTimes("1-0", 4)));

        assertEquals(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, rejected.cause().reason());
        assertEquals(4, rejected.task().attempt());
        assertTrue(
                rejected.cause().error().startsWith("MAX_ATTEMPTS_EXCEEDED: delivered 4 times without an outcome"),
                rejected.cause().error());
    }

    @Test
    void taskPastItsDeadlineIsRejectedUnrun() {
        Instant deadline = NOW.minusMillis(1);

        Inspection.Rejected rejected = assertInstanceOf(
                Inspection.Rejected.class,
                inspector.inspect(aTask().withDeadline(deadline).deliveredAs("1-0")));

        assertEquals(DeadLetterReason.DEADLINE_EXPIRED, rejected.cause().reason());
        assertEquals(
                "DEADLINE_EXPIRED: deadline " + deadline + " passed before the task ran",
                rejected.cause().error());
    }

    @Test
    void taskAtItsDeadlineStillRuns() {
        assertInstanceOf(
                Inspection.Run.class,
                inspector.inspect(aTask().withDeadline(NOW).deliveredAs("1-0")));
    }

    @Test
    void taskForAnotherAgentTypeIsInvalid() {
        Inspection.Invalid invalid = assertInstanceOf(
                Inspection.Invalid.class,
                inspector.inspect(aTask().forAgent("reviewer").deliveredAs("1-0")));

        assertEquals(DeadLetterReason.INVALID_MESSAGE, invalid.cause().reason());
        assertTrue(
                invalid.cause().error().startsWith("INVALID_MESSAGE: "),
                invalid.cause().error());
    }

    @Test
    void unparseableEntryIsInvalid() {
        Delivery garbage = Delivery.fresh("1-0", "{not json".getBytes(StandardCharsets.UTF_8));

        assertInstanceOf(Inspection.Invalid.class, inspector.inspect(garbage));
    }

    @Test
    void trimmedEntryIsRejectedAsTrimmed() {
        Inspection.Trimmed trimmed =
                assertInstanceOf(Inspection.Trimmed.class, inspector.inspect(Delivery.reclaimed("1-0", null, 2, true)));

        assertSame(DeadLetterReason.ENTRY_TRIMMED, trimmed.cause().reason());
    }
}
