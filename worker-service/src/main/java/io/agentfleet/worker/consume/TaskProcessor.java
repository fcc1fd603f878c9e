package io.agentfleet.worker.consume;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.ErrorContent;
import io.agentfleet.messages.ErrorReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.Ids;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.telemetry.LogContext;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.metrics.AgentMetrics;
import io.agentfleet.worker.metrics.TaskOutcome;
import io.agentfleet.worker.outcome.Completion;
import io.agentfleet.worker.outcome.OutcomeRecorder;
import io.agentfleet.worker.retry.Backoff;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns deliveries into completions: validates each entry (a bad one is dead-lettered at once and never holds up the
 * others), skips tasks of cancelled runs, runs the handler on a virtual thread with a timeout, and hands the outcome
 * (result, retry or dead letter) to the {@link OutcomeRecorder}. The slot of a delivery is freed when its completion
 * is handed over; the entry stays tracked (and its lease renewed) until the completion is written.
 */
public final class TaskProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(TaskProcessor.class);
    static final String CANCELLED = "CANCELLED";
    static final String ATTEMPTS_EXHAUSTED = "ATTEMPTS_EXHAUSTED";
    static final String OUTPUT_TOO_LARGE = "OUTPUT_TOO_LARGE";
    static final String OUTPUT_UNREADABLE = "OUTPUT_UNREADABLE";
    /** How much of a failure message an ERROR keeps when the whole one would not fit the message limit. */
    private static final int MAX_FALLBACK_MESSAGE_CHARS = 2_000;

    private final AgentConfig agent;
    private final WorkerConfig worker;
    private final AgentHandler handler;
    private final MessageCodec codec;
    private final OutcomeRecorder recorder;
    private final InFlight inFlight;
    private final AgentMetrics metrics;
    private final Clock clock;
    private final FleetRedis redis;
    private final CancelCheckWarnings cancelWarnings;
    private final ScheduledExecutorService timer;
    private final Backoff backoff;
    private final MessageTracing tracing;
    private final String stream;
    private final ThreadFactory threads =
            Thread.ofVirtual().name("fleet-task-", 0).factory();

    public TaskProcessor(
            AgentConfig agent,
            WorkerConfig worker,
            AgentPartition partition,
            AgentHandler handler,
            MessageCodec codec,
            OutcomeRecorder recorder,
            InFlight inFlight,
            AgentMetrics metrics,
            Clock clock,
            FleetRedis redis,
            CancelCheckWarnings cancelWarnings,
            ScheduledExecutorService timer,
            MessageTracing tracing) {
        this.agent = agent;
        this.worker = worker;
        this.handler = handler;
        this.codec = codec;
        this.recorder = recorder;
        this.inFlight = inFlight;
        this.metrics = metrics;
        this.clock = clock;
        this.redis = redis;
        this.cancelWarnings = cancelWarnings;
        this.timer = timer;
        this.backoff = new Backoff(agent.backoffBase(), agent.backoffMax());
        this.tracing = tracing;
        this.stream = partition.tasks();
    }

    /** A validated task ready to run. */
    record Task(String entryId, Delivery delivery, AgentMessage message, int attempt, int maxAttempts) {}

    private static final int WARM_UP_ROUNDS = 2_000;
    private static final long WARM_UP_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    /**
     * Runs the per-task codec work (decode a ~1 KB request, build and encode its result) on a synthetic message a
     * bounded number of times before the first read, so the JIT has compiled it by the time real tasks arrive: the
     * first second of work otherwise runs interpreted and sets the latency tail. Touches no handler and no Redis.
     */
    void warmUp() {
        try {
            ObjectNode content = JsonNodeFactory.instance.objectNode();
            content.put("input", "warm-up \"text\" \u00e9 ".repeat(50));
            content.putObject("context");
            content.put("revision", 0);
            AgentMessage request = AgentMessage.request(agent.agentType(), content)
                    .runId(Ids.newId())
                    .build();
            ObjectNode output = JsonNodeFactory.instance.objectNode().put("ok", true);
            long deadline = System.nanoTime() + WARM_UP_MAX_NANOS;
            for (int i = 0; i < WARM_UP_ROUNDS && System.nanoTime() < deadline; i++) {
                AgentMessage decoded = codec.decode(codec.encodeUtf8(request));
                byte[] outcome =
                        codec.encodeUtf8(decoded.resultOf(agent.agentType(), output, Metadata.EMPTY.withLatencyMs(i)));
                recorder.warmUp(decoded.taskId(), outcome);
            }
        } catch (RuntimeException e) {
            LOG.debug("agent {}: warm-up failed (harmless): {}", agent.agentType(), e.toString());
        }
    }

    /**
     * Processes deliveries whose slots the caller has taken (one slot each). Their ids are tracked at once (lease
     * renewal and shutdown see them); each is then decoded, checked and run on its own virtual thread, so the tasks of
     * a batch start in parallel and the caller's next read overlaps them.
     */
    public void dispatch(List<Delivery> deliveries) {
        for (Delivery delivery : deliveries) {
            if (inFlight.track(delivery.entryId())) {
                threads.newThread(() -> process(delivery)).start();
            } else {
                inFlight.release(1);
            }
        }
    }

    private void process(Delivery delivery) {
        Task task;
        try {
            task = inspect(delivery);
        } catch (RuntimeException e) {
            // inspect() records what it rejects; anything else is a bug that must not stop the others.
            LOG.error("agent {}: could not process entry {}", agent.agentType(), delivery.entryId(), e);
            deadLetterUnreadable(delivery, "INTERNAL_ERROR: " + e);
            return;
        } catch (Error e) {
            // Not the message's fault (out of memory, a broken deployment): free the slot and leave the entry
            // pending, unrenewed, so it is reclaimed and run again once the worker (or another one) can.
            LOG.error(
                    "agent {}: could not process entry {}; it stays pending", agent.agentType(), delivery.entryId(), e);
            inFlight.release(1);
            inFlight.forget(delivery.entryId());
            return;
        }
        if (task == null) {
            return;
        }
        if (task.message().runId() != null && runCancelled(task.message().runId())) {
            recordCancelled(task);
        } else {
            execute(task);
        }
    }

    /** Returns the task to run, or null when the delivery was rejected (and its dead letter submitted). */
    private Task inspect(Delivery delivery) {
        if (delivery.trimmed()) {
            submit(new Completion.Record(
                    delivery.entryId(),
                    null,
                    null,
                    DeadLetterReason.ENTRY_TRIMMED,
                    (int) Math.max(1, delivery.deliveryCount()),
                    "ENTRY_TRIMMED: the entry's body was trimmed or deleted before it could be run",
                    "",
                    TaskOutcome.DEAD_LETTER,
                    release(delivery.entryId())));
            return null;
        }
        AgentMessage message;
        try {
            message = codec.decodeTask(delivery.body(), agent.agentType());
        } catch (InvalidMessageException e) {
            deadLetterInvalid(delivery, e);
            return null;
        }
        int attempt = (int) Math.min(Integer.MAX_VALUE, message.attempt() + delivery.deliveryCount() - 1);
        int maxAttempts = agent.maxAttemptsFor(message.maxAttempts());
        AgentMessage effective = attempt == message.attempt()
                ? message
                : message.toBuilder().attempt(attempt).build();
        Task task = new Task(delivery.entryId(), delivery, effective, attempt, maxAttempts);
        if (attempt > maxAttempts) {
            deadLetter(task, DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, attemptsExhausted(message, delivery, maxAttempts));
            return null;
        }
        if (effective.isExpiredAt(clock.instant())) {
            deadLetter(
                    task,
                    DeadLetterReason.DEADLINE_EXPIRED,
                    Failure.permanent(
                            "DEADLINE_EXPIRED",
                            "deadline " + Instant.ofEpochMilli(effective.deadline()) + " passed before the task ran"));
            return null;
        }
        return task;
    }

    /**
     * Why a task is past its attempts before running: it was enqueued that way (its {@code attempt} field already
     * exceeds the maximum), or this entry was delivered again and again without an outcome (the workers running it
     * died or lost their lease).
     */
    private static Failure attemptsExhausted(AgentMessage message, Delivery delivery, int maxAttempts) {
        if (message.attempt() > maxAttempts) {
            return Failure.permanent(
                    ATTEMPTS_EXHAUSTED,
                    "attempt " + message.attempt() + " exceeds maxAttempts " + maxAttempts
                            + " as enqueued; the task was not run");
        }
        return Failure.permanent(
                DeadLetterReason.MAX_ATTEMPTS_EXCEEDED.name(),
                "delivered " + delivery.deliveryCount() + " times without an outcome, which makes attempt "
                        + (message.attempt() + delivery.deliveryCount() - 1) + " of at most " + maxAttempts
                        + " (the worker running it may have crashed)");
    }

    /**
     * Whether the task's run was cancelled. When that cannot be read (Redis down, the run's shard failing over), the
     * task runs: the orchestrator ignores outcomes of cancelled runs, so this costs work, never a cancelled run's
     * state. Read through the shared connection, which on a cluster goes to the shard of {@code {run:R}}.
     */
    private boolean runCancelled(String runId) {
        try {
            Long exists = redis.shared()
                    .async()
                    .exists(worker.keys().runCancel(runId))
                    .get(10, TimeUnit.SECONDS);
            return exists != null && exists > 0;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            cancelWarnings.couldNotCheck(agent.agentType(), runId, e);
            return false;
        }
    }

    private void execute(Task task) {
        Thread self = Thread.currentThread();
        AtomicBoolean finished = new AtomicBoolean();
        Instant now = clock.instant();
        Instant handlerDeadline = now.plus(agent.handlerTimeout());
        if (task.message().deadline() != null && task.message().deadline() < handlerDeadline.toEpochMilli()) {
            handlerDeadline = Instant.ofEpochMilli(task.message().deadline());
        }
        long timeoutMs = Math.max(0, Duration.between(now, handlerDeadline).toMillis());
        // With tracing off (the default) no span, scope or context is created: the outcome keeps the task's trace.
        Span span = tracing.enabled()
                ? tracing.startProcess(stream, StreamKeys.WORKERS_GROUP, task.entryId(), task.message())
                : null;
        Scope scope = span == null ? null : span.makeCurrent();
        if (LogContext.enabled()) {
            LogContext.put(
                    task.message().taskId(),
                    task.message().runId(),
                    span != null ? span.getSpanContext().getTraceId() : MessageTracing.traceIdOf(task.message()));
        }
        ScheduledFuture<?> timeout =
                timer.schedule(() -> timedOut(task, self, finished, span), timeoutMs, TimeUnit.MILLISECONDS);
        TaskContext context = new TaskContext(
                agent.agentType(),
                worker.consumerName(),
                task.attempt(),
                task.maxAttempts(),
                handlerDeadline,
                clock,
                codec.mapper());
        long started = System.nanoTime();
        try {
            HandlerResult result = handler.handle(task.message(), context);
            long elapsedNanos = System.nanoTime() - started;
            if (finished.compareAndSet(false, true)) {
                if (result == null) {
                    failed(task, Failure.retryable("HANDLER_ERROR", "handler returned null instead of a result"));
                } else {
                    succeeded(task, result, elapsedNanos);
                }
            }
        } catch (HandlerFailure e) {
            if (span != null) {
                span.setStatus(StatusCode.ERROR, e.failure().type());
            }
            if (finished.compareAndSet(false, true)) {
                // Tokens and cost are counted when spent, also by an attempt that failed.
                metrics.usage(e.usage());
                failed(task, e.failure(), e.usage());
            }
        } catch (Throwable e) {
            if (span != null) {
                span.setStatus(StatusCode.ERROR, "HANDLER_ERROR");
            }
            if (finished.compareAndSet(false, true)) {
                failed(task, Failure.retryable("HANDLER_ERROR", describe(e)));
            }
            if (e instanceof Error && !(e instanceof StackOverflowError) && !(e instanceof AssertionError)) {
                LOG.error(
                        "agent {}: handler threw {} on task {}",
                        agent.agentType(),
                        e,
                        task.message().taskId());
            }
        } finally {
            timeout.cancel(false);
            metrics.handlerDuration(Duration.ofNanos(System.nanoTime() - started));
            if (span != null) {
                scope.close();
                span.end();
            }
            if (LogContext.enabled()) {
                LogContext.clear();
            }
        }
    }

    private void timedOut(Task task, Thread runner, AtomicBoolean finished, Span span) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        runner.interrupt();
        if (span == null) {
            timedOut(task);
            return;
        }
        span.setStatus(StatusCode.ERROR, "TIMEOUT");
        try (Scope ignored = span.makeCurrent()) {
            timedOut(task);
        }
    }

    private void timedOut(Task task) {
        if (task.message().isExpiredAt(clock.instant())) {
            deadLetter(
                    task,
                    DeadLetterReason.DEADLINE_EXPIRED,
                    Failure.permanent(
                            "DEADLINE_EXPIRED",
                            "deadline " + Instant.ofEpochMilli(task.message().deadline())
                                    + " passed while the handler ran"));
        } else {
            failed(task, Failure.retryable("TIMEOUT", "handler did not finish within " + agent.handlerTimeout()));
        }
    }

    private void succeeded(Task task, HandlerResult result, long elapsedNanos) {
        AgentMessage outcome = task.message()
                .resultOf(
                        agent.agentType(),
                        result.output(),
                        result.usage().withLatencyMs(TimeUnit.NANOSECONDS.toMillis(elapsedNanos)));
        // Tokens and cost are counted when spent, also when another delivery's outcome wins (they were paid for).
        metrics.usage(result.usage());
        TaskOutcome kind = TaskOutcome.RESULT;
        if (result.clarificationNeeded()) {
            outcome = outcome.toBuilder().type(MessageType.CLARIFICATION_NEEDED).build();
            kind = TaskOutcome.CLARIFICATION_NEEDED;
        }
        outcome = traced(outcome);
        byte[] encoded = codec.encodeUtf8(outcome);
        try {
            codec.requireDecodable(outcome, encoded);
        } catch (InvalidMessageException e) {
            failed(task, unreadableOutput(encoded.length, e), result.usage());
            return;
        }
        submit(new Completion.Record(
                task.entryId(),
                task.message().taskId(),
                encoded,
                null,
                task.attempt(),
                "",
                "",
                kind,
                release(task.entryId())));
    }

    /** A handler output whose outcome no reader could decode fails the task for good: running it again would not help. */
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

    private void failed(Task task, Failure failure) {
        failed(task, failure, Metadata.EMPTY);
    }

    /** Retries or dead-letters; a dead letter's ERROR outcome reports what the last attempt spent. */
    private void failed(Task task, Failure failure, Metadata spent) {
        if (!failure.retryable()) {
            deadLetter(task, DeadLetterReason.NON_RETRYABLE_FAILURE, failure, spent);
        } else if (task.attempt() >= task.maxAttempts()) {
            deadLetter(task, DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, failure, spent);
        } else {
            retry(task, failure);
        }
    }

    private void retry(Task task, Failure failure) {
        Duration delay = backoff.delay(
                task.attempt(),
                failure.retryAfter(),
                bound -> ThreadLocalRandom.current().nextLong(bound));
        long dueAt = clock.millis() + delay.toMillis();
        AgentMessage message = task.message();
        if (message.deadline() != null && dueAt > message.deadline()) {
            deadLetter(
                    task,
                    DeadLetterReason.DEADLINE_EXPIRED,
                    new Failure(
                            failure.type(),
                            failure.message() + " (the retry would be due after the deadline)",
                            false,
                            null));
            return;
        }
        AgentMessage next = message.toBuilder()
                .messageId(Ids.newId())
                .parentMessageId(message.messageId())
                .attempt(task.attempt() + 1)
                .build();
        LOG.debug(
                "agent {}: task {} attempt {} failed ({}), retry in {} ms",
                agent.agentType(),
                message.taskId(),
                task.attempt(),
                failure.type(),
                delay.toMillis());
        submit(new Completion.Retry(
                task.entryId(), message.taskId(), dueAt, codec.encode(next), release(task.entryId())));
    }

    private void recordCancelled(Task task) {
        AgentMessage outcome = task.message()
                .errorOf(
                        agent.agentType(),
                        new ErrorContent(
                                ErrorReason.CANCELLED,
                                Failure.permanent(
                                        CANCELLED, "run " + task.message().runId() + " was cancelled")));
        submit(new Completion.Record(
                task.entryId(),
                task.message().taskId(),
                encodeError(outcome),
                null,
                task.attempt(),
                "",
                "",
                TaskOutcome.CANCELLED,
                release(task.entryId())));
    }

    private void deadLetter(Task task, DeadLetterReason reason, Failure failure) {
        deadLetter(task, reason, failure, Metadata.EMPTY);
    }

    private void deadLetter(Task task, DeadLetterReason reason, Failure failure, Metadata spent) {
        AgentMessage error = task.message().errorOf(agent.agentType(), ErrorContent.deadLettered(reason, failure));
        AgentMessage outcome = traced(
                spent.equals(Metadata.EMPTY)
                        ? error
                        : error.toBuilder().metadata(spent).build());
        LOG.info(
                "agent {}: task {} dead-lettered ({}) after attempt {}: {}",
                agent.agentType(),
                task.message().taskId(),
                reason,
                task.attempt(),
                failure.message());
        submit(new Completion.Record(
                task.entryId(),
                task.message().taskId(),
                encodeError(outcome),
                reason,
                task.attempt(),
                failure.type() + ": " + failure.message(),
                task.delivery().message(),
                TaskOutcome.DEAD_LETTER,
                release(task.entryId())));
    }

    /**
     * Dead-letters an entry that is not a valid task, and answers it with an ERROR under its task id when one can be
     * found in its text (a bounded scan, not a parse), so a producer waiting on that id learns why.
     */
    private void deadLetterInvalid(Delivery delivery, InvalidMessageException e) {
        String original = delivery.message();
        MessageCodec.PeekedIds ids = codec.peekIds(delivery.body()).orElse(null);
        String taskId = ids == null ? null : ids.taskId();
        String error = "INVALID_MESSAGE: " + e.getMessage();
        LOG.info(
                "agent {}: entry {} (task {}) dead-lettered as invalid: {}",
                agent.agentType(),
                delivery.entryId(),
                taskId,
                e.getMessage());
        byte[] outcome = ids == null ? null : encodeError(invalidOutcome(ids, e.getMessage()));
        submit(new Completion.Record(
                delivery.entryId(),
                taskId,
                outcome,
                DeadLetterReason.INVALID_MESSAGE,
                (int) Math.max(1, delivery.deliveryCount()),
                error,
                original == null ? "" : original,
                TaskOutcome.DEAD_LETTER,
                release(delivery.entryId())));
    }

    private void deadLetterUnreadable(Delivery delivery, String error) {
        submit(new Completion.Record(
                delivery.entryId(),
                null,
                null,
                DeadLetterReason.INVALID_MESSAGE,
                (int) Math.max(1, delivery.deliveryCount()),
                error,
                delivery.message() == null ? "" : delivery.message(),
                TaskOutcome.DEAD_LETTER,
                release(delivery.entryId())));
    }

    /** An ERROR outcome for a task whose message could not be read beyond its ids. */
    private AgentMessage invalidOutcome(MessageCodec.PeekedIds ids, String problem) {
        return bareError(
                ids.taskId(),
                ids.runId(),
                ids.tenant(),
                1,
                ErrorContent.deadLettered(
                        DeadLetterReason.INVALID_MESSAGE,
                        Failure.permanent(DeadLetterReason.INVALID_MESSAGE.name(), problem)));
    }

    /**
     * The encoded ERROR, or, when it would exceed the message limit (a task's large extensions or trace, a huge
     * failure message), the same answer with only the ids and the failure cut short, which always fits.
     */
    private byte[] encodeError(AgentMessage error) {
        byte[] encoded = codec.encodeUtf8(error);
        try {
            codec.requireDecodable(error, encoded);
            return encoded;
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
                .sender(agent.agentType())
                .recipient(agent.agentType())
                .attempt(attempt)
                .content(content.toJson())
                .createdAt(clock.millis())
                .build();
    }

    /**
     * The outcome carrying the current (process) span's context, so the orchestrator's result handling continues
     * the worker's span; unchanged when tracing is off or no span is current (rejected before running).
     */
    private AgentMessage traced(AgentMessage outcome) {
        if (!tracing.enabled()) {
            return outcome;
        }
        TraceContext trace = tracing.inject(Context.current());
        return trace == null ? outcome : outcome.toBuilder().trace(trace).build();
    }

    /** Every delivery ends in exactly one submission, which frees its slot; the entry is forgotten once written. */
    private void submit(Completion completion) {
        inFlight.release(1);
        recorder.submit(completion);
    }

    private Runnable release(String entryId) {
        return () -> inFlight.forget(entryId);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
