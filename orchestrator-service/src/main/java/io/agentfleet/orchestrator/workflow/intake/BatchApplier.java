package io.agentfleet.orchestrator.workflow.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.workflow.RunService;
import io.agentfleet.orchestrator.workflow.engine.RunEngine;
import io.agentfleet.orchestrator.workflow.engine.WireIds;
import io.agentfleet.telemetry.LogContext;
import io.agentfleet.tracing.MessageTracing;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.models.stream.PendingMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of result entries: decodes them, groups them by run, applies each run's outcomes concurrently and
 * acknowledges an entry only once its run's transition was committed. An entry that cannot be applied is retried
 * through the group's pending list, and fails its run after {@value #MAX_APPLY_ATTEMPTS} deliveries.
 */
final class BatchApplier {
    private static final Logger LOG = LoggerFactory.getLogger(BatchApplier.class);
    private static final int MAX_RUNS_IN_FLIGHT = 2000;
    /** Deliveries of a result entry whose application throws before its run is failed instead. */
    private static final int MAX_APPLY_ATTEMPTS = 3;
    /** Error replies of a Redis that is loading, failing over or has lost its primary. */
    private static final List<String> UNAVAILABLE_REPLIES =
            List.of("LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN");

    private final FleetRedis redis;
    private final RunService runs;
    private final MessageCodec codec;
    private final MessageTracing tracing;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    /** Bounds the runs being applied at once, so a flood of results cannot exhaust memory. */
    private final Semaphore inFlight = new Semaphore(MAX_RUNS_IN_FLIGHT);

    BatchApplier(FleetRedis redis, RunService runs, MessageCodec codec, MessageTracing tracing) {
        this.redis = redis;
        this.runs = runs;
        this.codec = codec;
        this.tracing = tracing;
    }

    /** Applies a batch read from {@code stream}; {@code recovery} when it was claimed from another consumer. */
    void apply(String stream, List<StreamMessage<String, String>> batch, boolean recovery) {
        Map<String, List<AgentMessage>> byRun = new LinkedHashMap<>();
        Map<String, List<String>> idsByRun = new LinkedHashMap<>();
        List<String> ack = new ArrayList<>();
        for (StreamMessage<String, String> entry : batch) {
            AgentMessage outcome = decode(stream, entry);
            String runId = outcome == null ? null : runIdOf(outcome);
            if (runId == null) {
                ack.add(entry.getId());
                continue;
            }
            byRun.computeIfAbsent(runId, r -> new ArrayList<>()).add(outcome);
            idsByRun.computeIfAbsent(runId, r -> new ArrayList<>()).add(entry.getId());
        }
        if (!ack.isEmpty()) {
            redis.shared().async().xack(stream, StreamKeys.ORCHESTRATORS_GROUP, ack.toArray(String[]::new));
        }
        // Runs are applied concurrently and each acknowledges its own entries when committed, so the reader goes
        // straight back to XREADGROUP instead of waiting for the slowest run of the batch.
        byRun.forEach((runId, outcomes) -> {
            inFlight.acquireUninterruptibly();
            workers.submit(() -> {
                List<String> ids = idsByRun.get(runId);
                List<Span> spans = tracing.enabled() ? startSpans(stream, outcomes, ids) : null;
                if (LogContext.enabled()) {
                    AgentMessage first = outcomes.get(0);
                    LogContext.put(
                            outcomes.size() == 1 ? first.taskId() : null,
                            runId,
                            spans != null
                                    ? spans.get(0).getSpanContext().getTraceId()
                                    : MessageTracing.traceIdOf(first));
                }
                try {
                    runs.applyOutcomes(runId, outcomes, recovery);
                    redis.shared().async().xack(stream, StreamKeys.ORCHESTRATORS_GROUP, ids.toArray(String[]::new));
                } catch (RuntimeException e) {
                    applyFailed(stream, runId, outcomes, ids, e);
                    if (spans != null) {
                        spans.forEach(
                                s -> s.setStatus(StatusCode.ERROR, e.getClass().getSimpleName()));
                    }
                } finally {
                    if (spans != null) {
                        spans.forEach(Span::end);
                    }
                    if (LogContext.enabled()) {
                        LogContext.clear();
                    }
                    inFlight.release();
                }
            });
        });
    }

    /**
     * The run an outcome belongs to, or null when it is not an outcome of a run's task. An outcome without a runId
     * (a worker could read no more than the task id of a message it rejected) belongs to the run its wire task id names.
     */
    private static String runIdOf(AgentMessage outcome) {
        WireIds wire = WireIds.parse(outcome.taskId());
        if (wire == null) {
            return null;
        }
        return outcome.runId() != null ? outcome.runId() : wire.runId();
    }

    /**
     * An outcome whose application threw stays pending, so it is claimed and applied again after {@code claim-after}.
     * Once its entry was delivered {@value #MAX_APPLY_ATTEMPTS} times (by any replica), the run fails with the reason
     * and the entry is acknowledged: a run never waits on an outcome that cannot be applied. While Redis itself is
     * unavailable, nothing is wrong with the outcome and it is retried without limit.
     */
    private void applyFailed(
            String stream, String runId, List<AgentMessage> outcomes, List<String> ids, RuntimeException e) {
        String tasks =
                String.join(", ", outcomes.stream().map(BatchApplier::taskOf).toList());
        if (isRedisUnavailable(e)) {
            LOG.warn(
                    "run {}: applying the result of task {} failed, retried after claim-after: {}",
                    runId,
                    tasks,
                    e.toString());
            return;
        }
        long attempt = deliveries(stream, ids);
        if (attempt < MAX_APPLY_ATTEMPTS) {
            LOG.warn(
                    "run {}: applying the result of task {} failed (attempt {} of {}), retried after claim-after: {}",
                    runId,
                    tasks,
                    attempt,
                    MAX_APPLY_ATTEMPTS,
                    e.toString());
            return;
        }
        LOG.error(
                "run {}: applying the result of task {} failed (attempt {} of {}), failing the run",
                runId,
                tasks,
                attempt,
                MAX_APPLY_ATTEMPTS,
                e);
        ObjectNode error = RunEngine.failure(
                "INTERNAL_ERROR",
                "internal error applying the result of task " + tasks + ": "
                        + e.getClass().getSimpleName());
        error.put("task", taskOf(outcomes.get(0)));
        try {
            runs.fail(runId, error);
        } catch (RuntimeException again) {
            if (isRedisUnavailable(again)) {
                LOG.warn("run {}: failing the run failed, retried after claim-after: {}", runId, again.toString());
                return;
            }
            LOG.error(
                    "run {}: failing the run failed too, its result entries are dropped: {}", runId, again.toString());
        }
        redis.shared().async().xack(stream, StreamKeys.ORCHESTRATORS_GROUP, ids.toArray(String[]::new));
    }

    /** How often the entries were delivered so far (the most of any of them), from the group's pending list. */
    private long deliveries(String stream, List<String> ids) {
        long most = 0;
        for (String id : ids) {
            for (PendingMessage pending : redis.shared()
                    .sync()
                    .xpending(stream, StreamKeys.ORCHESTRATORS_GROUP, Range.create(id, id), Limit.from(1))) {
                most = Math.max(most, pending.getRedeliveryCount());
            }
        }
        return most;
    }

    private static String taskOf(AgentMessage outcome) {
        WireIds wire = WireIds.parse(outcome.taskId());
        return wire == null ? outcome.taskId() : wire.taskId();
    }

    /** Redis unreachable, timing out or failing over: says nothing about the outcome being applied. */
    private static boolean isRedisUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisConnectionException
                    || t instanceof RedisCommandTimeoutException
                    || t instanceof RedisCommandInterruptedException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && UNAVAILABLE_REPLIES.stream().anyMatch(message::startsWith)) {
                return true;
            }
        }
        return false;
    }

    /** A CONSUMER span per outcome, each a child of (and linked to) the worker span its message carries. */
    private List<Span> startSpans(String stream, List<AgentMessage> outcomes, List<String> ids) {
        List<Span> spans = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            spans.add(tracing.startProcess(stream, StreamKeys.ORCHESTRATORS_GROUP, ids.get(i), outcomes.get(i)));
        }
        return spans;
    }

    private AgentMessage decode(String stream, StreamMessage<String, String> entry) {
        try {
            return codec.decode(entry.getBody().get(StreamKeys.MESSAGE_FIELD));
        } catch (InvalidMessageException e) {
            LOG.warn("ignoring malformed outcome {} on {}: {}", entry.getId(), stream, e.getMessage());
            return null;
        }
    }

    /** Waits until every batch handed over so far has been applied (or has failed). */
    void awaitApplied() throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    void stop() {
        workers.shutdownNow();
    }
}
