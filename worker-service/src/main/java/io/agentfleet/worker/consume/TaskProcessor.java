package io.agentfleet.worker.consume;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.Ids;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Metadata;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.checkpoint.CheckpointStore;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.deadletter.DeadLetterCause;
import io.agentfleet.worker.metrics.AgentMetrics;
import io.agentfleet.worker.outcome.Completion;
import io.agentfleet.worker.outcome.OutcomeRecorder;
import io.agentfleet.worker.retry.Backoff;
import io.agentfleet.worker.retry.RetryDecision;
import io.agentfleet.worker.retry.RetryPolicy;
import io.agentfleet.worker.spi.AgentHandler;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's task path, one delivery at a time, as named steps: {@link DeliveryInspector inspect} the delivery (a
 * bad one is dead-lettered at once and never holds up the others), skip tasks of cancelled runs, {@link
 * HandlerInvoker invoke} the handler on a virtual thread, let the {@link RetryPolicy} decide on a failure, and hand
 * the {@link TaskCompletions completion} to the {@link OutcomeRecorder}. The slot of a delivery is freed when its
 * completion is handed over; the entry stays tracked (and its lease renewed) until the completion is written.
 */
public final class TaskProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(TaskProcessor.class);
    private static final int WARM_UP_ROUNDS = 2_000;
    private static final long WARM_UP_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private final AgentConfig agent;
    private final WorkerConfig worker;
    private final MessageCodec codec;
    private final OutcomeRecorder recorder;
    private final InFlight inFlight;
    private final FleetRedis redis;
    private final CancelCheckWarnings cancelWarnings;
    private final DeliveryInspector inspector;
    private final HandlerInvoker invoker;
    private final RetryPolicy retryPolicy;
    private final TaskCompletions completions;
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
        this.codec = codec;
        this.recorder = recorder;
        this.inFlight = inFlight;
        this.redis = redis;
        this.cancelWarnings = cancelWarnings;
        this.inspector = new DeliveryInspector(agent, codec, clock);
        CheckpointStore checkpoints = new CheckpointStore(worker, partition, redis, codec.mapper(), clock);
        this.invoker = new HandlerInvoker(
                agent,
                worker.consumerName(),
                partition.tasks(),
                handler,
                codec,
                metrics,
                clock,
                timer,
                tracing,
                task -> checkpoints.forAttempt(task.entryId(), task.message().taskId(), task.attempt()));
        this.retryPolicy = new RetryPolicy(new Backoff(agent.backoffBase(), agent.backoffMax()), clock);
        this.completions = new TaskCompletions(agent.agentType(), codec, clock, tracing);
    }

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
                AgentMessage decoded = codec.decodeTask(codec.encodeUtf8(request), agent.agentType());
                byte[] outcome = codec.encodeDecodable(
                        decoded.resultOf(agent.agentType(), output, Metadata.EMPTY.withLatencyMs(i)));
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
        Inspection inspection;
        try {
            inspection = inspector.inspect(delivery);
        } catch (RuntimeException e) {
            // A bug, not the message's fault: it must not stop the others.
            LOG.error("agent {}: could not process entry {}", agent.agentType(), delivery.entryId(), e);
            submit(completions.internalError(delivery, e));
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
        switch (inspection) {
            case Inspection.Run run -> run(run.task());
            case Inspection.Trimmed trimmed -> submit(completions.trimmed(delivery, trimmed.cause()));
            case Inspection.Invalid invalid -> submit(invalidLogged(delivery, invalid.cause()));
            case Inspection.Rejected rejected -> submit(deadLetter(rejected.task(), rejected.cause(), Metadata.EMPTY));
        }
    }

    private void run(Task task) {
        if (task.message().runId() != null && runCancelled(task.message().runId())) {
            submit(completions.cancelled(task));
        } else {
            invoker.invoke(task, outcome -> {
                if (outcome instanceof HandlerOutcome.LeaseLost lost) {
                    leaveToNewHolder(task, lost.reason());
                } else {
                    submit(complete(task, outcome));
                }
            });
        }
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

    /**
     * Another worker holds the entry now and answers the task: this attempt writes nothing (an acknowledgement or a
     * retry here would take the entry from under the new holder), frees its slot and stops renewing the entry.
     */
    private void leaveToNewHolder(Task task, String reason) {
        LOG.info(
                "agent {}: task {} left to its new holder: {}",
                agent.agentType(),
                task.message().taskId(),
                reason);
        inFlight.release(1);
        inFlight.forget(task.entryId());
    }

    private Completion complete(Task task, HandlerOutcome outcome) {
        return switch (outcome) {
            case HandlerOutcome.Succeeded s ->
                completions.result(
                        task,
                        s.result(),
                        s.elapsedNanos(),
                        failure -> failed(task, failure, s.result().usage()));
            case HandlerOutcome.Failed f -> failed(task, f.failure(), f.spent());
            case HandlerOutcome.TimedOut t ->
                decided(
                        task,
                        retryPolicy.afterTimeout(
                                agent.handlerTimeout(), task.attempt(), task.maxAttempts(), task.deadline()),
                        "TIMEOUT",
                        Metadata.EMPTY);
            case HandlerOutcome.LeaseLost lost ->
                throw new IllegalStateException("a lost lease has no completion: " + lost.reason());
        };
    }

    private Completion failed(Task task, Failure failure, Metadata spent) {
        RetryDecision decision = retryPolicy.afterFailure(failure, task.attempt(), task.maxAttempts(), task.deadline());
        return decided(task, decision, failure.type(), spent);
    }

    /** A dead letter's ERROR answer reports what the last attempt spent. */
    private Completion decided(Task task, RetryDecision decision, String failureType, Metadata spent) {
        return switch (decision) {
            case RetryDecision.RetryAt retry -> {
                LOG.debug(
                        "agent {}: task {} attempt {} failed ({}), retry in {} ms",
                        agent.agentType(),
                        task.message().taskId(),
                        task.attempt(),
                        failureType,
                        retry.delay().toMillis());
                yield completions.retry(task, retry.dueAt());
            }
            case RetryDecision.DeadLetter dead -> deadLetter(task, dead.cause(), spent);
        };
    }

    private Completion deadLetter(Task task, DeadLetterCause cause, Metadata spent) {
        LOG.info(
                "agent {}: task {} dead-lettered ({}) after attempt {}: {}",
                agent.agentType(),
                task.message().taskId(),
                cause.reason(),
                task.attempt(),
                cause.failure().message());
        return completions.deadLetter(task, cause, spent);
    }

    private Completion invalidLogged(Delivery delivery, DeadLetterCause cause) {
        Completion.Record record = completions.invalid(delivery, cause);
        LOG.info(
                "agent {}: entry {} (task {}) dead-lettered as invalid: {}",
                agent.agentType(),
                delivery.entryId(),
                record.taskId(),
                cause.failure().message());
        return record;
    }

    /** Every delivery ends in exactly one submission, which frees its slot; the entry is forgotten once written. */
    private void submit(Completion completion) {
        inFlight.release(1);
        String entryId = completion.entryId();
        recorder.submit(completion, () -> inFlight.forget(entryId));
    }
}
