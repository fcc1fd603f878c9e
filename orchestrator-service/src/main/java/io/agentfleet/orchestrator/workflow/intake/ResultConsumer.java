package io.agentfleet.orchestrator.workflow.intake;

import io.agentfleet.lettuce.FleetConnection;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.RedisErrors;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.AgentRegistry;
import io.agentfleet.orchestrator.registry.KnownAgents;
import io.agentfleet.orchestrator.registry.KnownAgentsConfig;
import io.agentfleet.orchestrator.workflow.RunService;
import io.agentfleet.orchestrator.workflow.store.AgentsInUse;
import io.agentfleet.tracing.MessageTracing;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.micronaut.context.annotation.Context;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
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

    private final FleetRedis redis;
    private final OrchestratorConfig config;
    private final StreamKeys keys;
    private final KnownAgents knownAgents;
    private final AgentRegistry registry;
    private final AgentsInUse agentsInUse;
    private final int streamsPerReader;
    /** Partitions being read, by {@link Partition#name()}. */
    private final Map<String, Partition> assigned = new ConcurrentHashMap<>();
    /** Guarded by itself; a reader only ever gains streams. */
    private final List<Reader> readers = new ArrayList<>();

    private final BatchApplier applier;

    private final Thread maintenance;
    private volatile boolean running = true;

    public ResultConsumer(
            FleetRedis redis,
            RunService runs,
            MessageCodec codec,
            OrchestratorConfig config,
            MessageTracing tracing,
            KnownAgents knownAgents,
            KnownAgentsConfig agentsConfig,
            AgentRegistry registry,
            AgentsInUse agentsInUse) {
        this.redis = redis;
        this.applier = new BatchApplier(redis, runs, codec, tracing);
        this.config = config;
        this.keys = config.keys();
        this.knownAgents = knownAgents;
        this.registry = registry;
        this.agentsInUse = agentsInUse;
        this.streamsPerReader = redis.isCluster() ? 1 : agentsConfig.streamsPerReader();
        runs.onAgents(this::ensure);
        this.maintenance =
                Thread.ofVirtual().name("orchestrator-results-maintenance").start(this::maintain);
        LOG.info(
                "result consumer started as {}, reading up to {} result streams per connection",
                config.intake().consumerName(),
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
            int partitions = registry.forReading(agent);
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
        Consumer<String> me =
                Consumer.from(StreamKeys.ORCHESTRATORS_GROUP, config.intake().consumerName());
        XReadArgs args = XReadArgs.Builder.count(config.intake().readCount())
                .block(config.intake().readBlock());
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
                applier.apply(stream, entries, false);
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
                        >= config.intake().claimAfter().toMillis() / 2) {
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
        Set<String> types = new TreeSet<>(agentsInUse.all());
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
                                                Consumer.from(
                                                        StreamKeys.ORCHESTRATORS_GROUP,
                                                        config.intake().consumerName()),
                                                config.intake().claimAfter(),
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
                applier.apply(stream, messages, true);
            }
            cursor = claimed.getId();
            if (cursor == null || cursor.equals("0-0")) {
                return;
            }
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
            applier.awaitApplied();
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
        applier.stop();
    }
}
