package io.agentfleet.orchestrator.workflow;

import io.agentfleet.lettuce.FleetConnection;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.RedisErrors;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.telemetry.LogContext;
import io.agentfleet.tracing.MessageTracing;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
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
 * Reads outcomes from every partition's results stream ({@code prefix:{A}:results}, {@code prefix:{A:p}:results})
 * through the consumer group {@code orchestrators}, shared by all replicas: one loop per partition of each agent type
 * in use, each on its own connection (on a cluster, a cluster connection of its own, so the blocking read goes to the
 * primary of the stream's slot), reading in batches. The partitions read are re-checked every few seconds, so a
 * raised partition count is picked up and partitions no longer written drain. A batch's outcomes are
 * grouped by run and applied concurrently; an entry is acknowledged only after its run's transition was committed,
 * so a replica killed mid-batch leaves its entries pending, and another replica claims them after
 * {@code claim-after} and replays them (a replayed outcome changes nothing and only drains the run's outbox).
 */
@Context
public class ResultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(ResultConsumer.class);
    private static final int MAX_RUNS_IN_FLIGHT = 2000;

    private final FleetRedis redis;
    private final RunService runs;
    private final MessageCodec codec;
    private final OrchestratorConfig config;
    private final StreamKeys keys;
    private final MessageTracing tracing;
    private final Map<String, Thread> loops = new ConcurrentHashMap<>();
    private final List<FleetConnection<String, String>> connections = new ArrayList<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    /** Bounds the runs being applied at once, so a flood of results cannot exhaust memory. */
    private final Semaphore inFlight = new Semaphore(MAX_RUNS_IN_FLIGHT);

    private final Thread maintenance;
    private volatile boolean running = true;

    public ResultConsumer(
            FleetRedis redis, RunService runs, MessageCodec codec, OrchestratorConfig config, MessageTracing tracing) {
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

    /** One partition of an agent type. */
    private record Partition(String agent, int partition) {
        String name() {
            return StreamKeys.tag(agent, partition);
        }
    }

    /** Makes sure a reader loop runs for each partition of each agent type. */
    public void ensure(Set<String> agents) {
        for (String agent : agents) {
            int partitions = runs.store().registry().forReading(agent);
            for (int p = 0; p < partitions; p++) {
                Partition part = new Partition(agent, p);
                if (!loops.containsKey(part.name())) {
                    loops.computeIfAbsent(part.name(), n -> {
                        createGroup(part);
                        return Thread.ofVirtual()
                                .name("orchestrator-results-" + n)
                                .start(() -> readLoop(part));
                    });
                }
            }
        }
    }

    private void createGroup(Partition part) {
        // false: the group exists already (another replica or an earlier start created it).
        redis.createGroup(keys.results(part.agent(), part.partition()), StreamKeys.ORCHESTRATORS_GROUP, "0");
    }

    private void readLoop(Partition part) {
        FleetConnection<String, String> connection = redis.dedicated();
        synchronized (connections) {
            connections.add(connection);
        }
        String agent = part.agent();
        String stream = keys.results(agent, part.partition());
        Consumer<String> me = Consumer.from(StreamKeys.ORCHESTRATORS_GROUP, config.consumerName());
        XReadArgs args = XReadArgs.Builder.count(config.readCount()).block(config.readBlock());
        while (running) {
            try {
                List<StreamMessage<String, String>> batch =
                        connection.sync().xreadgroup(me, args, XReadArgs.StreamOffset.lastConsumed(stream));
                if (batch != null && !batch.isEmpty()) {
                    process(part, batch, false);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                String message = RedisErrors.messageOf(e);
                if (message.contains("NOGROUP") || message.contains("UNBLOCKED")) {
                    // The stream or its group was deleted (e.g. FLUSHALL): recreate and go on reading.
                    try {
                        createGroup(part);
                    } catch (RuntimeException again) {
                        LOG.warn("recreating the group of {} failed: {}", stream, again.toString());
                        sleep(Duration.ofMillis(500));
                    }
                } else {
                    LOG.warn("reading results from {} failed: {}", stream, e.toString());
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
                    for (String name : loops.keySet()) {
                        Partition part = partitionNamed(name);
                        claimAbandoned(part);
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

    private static Partition partitionNamed(String name) {
        int colon = name.indexOf(':');
        return colon < 0
                ? new Partition(name, 0)
                : new Partition(name.substring(0, colon), Integer.parseInt(name.substring(colon + 1)));
    }

    private void claimAbandoned(Partition part) {
        String stream = keys.results(part.agent(), part.partition());
        String cursor = "0-0";
        for (int page = 0; page < 100 && running; page++) {
            ClaimedMessages<String, String> claimed;
            try {
                claimed = redis.shared()
                        .sync()
                        .xautoclaim(
                                stream,
                                XAutoClaimArgs.Builder.xautoclaim(
                                                Consumer.from(StreamKeys.ORCHESTRATORS_GROUP, config.consumerName()),
                                                config.claimAfter(),
                                                cursor)
                                        .count(100));
            } catch (RedisCommandExecutionException e) {
                if (RedisErrors.isNoGroup(e)) {
                    createGroup(part);
                    return;
                }
                throw e;
            }
            List<StreamMessage<String, String>> messages = claimed.getMessages().stream()
                    .filter(m -> m.getBody() != null)
                    .toList();
            if (!messages.isEmpty()) {
                LOG.info("claimed {} unacknowledged outcomes from {} of other consumers", messages.size(), stream);
                process(part, messages, true);
            }
            cursor = claimed.getId();
            if (cursor == null || cursor.equals("0-0")) {
                return;
            }
        }
    }

    private void process(Partition part, List<StreamMessage<String, String>> batch, boolean recovery) {
        String agent = part.agent();
        String stream = keys.results(agent, part.partition());
        Map<String, List<AgentMessage>> byRun = new LinkedHashMap<>();
        Map<String, List<String>> idsByRun = new LinkedHashMap<>();
        List<String> ack = new ArrayList<>();
        for (StreamMessage<String, String> entry : batch) {
            AgentMessage outcome = decode(stream, entry);
            if (outcome == null || outcome.runId() == null || WireIds.parse(outcome.taskId()) == null) {
                ack.add(entry.getId());
                continue;
            }
            byRun.computeIfAbsent(outcome.runId(), r -> new ArrayList<>()).add(outcome);
            idsByRun.computeIfAbsent(outcome.runId(), r -> new ArrayList<>()).add(entry.getId());
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
            connections.forEach(FleetConnection::close);
        }
        workers.shutdownNow();
    }
}
