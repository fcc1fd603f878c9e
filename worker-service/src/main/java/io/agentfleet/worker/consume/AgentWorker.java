package io.agentfleet.worker.consume;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.telemetry.StreamGauges;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.metrics.AgentMetrics;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.ToolDescription;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that serves one agent type in this process: one {@link PartitionWorker} per partition of the type
 * (max(configured, registered) of them, re-checked every {@link #PARTITION_CHECK}), sharing one set of in-flight
 * slots. At start it registers the type in the fleet's registry and raises the type's registered partition count to
 * the configured one; partitions are only ever added here, so after the count is lowered elsewhere the old partitions
 * are still served until they drain.
 */
public final class AgentWorker {
    private static final Logger LOG = LoggerFactory.getLogger(AgentWorker.class);
    /** How often the stream gauges (length, lag, pending, delayed, dead letters) are sampled. */
    public static final Duration GAUGE_INTERVAL = Duration.ofSeconds(5);
    /** How often the registered partition count is read (and the registration repeated, e.g. after a flush). */
    public static final Duration PARTITION_CHECK = Duration.ofSeconds(5);

    private final AgentConfig agent;
    private final WorkerConfig worker;
    private final AgentHandler handler;
    private final FleetRedis redis;
    private final MessageCodec codec;
    private final AgentMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final MessageTracing tracing;
    private final InFlight slots;
    private final CancelCheckWarnings cancelWarnings = new CancelCheckWarnings();
    private final List<PartitionWorker> partitions = new CopyOnWriteArrayList<>();
    private final Periodic gauges;
    private final Periodic partitionCheck;
    private boolean started;
    private boolean stopping;

    public AgentWorker(
            AgentConfig agent,
            WorkerConfig worker,
            AgentHandler handler,
            FleetRedis redis,
            MessageCodec codec,
            AgentMetrics metrics,
            Clock clock,
            ScheduledExecutorService timer,
            MessageTracing tracing,
            StreamGauges streamGauges) {
        this.agent = agent;
        this.worker = worker;
        this.handler = handler;
        this.redis = redis;
        this.codec = codec;
        this.metrics = metrics;
        this.clock = clock;
        this.timer = timer;
        this.tracing = tracing;
        this.slots = new InFlight(agent.maxInFlight(), metrics.inFlight());
        streamGauges.of(agent.agentType());
        // Every served partition, one gauge series each (the metric's partition tag).
        this.gauges = new Periodic(
                "fleet-gauges-" + agent.agentType(),
                GAUGE_INTERVAL,
                () -> streamGauges.sample(Map.of(agent.agentType(), Math.max(1, partitions.size()))));
        this.partitionCheck =
                new Periodic("fleet-partitions-" + agent.agentType(), PARTITION_CHECK, this::checkPartitions);
    }

    public synchronized void start() {
        started = true;
        servePartitions(agent.partitions());
        gauges.start();
        partitionCheck.start();
        Thread.ofVirtual().name("fleet-register-" + agent.agentType()).start(() -> {
            try {
                checkPartitions();
            } catch (Exception e) {
                LOG.warn(
                        "agent {}: could not register the type and its partitions yet (retried every {} s): {}",
                        agent.agentType(),
                        PARTITION_CHECK.toSeconds(),
                        e.toString());
            }
        });
    }

    /**
     * Registers the type (SADD to the registry) and raises its registered partition count to the configured one,
     * then serves max(configured, registered) partitions.
     */
    void checkPartitions() throws Exception {
        // Before registering: an orchestrator that sees the type may at once accept agent tasks naming it as a tool.
        publishTool();
        redis.shared().async().sadd(worker.keys().agents(), agent.agentType()).get(10, TimeUnit.SECONDS);
        Long registered = redis.<Long>run(
                        FleetScripts.registerPartitions(worker.keys(), agent.agentType(), agent.partitions()),
                        ScriptOutputType.INTEGER)
                .get(10, TimeUnit.SECONDS);
        servePartitions(Math.max(agent.partitions(), registered == null ? 1 : registered.intValue()));
    }

    /** Publishes the handler's tool definition, so agent tasks may name the type as a tool. */
    private void publishTool() throws Exception {
        ToolDescription tool = handler.tool();
        if (tool != null) {
            redis.shared()
                    .async()
                    .hset(worker.keys().config(agent.agentType(), 0), StreamKeys.TOOL_FIELD, tool.toJson())
                    .get(10, TimeUnit.SECONDS);
        }
    }

    private synchronized void servePartitions(int count) {
        if (stopping || !started) {
            return;
        }
        int before = partitions.size();
        for (int p = before; p < count; p++) {
            AgentPartition partition = new AgentPartition(worker.keys(), agent.agentType(), p);
            PartitionWorker partitionWorker = new PartitionWorker(
                    agent,
                    worker,
                    partition,
                    handler,
                    redis,
                    p == 0 ? slots : slots.sharingSlots(),
                    this::share,
                    codec,
                    metrics,
                    clock,
                    timer,
                    tracing,
                    cancelWarnings);
            partitions.add(partitionWorker);
            partitionWorker.start();
        }
        if (before > 0 && partitions.size() > before) {
            LOG.info("agent {}: now serving {} partitions (was {})", agent.agentType(), partitions.size(), before);
        }
    }

    /** The most entries one partition's loop reads at once: an even share of the type's slots. */
    private int share() {
        int n = Math.max(1, partitions.size());
        return (agent.maxInFlight() + n - 1) / n;
    }

    public String agentType() {
        return agent.agentType();
    }

    /** How many partitions this process serves now. */
    public int partitionCount() {
        return partitions.size();
    }

    /** RUNNING when every partition's loop runs; otherwise the state of a loop that does not. */
    public LoopState state() {
        LoopState worst = LoopState.RUNNING;
        for (PartitionWorker p : partitions) {
            LoopState s = p.loop().state();
            if (s == LoopState.BACKING_OFF) {
                return s;
            }
            if (s != LoopState.RUNNING) {
                worst = s;
            }
        }
        return partitions.isEmpty() ? LoopState.STARTING : worst;
    }

    /** The longest time any partition's loop has gone without a successful read (or idle wait). */
    public Duration sinceHeartbeat() {
        Duration longest = Duration.ZERO;
        for (PartitionWorker p : partitions) {
            if (p.loop().state() != LoopState.STOPPED) {
                Duration since = p.loop().sinceHeartbeat();
                longest = since.compareTo(longest) > 0 ? since : longest;
            }
        }
        return longest;
    }

    /** The last read error of any partition's loop, or null. */
    public String lastError() {
        for (PartitionWorker p : partitions) {
            if (p.loop().lastError() != null) {
                return p.loop().lastError();
            }
        }
        return null;
    }

    public int inFlight() {
        return partitions.stream().mapToInt(PartitionWorker::inFlightCount).sum();
    }

    /** Stops taking new work: no more reads, reclaims or promotions. Leases stay renewed while in-flight tasks finish. */
    public void stopTaking() {
        synchronized (this) {
            stopping = true;
        }
        partitionCheck.stop();
        partitions.forEach(PartitionWorker::stopTaking);
        gauges.stop();
    }

    /** Waits (up to the deadline) for the loops to exit and every in-flight task to be recorded; true if all finished. */
    public boolean awaitFinished(long deadlineNanos) throws InterruptedException {
        for (PartitionWorker p : partitions) {
            p.awaitStopped(deadlineNanos);
        }
        boolean all = true;
        for (PartitionWorker p : partitions) {
            all &= p.awaitEmpty(deadlineNanos);
        }
        return all;
    }

    /** After the grace period: stop renewing and drop unwritten completions; the entries stay pending for others. */
    public void abandon() {
        partitions.forEach(PartitionWorker::abandon);
    }

    public void stopRenewing() {
        partitions.forEach(PartitionWorker::stopRenewing);
    }

    /**
     * Deletes this consumer from each partition's group where it has no pending entries; a consumer with pending
     * entries stays, so others can see and reclaim them.
     *
     * @return true when deleted from every partition's group
     */
    public boolean removeConsumerIfIdle() {
        boolean all = true;
        for (PartitionWorker p : partitions) {
            all &= p.removeConsumerIfIdle();
        }
        return all;
    }
}
