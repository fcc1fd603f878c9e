package io.agentfleet.worker.consume;

import io.agentfleet.messages.Failure;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.telemetry.LogContext;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.metrics.AgentMetrics;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.LeaseLostException;
import io.agentfleet.worker.spi.TaskCheckpoints;
import io.agentfleet.worker.spi.TaskContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the handler for one task on the caller's thread, within the handler timeout (capped by the task's deadline),
 * inside the task's process span and log context. Reports exactly one {@link HandlerOutcome}: from the caller's
 * thread when the handler returns or throws, or from the {@link HandlerTimeouts} sweep when it runs out of time (and is
 * interrupted). The
 * outcome is reported while the span is current, so answers built from it continue the span.
 */
final class HandlerInvoker {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerInvoker.class);

    private final AgentConfig agent;
    private final String consumerName;
    private final String stream;
    private final AgentHandler handler;
    private final MessageCodec codec;
    private final AgentMetrics metrics;
    private final Clock clock;
    private final HandlerTimeouts timeouts;
    private final MessageTracing tracing;
    private final Function<Task, TaskCheckpoints> checkpoints;

    HandlerInvoker(
            AgentConfig agent,
            String consumerName,
            String stream,
            AgentHandler handler,
            MessageCodec codec,
            AgentMetrics metrics,
            Clock clock,
            ScheduledExecutorService timer,
            MessageTracing tracing,
            Function<Task, TaskCheckpoints> checkpoints) {
        this.agent = agent;
        this.consumerName = consumerName;
        this.stream = stream;
        this.handler = handler;
        this.codec = codec;
        this.metrics = metrics;
        this.clock = clock;
        this.timeouts = new HandlerTimeouts(timer);
        this.tracing = tracing;
        this.checkpoints = checkpoints;
    }

    void invoke(Task task, Consumer<HandlerOutcome> then) {
        Thread self = Thread.currentThread();
        AtomicBoolean finished = new AtomicBoolean();
        Instant now = clock.instant();
        Instant handlerDeadline = handlerDeadline(task, now);
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
        long started = System.nanoTime();
        long dueNanos = started
                + TimeUnit.MILLISECONDS.toNanos(
                        Math.max(0, Duration.between(now, handlerDeadline).toMillis()));
        HandlerTimeouts.Watch timeout = new HandlerTimeouts.Watch() {
            @Override
            public long dueNanos() {
                return dueNanos;
            }

            @Override
            public void expire() {
                timedOut(self, finished, span, then);
            }
        };
        timeouts.watch(timeout);
        try {
            HandlerOutcome outcome = call(task, handlerDeadline, span, started);
            if (finished.compareAndSet(false, true)) {
                countUsage(outcome);
                then.accept(outcome);
            }
        } finally {
            timeouts.unwatch(timeout);
            metrics.handlerDurationNanos(System.nanoTime() - started);
            if (span != null) {
                scope.close();
                span.end();
            }
            if (LogContext.enabled()) {
                LogContext.clear();
            }
        }
    }

    /** The handler timeout from now, or the task's deadline when that comes first. */
    private Instant handlerDeadline(Task task, Instant now) {
        Instant byTimeout = now.plus(agent.handlerTimeout());
        Instant deadline = task.deadline();
        return deadline != null && deadline.isBefore(byTimeout) ? deadline : byTimeout;
    }

    /** Tokens and cost are counted when spent: also by an attempt that failed, or whose answer loses to another's. */
    private void countUsage(HandlerOutcome outcome) {
        switch (outcome) {
            case HandlerOutcome.Succeeded s -> metrics.usage(s.result().usage());
            case HandlerOutcome.Failed f -> metrics.usage(f.spent());
            case HandlerOutcome.TimedOut t -> {}
            case HandlerOutcome.LeaseLost l -> {}
        }
    }

    /** Runs the handler and says how it ended. */
    private HandlerOutcome call(Task task, Instant handlerDeadline, Span span, long started) {
        TaskContext context = new TaskContext(
                agent.agentType(),
                consumerName,
                task.attempt(),
                task.maxAttempts(),
                handlerDeadline,
                clock,
                codec.mapper(),
                checkpoints.apply(task));
        try {
            HandlerResult result = handler.handle(task.message(), context);
            long elapsedNanos = System.nanoTime() - started;
            if (result == null) {
                return handlerError("handler returned null instead of a result");
            }
            return new HandlerOutcome.Succeeded(result, elapsedNanos);
        } catch (HandlerFailure e) {
            if (span != null) {
                span.setStatus(StatusCode.ERROR, e.failure().type());
            }
            return new HandlerOutcome.Failed(e.failure(), e.usage());
        } catch (LeaseLostException e) {
            return new HandlerOutcome.LeaseLost(e.getMessage());
        } catch (Throwable e) {
            if (span != null) {
                span.setStatus(StatusCode.ERROR, "HANDLER_ERROR");
            }
            if (e instanceof Error && !(e instanceof StackOverflowError) && !(e instanceof AssertionError)) {
                LOG.error(
                        "agent {}: handler threw {} on task {}",
                        agent.agentType(),
                        e,
                        task.message().taskId());
            }
            return handlerError(describe(e));
        }
    }

    private void timedOut(Thread runner, AtomicBoolean finished, Span span, Consumer<HandlerOutcome> then) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        runner.interrupt();
        if (span == null) {
            then.accept(new HandlerOutcome.TimedOut());
            return;
        }
        span.setStatus(StatusCode.ERROR, "TIMEOUT");
        try (Scope ignored = span.makeCurrent()) {
            then.accept(new HandlerOutcome.TimedOut());
        }
    }

    private static HandlerOutcome handlerError(String message) {
        return new HandlerOutcome.Failed(Failure.retryable("HANDLER_ERROR", message), Metadata.EMPTY);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
