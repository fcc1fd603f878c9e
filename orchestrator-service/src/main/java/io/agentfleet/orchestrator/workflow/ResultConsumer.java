package io.agentfleet.orchestrator.workflow;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.redis.Redis;
import io.agentfleet.telemetry.LogContext;
import io.agentfleet.tracing.MessageTracing;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.micronaut.context.annotation.Context;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads outcomes from {@code prefix:{A}:results} through the consumer group {@code orchestrators}, shared by all
 * replicas: one loop per agent type in use, each on its own connection, reading in batches. A batch's outcomes are
 * grouped by run and applied concurrently; an entry is acknowledged only after its run's transition was committed,
 * so a replica killed mid-batch leaves its entries pending, and another replica claims them after
 * {@code claim-after} and replays them (a replayed outcome changes nothing and only drains the run's outbox).
 */
@Context
public class ResultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(ResultConsumer.class);
    private static final int MAX_RUNS_IN_FLIGHT = 2000;
    private static final Duration GONE_AFTER = Duration.ofHours(1);

    private final Redis redis;
    private final RunService runs;
    private final MessageCodec codec;
    private final OrchestratorConfig config;
    private final StreamKeys keys;
    private final MessageTracing tracing;
    private final Map<String, Thread> loops = new ConcurrentHashMap<>();
    private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    /** Bounds the runs being applied at once, so a flood of results cannot exhaust memory. */
    private final Semaphore inFlight = new Semaphore(MAX_RUNS_IN_FLIGHT);

    private final Thread maintenance;
    private volatile boolean running = true;

    public ResultConsumer(
            Redis redis, RunService runs, MessageCodec codec, OrchestratorConfig config, MessageTracing tracing) {
        this.redis = redis;
        this.tracing = tracing;
        this.runs = runs;
        this.codec = codec;
        this.config = config;
        this.keys = config.keys();
        runs.onAgents(this::ensure);
        this.maintenance =
                Thread.ofVirtual().name("orchestrator-results-maintenance").start(this::maintain);
        LOG.info("result consumer started as {}", config.consumerName());
    }

    /** Makes sure a reader loop runs for each agent type. */
    public void ensure(Set<String> agents) {
        for (String agent : agents) {
            if (!loops.containsKey(agent)) {
                loops.computeIfAbsent(agent, a -> {
                    createGroup(a);
                    return Thread.ofVirtual().name("orchestrator-results-" + a).start(() -> readLoop(a));
                });
            }
        }
    }

    private void createGroup(String agent) {
        try {
            redis.sync()
                    .xgroupCreate(
                            XReadArgs.StreamOffset.from(keys.results(agent), "0"),
                            StreamKeys.ORCHESTRATORS_GROUP,
                            XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // The group exists already: another replica or an earlier start created it.
        }
    }

    private void readLoop(String agent) {
        StatefulRedisConnection<String, String> connection = redis.dedicated();
        synchronized (connections) {
            connections.add(connection);
        }
        String stream = keys.results(agent);
        Consumer<String> me = Consumer.from(StreamKeys.ORCHESTRATORS_GROUP, config.consumerName());
        XReadArgs args = XReadArgs.Builder.count(config.readCount()).block(config.readBlock());
        while (running) {
            try {
                List<StreamMessage<String, String>> batch =
                        connection.sync().xreadgroup(me, args, XReadArgs.StreamOffset.lastConsumed(stream));
                if (batch != null && !batch.isEmpty()) {
                    process(agent, batch, false);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                String message = String.valueOf(e.getMessage());
                if (message.contains("NOGROUP") || message.contains("UNBLOCKED")) {
                    // The stream or its group was deleted (e.g. FLUSHALL): recreate and go on reading.
                    createGroup(agent);
                } else {
                    LOG.warn("reading results of agent type {} failed: {}", agent, e.toString());
                    sleep(Duration.ofMillis(500));
                }
            }
        }
    }

    /** Picks up agent types other replicas put in use, and claims outcomes a dead replica read but never acknowledged. */
    private void maintain() {
        long lastClaim = 0;
        while (running) {
            try {
                ensure(Set.copyOf(runs.store().knownAgents()));
                if (System.currentTimeMillis() - lastClaim
                        >= config.claimAfter().toMillis() / 2) {
                    lastClaim = System.currentTimeMillis();
                    for (String agent : loops.keySet()) {
                        claimAbandoned(agent);
                        forgetGoneConsumers(agent);
                    }
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("result consumer maintenance failed: {}", e.toString());
                }
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    /** Removes consumers of replicas long gone (nothing pending, idle over an hour), so the group does not grow forever. */
    private void forgetGoneConsumers(String agent) {
        String stream = keys.results(agent);
        try {
            for (Object info : redis.sync().xinfoConsumers(stream, StreamKeys.ORCHESTRATORS_GROUP)) {
                if (!(info instanceof List<?> fields)) {
                    continue;
                }
                Map<String, Object> f = new LinkedHashMap<>();
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    f.put(String.valueOf(fields.get(i)), fields.get(i + 1));
                }
                String name = String.valueOf(f.get("name"));
                long pending = f.get("pending") instanceof Number n ? n.longValue() : -1;
                long idle = f.get("idle") instanceof Number n ? n.longValue() : -1;
                if (!name.equals(config.consumerName()) && pending == 0 && idle > GONE_AFTER.toMillis()) {
                    redis.sync().xgroupDelconsumer(stream, Consumer.from(StreamKeys.ORCHESTRATORS_GROUP, name));
                }
            }
        } catch (RedisCommandExecutionException e) {
            // No stream or group yet.
        }
    }

    private void claimAbandoned(String agent) {
        String stream = keys.results(agent);
        String cursor = "0-0";
        for (int page = 0; page < 100 && running; page++) {
            ClaimedMessages<String, String> claimed;
            try {
                claimed = redis.sync()
                        .xautoclaim(
                                stream,
                                XAutoClaimArgs.Builder.xautoclaim(
                                                Consumer.from(StreamKeys.ORCHESTRATORS_GROUP, config.consumerName()),
                                                config.claimAfter(),
                                                cursor)
                                        .count(100));
            } catch (RedisCommandExecutionException e) {
                if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                    createGroup(agent);
                    return;
                }
                throw e;
            }
            List<StreamMessage<String, String>> messages = claimed.getMessages().stream()
                    .filter(m -> m.getBody() != null)
                    .toList();
            if (!messages.isEmpty()) {
                LOG.info(
                        "claimed {} unacknowledged outcomes of agent type {} from other consumers",
                        messages.size(),
                        agent);
                process(agent, messages, true);
            }
            cursor = claimed.getId();
            if (cursor == null || cursor.equals("0-0")) {
                return;
            }
        }
    }

    private void process(String agent, List<StreamMessage<String, String>> batch, boolean recovery) {
        Map<String, List<AgentMessage>> byRun = new LinkedHashMap<>();
        Map<String, List<String>> idsByRun = new LinkedHashMap<>();
        List<String> ack = new ArrayList<>();
        for (StreamMessage<String, String> entry : batch) {
            AgentMessage outcome = decode(agent, entry);
            if (outcome == null || outcome.runId() == null || WireIds.parse(outcome.taskId()) == null) {
                ack.add(entry.getId());
                continue;
            }
            byRun.computeIfAbsent(outcome.runId(), r -> new ArrayList<>()).add(outcome);
            idsByRun.computeIfAbsent(outcome.runId(), r -> new ArrayList<>()).add(entry.getId());
        }
        if (!ack.isEmpty()) {
            redis.async().xack(keys.results(agent), StreamKeys.ORCHESTRATORS_GROUP, ack.toArray(String[]::new));
        }
        // Runs are applied concurrently and each acknowledges its own entries when committed, so the reader goes
        // straight back to XREADGROUP instead of waiting for the slowest run of the batch.
        byRun.forEach((runId, outcomes) -> {
            inFlight.acquireUninterruptibly();
            workers.submit(() -> {
                List<String> ids = idsByRun.get(runId);
                List<Span> spans = tracing.enabled() ? startSpans(agent, outcomes, ids) : null;
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
                    redis.async().xack(keys.results(agent), StreamKeys.ORCHESTRATORS_GROUP, ids.toArray(String[]::new));
                } catch (RuntimeException e) {
                    // Left unacknowledged: claimed and replayed after claim-after.
                    LOG.warn("run {}: applying {} outcomes failed: {}", runId, outcomes.size(), e.toString());
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

    /** A CONSUMER span per outcome, each a child of (and linked to) the worker span its message carries. */
    private List<Span> startSpans(String agent, List<AgentMessage> outcomes, List<String> ids) {
        String stream = keys.results(agent);
        List<Span> spans = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            spans.add(tracing.startProcess(stream, StreamKeys.ORCHESTRATORS_GROUP, ids.get(i), outcomes.get(i)));
        }
        return spans;
    }

    private AgentMessage decode(String agent, StreamMessage<String, String> entry) {
        try {
            return codec.decode(entry.getBody().get(StreamKeys.MESSAGE_FIELD));
        } catch (InvalidMessageException e) {
            LOG.warn("ignoring malformed outcome {} on {}: {}", entry.getId(), keys.results(agent), e.getMessage());
            return null;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        maintenance.interrupt();
        loops.values().forEach(Thread::interrupt);
        synchronized (connections) {
            connections.forEach(StatefulRedisConnection::close);
        }
        workers.shutdownNow();
    }
}
