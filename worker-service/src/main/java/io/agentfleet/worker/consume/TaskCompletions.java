package io.agentfleet.worker.consume;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.ErrorContent;
import io.agentfleet.messages.ErrorReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.Ids;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.deadletter.DeadLetterCause;
import io.agentfleet.worker.metrics.TaskOutcome;
import io.agentfleet.worker.outcome.Completion;
import io.agentfleet.worker.spi.HandlerResult;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Builds the completion of each way a delivery ends, each answer derived from the delivered task once. Answers built
 * while a process span is current carry its context, so the orchestrator's result handling continues the worker's
 * span.
 */
final class TaskCompletions {
    static final String CANCELLED = "CANCELLED";
    static final String OUTPUT_TOO_LARGE = "OUTPUT_TOO_LARGE";
    static final String OUTPUT_UNREADABLE = "OUTPUT_UNREADABLE";
    /** How much of a failure message an ERROR keeps when the whole one would not fit the message limit. */
    private static final int MAX_FALLBACK_MESSAGE_CHARS = 2_000;

    private final String agentType;
    private final MessageCodec codec;
    private final Clock clock;
    private final MessageTracing tracing;

    TaskCompletions(String agentType, MessageCodec codec, Clock clock, MessageTracing tracing) {
        this.agentType = agentType;
        this.codec = codec;
        this.clock = clock;
        this.tracing = tracing;
    }

    /**
     * The RESULT (or CLARIFICATION_NEEDED) answering the task with the handler's output; when that answer is one no
     * reader could decode, {@code ifUnreadable} decides instead, given a permanent failure: running the task again
     * would not help.
     */
    Completion result(Task task, HandlerResult result, long elapsedNanos, Function<Failure, Completion> ifUnreadable) {
        AgentMessage plain = task.message()
                .resultOf(
                        agentType,
                        result.output(),
                        result.usage().withLatencyMs(TimeUnit.NANOSECONDS.toMillis(elapsedNanos)));
        MessageType type = result.clarificationNeeded() ? MessageType.CLARIFICATION_NEEDED : MessageType.RESULT;
        AgentMessage answer = finished(plain, type, plain.metadata());
        byte[] encoded;
        try {
            encoded = codec.encodeDecodable(answer);
        } catch (InvalidMessageException e) {
            return ifUnreadable.apply(unreadableOutput(codec.encodeUtf8(answer).length, e));
        }
        TaskOutcome kind = result.clarificationNeeded() ? TaskOutcome.CLARIFICATION_NEEDED : TaskOutcome.RESULT;
        return Completion.answer(task.entryId(), task.message().taskId(), encoded, task.attempt(), kind);
    }

    /** The task dead-lettered for {@code cause}; its ERROR answer reports what the attempt {@code spent}. */
    Completion.Record deadLetter(Task task, DeadLetterCause cause, Metadata spent) {
        AgentMessage error =
                task.message().errorOf(agentType, ErrorContent.deadLettered(cause.reason(), cause.failure()));
        return Completion.deadLetter(
                task.entryId(),
                task.message().taskId(),
                encodeError(finished(error, MessageType.ERROR, spent)),
                task.attempt(),
                cause,
                task.delivery().message());
    }

    /** The task's next attempt, due at {@code dueAt}. */
    Completion.Retry retry(Task task, Instant dueAt) {
        return Completion.retry(
                task.entryId(),
                task.message().taskId(),
                dueAt,
                codec.encode(task.message().nextAttempt()));
    }

    /** The task of a cancelled run, answered CANCELLED without running. */
    Completion.Record cancelled(Task task) {
        AgentMessage outcome = task.message()
                .errorOf(
                        agentType,
                        new ErrorContent(
                                ErrorReason.CANCELLED,
                                Failure.permanent(
                                        CANCELLED, "run " + task.message().runId() + " was cancelled")));
        return Completion.answer(
                task.entryId(), task.message().taskId(), encodeError(outcome), task.attempt(), TaskOutcome.CANCELLED);
    }

    /** An entry whose body was gone: a dead letter only, there is nobody to answer. */
    Completion.Record trimmed(Delivery delivery, DeadLetterCause cause) {
        return Completion.deadLetter(delivery.entryId(), null, null, attempts(delivery), cause, delivery.message());
    }

    /**
     * An entry that is not a valid task: dead-lettered, and answered with an ERROR under its task id when one can be
     * found in its text (a bounded scan, not a parse), so a producer waiting on that id learns why.
     */
    Completion.Record invalid(Delivery delivery, DeadLetterCause cause) {
        MessageCodec.PeekedIds ids = codec.peekIds(delivery.body()).orElse(null);
        return Completion.deadLetter(
                delivery.entryId(),
                ids == null ? null : ids.taskId(),
                ids == null ? null : encodeError(invalidOutcome(ids, cause)),
                attempts(delivery),
                cause,
                delivery.message());
    }

    /** An entry that could not be looked at (a bug, never the message's fault alone): a dead letter only. */
    Completion.Record internalError(Delivery delivery, RuntimeException problem) {
        return Completion.deadLetter(
                delivery.entryId(),
                null,
                null,
                attempts(delivery),
                DeadLetterCause.internalError(problem),
                delivery.message());
    }

    private static int attempts(Delivery delivery) {
        return (int) Math.max(1, delivery.deliveryCount());
    }

    /** A handler output whose outcome no reader could decode fails the task for good. */
    private Failure unreadableOutput(int outcomeBytes, InvalidMessageException problem) {
        if (outcomeBytes > codec.limits().maxBytes()) {
            return Failure.permanent(
                    OUTPUT_TOO_LARGE,
                    "the handler's output makes the outcome " + outcomeBytes + " bytes, more than the message limit of "
                            + codec.limits().maxBytes() + " bytes");
        }
        return Failure.permanent(
                OUTPUT_UNREADABLE, "the handler's output makes an outcome no reader accepts: " + problem.getMessage());
    }

    /**
     * The answer with its final type, usage and trace, rebuilt at most once and only when one of them differs: the
     * trace is the current span's when tracing is on and a span is current, else the task's.
     */
    private AgentMessage finished(AgentMessage answer, MessageType type, Metadata metadata) {
        TraceContext trace = tracing.enabled() ? tracing.inject(Context.current()) : null;
        if (answer.type() == type && answer.metadata().equals(metadata) && trace == null) {
            return answer;
        }
        AgentMessage.Builder builder = answer.toBuilder().type(type).metadata(metadata);
        return (trace == null ? builder : builder.trace(trace)).build();
    }

    /** An ERROR outcome for a task whose message could not be read beyond its ids. */
    private AgentMessage invalidOutcome(MessageCodec.PeekedIds ids, DeadLetterCause cause) {
        return bareError(
                ids.taskId(), ids.runId(), ids.tenant(), 1, ErrorContent.deadLettered(cause.reason(), cause.failure()));
    }

    /**
     * The encoded ERROR, or, when it would exceed the message limit (a task's large extensions or trace, a huge
     * failure message), the same answer with only the ids and the failure cut short, which always fits.
     */
    private byte[] encodeError(AgentMessage error) {
        try {
            return codec.encodeDecodable(error);
        } catch (InvalidMessageException e) {
            ErrorContent content = error.errorContent();
            Failure failure = content.failure();
            String message = failure.message();
            return codec.encodeUtf8(bareError(
                    error.taskId(),
                    error.runId(),
                    error.tenant(),
                    error.attempt(),
                    new ErrorContent(
                            content.reason(),
                            new Failure(
                                    failure.type(),
                                    message.length() <= MAX_FALLBACK_MESSAGE_CHARS
                                            ? message
                                            : message.substring(0, MAX_FALLBACK_MESSAGE_CHARS) + "...",
                                    failure.retryable(),
                                    failure.retryAfter()))));
        }
    }

    private AgentMessage bareError(String taskId, String runId, String tenant, int attempt, ErrorContent content) {
        return new AgentMessage.Builder()
                .messageId(Ids.newId())
                .type(MessageType.ERROR)
                .taskId(taskId)
                .runId(runId)
                .tenant(tenant)
                .sender(agentType)
                .recipient(agentType)
                .attempt(attempt)
                .content(content.toJson())
                .createdAt(clock.millis())
                .build();
    }
}
