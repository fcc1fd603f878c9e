package io.agentfleet.orchestrator.workflow.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetConnection;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.RedisErrors;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.KnownAgents;
import io.agentfleet.orchestrator.registry.KnownAgentsConfig;
import io.agentfleet.orchestrator.workflow.RunService;
import io.agentfleet.orchestrator.workflow.engine.RunEngine;
import io.agentfleet.orchestrator.workflow.engine.WireIds;
import io.agentfleet.telemetry.LogContext;
import io.agentfleet.tracing.MessageTracing;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.micronaut.context.annotation.Context;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads outcomes from every partition's results stream ({@code prefix:{A}:results}, {@code prefix:{A:p}:results})
 * through the consumer group {@code orchestrators}, shared by all replicas, reading in batches. Only known agent types
 * get a reader ({@link KnownAgents}): a run's dispatches name types validated at submission, and the types other
 * replicas put in use ({@code prefix:orchestrator:agents}) are read only if known here, so invented names cannot
 * open readers. The partitions read are re-checked every few seconds, so a raised partition count is picked up and
 * partitions no longer written drain. A batch's outcomes are grouped by run and applied concurrently; an entry is
 * acknowledged only after its run's transition was committed, so a replica killed mid-batch leaves its entries
 * pending, and another replica claims them after {@code claim-after} and replays them (a replayed outcome changes
 * nothing and only drains the run's outbox).
 *
 * <p>Connections are bounded: on one node or Sentinel, one blocking XREADGROUP on one connection reads up to {@code
 * streams-per-reader} (default 64) streams at once, so 50 agent types take one connection instead of 50. Measured
 * with ResultReadersBench (one worker serving 50 echo types, one-task runs over all of them, 2-core machine): one
 * connection per stream held 51 orchestrator connections, shared readers 2; the run duration's median was the same
 * (6-11 ms at 8 runs in flight, 23-26 ms at 32) and its tail moved more between sittings than between the two
 * layouts, so the shared reader is the default. A stream that joins a reader waits at most one {@code
 * read-block} for the reader's current call to return before it is read (no entry is lost: the group reads from its
 * last delivered entry). On a cluster one XREADGROUP may name only keys of one hash slot, and every partition has its
 * own tag, so each stream keeps a connection of its own: the count is bounded by the known types' partitions.
 */
@Context
public class ResultConsumer implements GracefulShutdownCapable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultConsumer.class);
    private static final int MAX_RUNS_IN_FLIGHT = 2000;
    /** Deliveries of a result entry whose application throws before its run is failed instead. */
    private static final int MAX_APPLY_ATTEMPTS = 3;
    /** Error replies of a Redis that is loading, failing over or has lost its primary. */
    private static final List<String> UNAVAILABLE_REPLIES =
            List.of("LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN");

    private final FleetRedis redis;
    private final RunService runs;
    private final MessageCodec codec;
    private final OrchestratorConfig config;
    private final StreamKeys keys;
    private final MessageTracing tracing;
    private final KnownAgents knownAgents;
    private final int streamsPerReader;
    /** Partitions being read, by {@link Partition#name()}. */
    private final Map<String, Partition> assigned = new ConcurrentHashMap<>();
    /** Guarded by itself; a reader only ever gains streams. */
    private final List<Reader> readers = new ArrayList<>();

    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    /** Bounds the runs being applied at once, so a flood of results cannot exhaust memory. */
    private final Semaphore inFlight = new Semaphore(MAX_RUNS_IN_FLIGHT);

    private final Thread maintenance;
    private volatile boolean running = true;

    public ResultConsumer(
            FleetRedis redis,
            RunService runs,
            MessageCodec codec,
            OrchestratorConfig config,
            MessageTracing tracing,
            KnownAgents knownAgents,
            KnownAgentsConfig agentsConfig) {
        this.redis = redis;
        this.tracing = tracing;
        this.runs = runs;
        this.codec = codec;
        this.config = config;
        this.keys = config.keys();
        this.knownAgents = knownAgents;
        this.streamsPerReader = redis.isCluster() ? 1 : agentsConfig.streamsPerReader();
        runs.onAgents(this::ensure);
        this.maintenance =
                Thread.ofVirtual().name("orchestrator-results-maintenance").start(this::maintain);
        LOG.info(
                "result consumer started as {}, reading up to {} result streams per connection",
                config.consumerName(),
                streamsPerReader);
    }

    /** One partition of an agent type. */
    private record Partition(String agent, int partition) {
        String name() {
            return StreamKeys.tag(agent, partition);
        }
    }

    /** One blocking XREADGROUP loop on its own connection, over the streams assigned to it. */
    private static final class Reader {
        final List<Partition> partitions = new CopyOnWriteArrayList<>();
        volatile FleetConnection<String, String> connection;
        Thread thread;
    }

    /**
     * Makes sure each partition of each agent type is read. Called with the types of a run's committed dispatches,
     * which were validated as known when the run was submitted or the planner added them.
     */
    public void ensure(Set<String> agents) {
        for (String agent : agents) {
            int partitions = runs.store().registry().forReading(agent);
            for (int p = 0; p < partitions; p++) {
                Partition part = new Partition(agent, p);
                if (!assigned.containsKey(part.name())) {
                    assign(part);
                }
            }
        }
    }

    private void assign(Partition part) {
        synchronized (readers) {
            if (assigned.containsKey(part.name())) {
                return;
            }
            createGroup(part);
            Reader last = readers.isEmpty() ? null : readers.get(readers.size() - 1);
            if (last != null && last.partitions.size() < streamsPerReader) {
                last.partitions.add(part);
            } else {
                Reader reader = new Reader();
                reader.partitions.add(part);
                readers.add(reader);
                reader.thread = Thread.ofVirtual()
                        .name("orchestrator-results-" + readers.size())
                        .start(() -> readLoop(reader));
            }
            assigned.put(part.name(), part);
        }
    }

    private void createGroup(Partition part) {
        // false: the group exists already (another replica or an earlier start created it).
        redis.createGroup(keys.results(part.agent(), part.partition()), StreamKeys.ORCHESTRATORS_GROUP, "0");
    }

    private void readLoop(Reader reader) {
        Consumer<String> me = Consumer.from(StreamKeys.ORCHESTRATORS_GROUP, config.consumerName());
        XReadArgs args = XReadArgs.Builder.count(config.readCount()).block(config.readBlock());
        while (running) {
            Map<String, Partition> byStream = new LinkedHashMap<>();
            reader.partitions.forEach(p -> byStream.put(keys.results(p.agent(), p.partition()), p));
            try {
                if (reader.connection == null) {
                    reader.connection = redis.dedicated();
                }
                List<StreamMessage<String, String>> batch =
                        reader.connection.sync().xreadgroup(me, args, offsets(byStream.keySet()));
                if (batch != null && !batch.isEmpty()) {
                    processByStream(byStream, batch);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                String message = RedisErrors.messageOf(e);
                if (message.contains("NOGROUP") || message.contains("UNBLOCKED")) {
                    // A stream or its group was deleted (e.g. FLUSHALL): recreate and go on reading.
                    try {
                        byStream.values().forEach(this::createGroup);
                    } catch (RuntimeException again) {
                        LOG.warn("recreating the groups of {} failed: {}", byStream.keySet(), again.toString());
                        sleep(Duration.ofMillis(500));
                    }
                } else {
                    LOG.warn("reading results from {} failed: {}", byStream.keySet(), e.toString());
                    sleep(Duration.ofMillis(500));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static XReadArgs.StreamOffset<String>[] offsets(Set<String> streams) {
        return streams.stream().map(XReadArgs.StreamOffset::lastConsumed).toArray(XReadArgs.StreamOffset[]::new);
    }

    private void processByStream(Map<String, Partition> byStream, List<StreamMessage<String, String>> batch) {
        Map<String, List<StreamMessage<String, String>>> grouped = new LinkedHashMap<>();
        for (StreamMessage<String, String> entry : batch) {
            grouped.computeIfAbsent(entry.getStream(), s -> new ArrayList<>()).add(entry);
        }
        grouped.forEach((stream, entries) -> {
            Partition part = byStream.get(stream);
            if (part != null) {
                process(part, entries, false);
            }
        });
    }

    /** Picks up agent types other replicas put in use, and claims outcomes a dead replica read but never acknowledged. */
    private void maintain() {
        long lastClaim = 0;
        while (running) {
            try {
                ensure(inUseAndKnown());
                if (System.currentTimeMillis() - lastClaim
                        >= config.claimAfter().toMillis() / 2) {
                    lastClaim = System.currentTimeMillis();
                    for (Partition part : assigned.values()) {
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

    /**
     * The types other replicas put in use that are known here: the in-use set may hold names an older version
     * accepted from requests, which must not open readers.
     */
    private Set<String> inUseAndKnown() {
        Set<String> known = knownAgents.all();
        Set<String> types = new TreeSet<>(runs.store().knownAgents());
        types.retainAll(known);
        return types;
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
                String.join(", ", outcomes.stream().map(ResultConsumer::taskOf).toList());
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

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM: stops reading and lets the outcomes already read be applied and acknowledged. Micronaut waits for this up
     * to {@code fleet.shutdown-grace}; an outcome still unacknowledged then is claimed by another replica.
     */
    @Override
    public CompletionStage<?> shutdownGracefully() {
        return CompletableFuture.runAsync(
                this::drain,
                r -> Thread.ofVirtual().name("orchestrator-results-drain").start(r));
    }

    private void drain() {
        running = false;
        // Neither is interrupted nor has its connection closed: Redis may already have moved entries to this
        // consumer's pending list for a read or claim in progress, and those must be processed, not dropped. A reader
        // sees running is false once its XREADGROUP returns, within read-block.
        List<Thread> threads = new ArrayList<>();
        synchronized (readers) {
            readers.forEach(reader -> threads.add(reader.thread));
        }
        threads.add(maintenance);
        try {
            for (Thread thread : threads) {
                thread.join();
            }
            workers.shutdown();
            workers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            // The acknowledgements went out asynchronously on the shared connection, which answers in order.
            redis.shared().sync().ping();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("acknowledging the last results before shutdown failed: {}", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        maintenance.interrupt();
        synchronized (readers) {
            for (Reader reader : readers) {
                reader.thread.interrupt();
                if (reader.connection != null) {
                    reader.connection.close();
                }
            }
        }
        workers.shutdownNow();
    }
}
