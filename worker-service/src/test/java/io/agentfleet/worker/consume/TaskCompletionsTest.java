package io.agentfleet.worker.consume;

import static io.agentfleet.worker.testdata.TaskBuilder.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Metadata;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.deadletter.DeadLetterCause;
import io.agentfleet.worker.metrics.TaskOutcome;
import io.agentfleet.worker.outcome.Completion;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.testdata.TaskBuilder;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskCompletionsTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final MessageCodec CODEC = new MessageCodec();
    /** A limit small enough that a test can exceed it; everything else in these tests stays far below. */
    private static final MessageCodec SMALL_CODEC = new MessageCodec(new MessageLimits(4_096, 64));

    private final TaskCompletions completions = completionsWith(CODEC);

    @Test
    void resultAnswersTheTaskWithTheHandlersOutputAndLatency() {
        Task task = taskOf(aTask().forAgent("coder").withTaskId("t-1").atAttempt(2));

        Completion.Record record = record(completions.result(
                task, HandlerResult.of(output("done")), TimeUnit.MILLISECONDS.toNanos(42), TaskCompletionsTest::none));

        assertEquals("1-0", record.entryId());
        assertEquals("t-1", record.taskId());
        assertEquals(2, record.attempts());
        assertEquals(TaskOutcome.RESULT, record.kind());
        assertNull(record.deadLetter());
        AgentMessage answer = decode(record.outcome());
        assertEquals(MessageType.RESULT, answer.type());
        assertEquals("t-1", answer.taskId());
        assertEquals(task.message().messageId(), answer.parentMessageId());
        assertEquals(2, answer.attempt());
        assertEquals("done", answer.content().path("answer").asText());
        assertEquals(42L, answer.metadata().latencyMs());
    }

    @Test
    void clarificationIsAnsweredAsClarificationNeeded() {
        Task task = taskOf(aTask());

        Completion.Record record = record(completions.result(
                task, HandlerResult.needsClarification(output("which file?")), 0, TaskCompletionsTest::none));

        assertEquals(TaskOutcome.CLARIFICATION_NEEDED, record.kind());
        assertEquals(MessageType.CLARIFICATION_NEEDED, decode(record.outcome()).type());
    }

    @Test
    void outputOverTheMessageLimitFailsTheTaskForGoodAsOutputTooLarge() {
        Task task = taskOf(aTask());
        Completion.Record fallback = completionsWith(SMALL_CODEC)
                .deadLetter(task, DeadLetterCause.nonRetryable(Failure.permanent("X", "y")), Metadata.EMPTY);
        Failure[] seen = new Failure[1];

        Completion completion = completionsWith(SMALL_CODEC)
                .result(task, HandlerResult.of(output("x".repeat(10_000))), 0, failure -> {
                    seen[0] = failure;
                    return fallback;
                });

        assertEquals(fallback, completion);
        assertEquals(TaskCompletions.OUTPUT_TOO_LARGE, seen[0].type());
        assertFalse(seen[0].retryable());
    }

    @Test
    void deadLetterKeepsTheOriginalAndAnswersWithAnErrorReportingWhatWasSpent() {
        Task task = taskOf(aTask().withTaskId("t-2").inRun("r-1").atAttempt(3));
        Metadata spent = Metadata.EMPTY.withLatencyMs(7);
        Failure failure = Failure.retryable("HANDLER_ERROR", "boom");

        Completion.Record record = completions.deadLetter(task, DeadLetterCause.attemptsUsedUp(failure), spent);

        assertEquals(TaskOutcome.DEAD_LETTER, record.kind());
        assertEquals(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, record.deadReason());
        assertEquals("HANDLER_ERROR: boom", record.deadLetter().error());
        assertEquals(task.delivery().message(), record.deadLetter().original());
        assertEquals(3, record.attempts());
        AgentMessage error = decode(record.outcome());
        assertEquals(MessageType.ERROR, error.type());
        assertEquals("t-2", error.taskId());
        assertEquals("r-1", error.runId());
        assertEquals("MAX_ATTEMPTS_EXCEEDED", error.content().path("reason").asText());
        assertEquals("HANDLER_ERROR", error.content().path("error").path("type").asText());
        assertEquals(spent, error.metadata());
    }

    @Test
    void errorAnswerTooLargeForTheLimitFallsBackToTheIdsAndAShortenedFailure() {
        Task task = taskOf(aTask().withTaskId("t-3"));

        Completion.Record record = completionsWith(SMALL_CODEC)
                .deadLetter(
                        task,
                        DeadLetterCause.nonRetryable(Failure.permanent("BAD_INPUT", "z".repeat(5_000))),
                        Metadata.EMPTY);

        AgentMessage error = decode(record.outcome());
        assertEquals("t-3", error.taskId());
        assertEquals("NON_RETRYABLE_FAILURE", error.content().path("reason").asText());
        assertEquals(
                "z".repeat(2_000) + "...",
                error.content().path("error").path("message").asText());
        assertEquals(NOW.toEpochMilli(), error.createdAt());
    }

    @Test
    void retryIsTheSameTaskAsANewMessageForTheNextAttempt() {
        Task task = taskOf(aTask().withTaskId("t-4").atAttempt(2));

        Completion.Retry retry = completions.retry(task, NOW.plusSeconds(5));

        assertEquals("1-0", retry.entryId());
        assertEquals("t-4", retry.taskId());
        assertEquals(NOW.plusSeconds(5).toEpochMilli(), retry.dueAtMillis());
        AgentMessage next = CODEC.decode(retry.nextMessageJson());
        assertEquals("t-4", next.taskId());
        assertEquals(3, next.attempt());
        assertEquals(task.message().messageId(), next.parentMessageId());
        assertNotEquals(task.message().messageId(), next.messageId());
        assertEquals(task.message().content(), next.content());
    }

    @Test
    void taskOfACancelledRunIsAnsweredCancelled() {
        Task task = taskOf(aTask().withTaskId("t-5").inRun("r-9"));

        Completion.Record record = completions.cancelled(task);

        assertEquals(TaskOutcome.CANCELLED, record.kind());
        assertNull(record.deadLetter());
        AgentMessage error = decode(record.outcome());
        assertEquals("CANCELLED", error.content().path("reason").asText());
        assertEquals(
                "run r-9 was cancelled",
                error.content().path("error").path("message").asText());
    }

    @Test
    void invalidEntryWithAReadableTaskIdIsAnsweredUnderIt() {
        Delivery delivery =
                aTask().forAgent("reviewer").withTaskId("t-6").inRun("r-2").deliveredTimes("1-0", 2);

        Completion.Record record = completions.invalid(delivery, DeadLetterCause.invalidMessage("wrong recipient"));

        assertEquals("t-6", record.taskId());
        assertEquals(2, record.attempts());
        assertEquals(DeadLetterReason.INVALID_MESSAGE, record.deadReason());
        assertEquals("INVALID_MESSAGE: wrong recipient", record.deadLetter().error());
        assertEquals(delivery.message(), record.deadLetter().original());
        AgentMessage error = decode(record.outcome());
        assertEquals("r-2", error.runId());
        assertEquals("INVALID_MESSAGE", error.content().path("reason").asText());
        assertEquals(
                "wrong recipient", error.content().path("error").path("message").asText());
        assertEquals(NOW.toEpochMilli(), error.createdAt());
    }

    @Test
    void invalidEntryWithoutATaskIdIsOnlyDeadLettered() {
        Delivery garbage = Delivery.fresh("1-0", "{not json".getBytes(StandardCharsets.UTF_8));

        Completion.Record record = completions.invalid(garbage, DeadLetterCause.invalidMessage("not JSON"));

        assertNull(record.taskId());
        assertNull(record.outcome());
        assertEquals("{not json", record.deadLetter().original());
    }

    @Test
    void trimmedEntryIsOnlyDeadLettered() {
        Completion.Record record =
                completions.trimmed(Delivery.reclaimed("1-0", null, 3, true), DeadLetterCause.entryTrimmed());

        assertNull(record.taskId());
        assertEquals(3, record.attempts());
        assertEquals(DeadLetterReason.ENTRY_TRIMMED, record.deadReason());
        assertEquals("", record.deadLetter().original());
    }

    @Test
    void entryThatCouldNotBeInspectedIsDeadLetteredAsAnInternalError() {
        Delivery delivery = aTask().deliveredAs("1-0");

        Completion.Record record = completions.internalError(delivery, new IllegalStateException("bug"));

        assertNull(record.taskId());
        assertEquals(DeadLetterReason.INVALID_MESSAGE, record.deadReason());
        assertEquals(
                "INTERNAL_ERROR: java.lang.IllegalStateException: bug",
                record.deadLetter().error());
    }

    private static TaskCompletions completionsWith(MessageCodec codec) {
        return new TaskCompletions("coder", codec, CLOCK, new MessageTracing(OpenTelemetry.noop(), "test"));
    }

    private static Task taskOf(TaskBuilder builder) {
        Delivery delivery = builder.deliveredAs("1-0");
        return new Task(delivery, CODEC.decode(delivery.body()), 3);
    }

    private static Completion.Record record(Completion completion) {
        return assertInstanceOf(Completion.Record.class, completion);
    }

    private static AgentMessage decode(byte[] outcome) {
        return CODEC.decode(outcome);
    }

    private static ObjectNode output(String answer) {
        return JsonNodeFactory.instance.objectNode().put("answer", answer);
    }

    private static Completion none(Failure failure) {
        return fail("the answer should be readable, but: " + failure);
    }
}
