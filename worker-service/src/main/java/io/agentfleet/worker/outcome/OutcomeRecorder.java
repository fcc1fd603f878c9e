package io.agentfleet.worker.outcome;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.RedisErrors;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.metrics.AgentMetrics;
import io.agentfleet.worker.metrics.TaskOutcome;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes completions of one partition of an agent type to Redis in batches: whatever completed while the previous write was on the
 * wire goes out as ONE RECORD_OUTCOMES call (plus one pipelined RETRY per retry), so there is no timer adding
 * latency and batches grow with load. A write that fails (Redis down, failover) is retried with backoff; completions
 * are never dropped unless {@link #abandon()} was called at the end of the shutdown grace.
 *
 * <p>With {@code FLEET_REDIS_WAIT_REPLICAS} set, each batch is followed by a WAIT on the node that took it; fewer
 * acknowledgements than asked are logged and counted ({@code fleet_worker_outcomes_unreplicated_total}), and the
 * worker goes on: the outcomes are written, only their survival of a failover is not assured.
 *
 * <p>A record's arguments are UTF-8 encoded by the thread that submits it (a handler's thread), so the connection's
 * single I/O thread, which also runs the write callbacks and most flushes, only copies bytes.
 */
public final class OutcomeRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);
    public static final int MAX_BATCH = 256;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final AgentConfig agent;
    private final AgentPartition partition;
    private final FleetRedis redis;
    private final AgentMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final OutcomeArgs args;
    private final ReplicaWait replicaWait;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Items of a failed write, retried before anything newer; touched only by the one running flush. */
    private final ArrayDeque<Pending> carry = new ArrayDeque<>();

    private final AtomicBoolean flushing = new AtomicBoolean();
    private volatile boolean abandoned;
    private Duration backoff = FIRST_BACKOFF;
    private int consecutiveFailures;

    public OutcomeRecorder(
            AgentConfig agent,
            WorkerConfig worker,
            AgentPartition partition,
            FleetRedis redis,
            AgentMetrics metrics,
            Clock clock,
            ScheduledExecutorService timer) {
        this.agent = agent;
        this.partition = partition;
        this.redis = redis;
        this.metrics = metrics;
        this.clock = clock;
        this.timer = timer;
        this.args = new OutcomeArgs(worker, partition);
        this.replicaWait = new ReplicaWait(partition, redis, metrics);
    }

    /** Queues {@code completion} for the next write; {@code onWritten} runs once it is written or found a duplicate. */
    public void submit(Completion completion, Runnable onWritten) {
        if (abandoned) {
            return;
        }
        queue.add(new Pending(
                completion, completion instanceof Completion.Record r ? OutcomeArgs.encode(r) : null, onWritten));
        maybeFlush();
    }

    /** Encodes a result record's arguments without submitting it: part of the worker's start-up warm-up. */
    public void warmUp(String taskId, byte[] outcome) {
        OutcomeArgs.encode(Completion.answer("0-1", taskId, outcome, 1, TaskOutcome.RESULT));
    }

    /** A submitted completion; for a record, its RECORD_OUTCOMES arguments already encoded. */
    private record Pending(Completion completion, byte[][] encoded, Runnable onWritten) {}

    /** Drops everything not yet written: the shutdown grace is over and the entries stay pending for others. */
    public void abandon() {
        abandoned = true;
        queue.clear();
    }

    private void maybeFlush() {
        while (!queue.isEmpty() && !abandoned && flushing.compareAndSet(false, true)) {
            if (!flush()) {
                return;
            }
        }
    }

    /** Sends one batch; returns false when the batch went out (completion continues asynchronously). */
    private boolean flush() {
        List<Pending> records = new ArrayList<>();
        List<Pending> retries = new ArrayList<>();
        takeBatch(records, retries);
        if (records.isEmpty() && retries.isEmpty()) {
            flushing.set(false);
            return true;
        }
        List<CompletableFuture<?>> writes = new ArrayList<>(retries.size() + 1);
        CompletableFuture<List<Object>> recordWrite = records.isEmpty() ? null : writeRecords(records);
        if (recordWrite != null) {
            writes.add(recordWrite);
        }
        List<CompletableFuture<Long>> retryWrites = new ArrayList<>(retries.size());
        for (Pending retry : retries) {
            CompletableFuture<Long> write = writeRetry((Completion.Retry) retry.completion());
            retryWrites.add(write);
            writes.add(write);
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .handle((ignored, error) -> error == null
                        ? replicaWait.after(records.size() + retries.size())
                        : CompletableFuture.<Void>completedFuture(null))
                .thenCompose(f -> f)
                .whenComplete((ignored, error) -> afterWrite(records, recordWrite, retries, retryWrites));
        return false;
    }

    private void takeBatch(List<Pending> records, List<Pending> retries) {
        int taken = 0;
        while (taken < MAX_BATCH) {
            Pending next = carry.isEmpty() ? queue.poll() : carry.poll();
            if (next == null) {
                break;
            }
            switch (next.completion()) {
                case Completion.Record r -> records.add(next);
                case Completion.Retry r -> retries.add(next);
            }
            taken++;
        }
    }

    private CompletableFuture<List<Object>> writeRecords(List<Pending> records) {
        List<String> taskIds = new ArrayList<>(records.size());
        List<byte[][]> encoded = new ArrayList<>(records.size());
        for (Pending pending : records) {
            taskIds.add(((Completion.Record) pending.completion()).taskId());
            encoded.add(pending.encoded());
        }
        return redis.run(args.recordOutcomes(taskIds, encoded, clock.millis()), ScriptOutputType.MULTI);
    }

    private CompletableFuture<Long> writeRetry(Completion.Retry retry) {
        return redis.run(args.retry(retry), ScriptOutputType.INTEGER);
    }

    private void afterWrite(
            List<Pending> records,
            CompletableFuture<List<Object>> recordWrite,
            List<Pending> retries,
            List<CompletableFuture<Long>> retryWrites) {
        Throwable failure = null;
        try {
            if (recordWrite != null) {
                if (recordWrite.isCompletedExceptionally()) {
                    failure = causeOf(recordWrite);
                    carry.addAll(records);
                } else {
                    recorded(records, recordWrite.join());
                }
            }
            for (int i = 0; i < retries.size(); i++) {
                CompletableFuture<Long> write = retryWrites.get(i);
                if (write.isCompletedExceptionally()) {
                    failure = causeOf(write);
                    carry.add(retries.get(i));
                } else {
                    scheduled(retries.get(i), write.join());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("agent {}: unexpected error handling a write reply", agent.agentType(), e);
        }
        if (failure != null && !abandoned) {
            retryLater(failure);
            return;
        }
        consecutiveFailures = 0;
        backoff = FIRST_BACKOFF;
        flushing.set(false);
        maybeFlush();
    }

    private void recorded(List<Pending> records, List<Object> codes) {
        for (int i = 0; i < records.size(); i++) {
            Completion.Record r = (Completion.Record) records.get(i).completion();
            long code = i < codes.size() && codes.get(i) instanceof Long l ? l : 1;
            if (code == 0) {
                metrics.outcome(TaskOutcome.DUPLICATE);
                LOG.debug("agent {}: task {} already had an outcome; duplicate dropped", agent.agentType(), r.taskId());
            } else {
                metrics.outcome(r.kind());
                if (r.deadReason() != null) {
                    metrics.deadLetter(r.deadReason());
                }
            }
            runQuietly(records.get(i).onWritten());
        }
    }

    private void scheduled(Pending retry, Long code) {
        metrics.outcome(code != null && code == 0 ? TaskOutcome.DUPLICATE : TaskOutcome.RETRY);
        runQuietly(retry.onWritten());
    }

    private void retryLater(Throwable failure) {
        consecutiveFailures++;
        if (consecutiveFailures == 1 || consecutiveFailures % 20 == 0) {
            LOG.warn(
                    "agent {}: writing {} completion(s) failed ({} time(s) in a row), retrying in {} ms: {}",
                    partition.label(),
                    carry.size(),
                    consecutiveFailures,
                    backoff.toMillis(),
                    RedisErrors.messageOf(failure));
        }
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        timer.schedule(
                () -> {
                    if (abandoned) {
                        carry.clear();
                        flushing.set(false);
                        return;
                    }
                    if (flush()) {
                        maybeFlush();
                    }
                },
                wait.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static Throwable causeOf(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (RuntimeException e) {
            return RedisErrors.unwrap(e);
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("completion callback failed", e);
        }
    }
}
