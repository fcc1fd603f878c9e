package io.agentfleet.worker.consume;

import io.agentfleet.lettuce.FleetConnection;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.RedisErrors;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.WorkerConfig;
import io.lettuce.core.Consumer;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop of one partition of an agent type, on its own connection (on a cluster, its own cluster
 * connection, so the blocking read goes to the partition's primary): waits for a free slot, then reads the
 * partition's three priority streams through a {@link LevelReader} for n entries at most, n the free slots but at
 * most this loop's share of the type's slots — never more entries than can run at once, and no partition crowds out
 * the others — and hands each level's entries to that level's {@link TaskProcessor}. It supervises itself: a Redis
 * error (restart, failover) makes it back off and retry; {@code NOGROUP} (a stream was flushed) makes it recreate the
 * groups with MKSTREAM and go on.
 */
public final class ConsumerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final AgentConfig agent;
    private final WorkerConfig worker;
    private final AgentPartition partition;
    private final FleetRedis redis;
    private final List<Lane> lanes;
    private final InFlight slots;
    private final IntSupplier share;
    private final TaskProcessor warmUpProcessor;
    private final LevelReader reader;
    private final String streams;
    private volatile boolean stopping;
    private volatile LoopState state = LoopState.STARTING;
    private volatile long lastHeartbeatNanos = System.nanoTime();
    private volatile String lastError;
    private boolean warmedUp;

    public ConsumerLoop(
            AgentConfig agent,
            WorkerConfig worker,
            AgentPartition partition,
            FleetRedis redis,
            List<Lane> lanes,
            IntSupplier share) {
        this.agent = agent;
        this.worker = worker;
        this.partition = partition;
        this.redis = redis;
        this.lanes = List.copyOf(lanes);
        // Every lane's in-flight set draws on the same slots.
        this.slots = lanes.getFirst().inFlight();
        this.share = share;
        // The per-task code is the same on every level: warming one processor up warms it for all.
        this.warmUpProcessor = lanes.getFirst().processor();
        String[] byLevel = new String[Priority.values().length];
        for (Lane lane : lanes) {
            byLevel[lane.priority().ordinal()] = lane.stream();
        }
        this.reader = new LevelReader(byLevel, worker.consumerName(), worker.readBlock());
        this.streams = String.join(", ", byLevel);
    }

    @Override
    public void run() {
        FleetConnection<String, byte[]> connection = null;
        boolean groupReady = false;
        Duration backoff = FIRST_BACKOFF;
        while (!stopping) {
            try {
                if (connection == null) {
                    connection = redis.dedicatedBytes();
                }
                RedisClusterCommands<String, byte[]> commands = connection.sync();
                if (!groupReady) {
                    prepare(connection);
                    groupReady = true;
                }
                readOnce(commands);
                backoff = FIRST_BACKOFF;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                if (stopping) {
                    break;
                }
                lastError = RedisErrors.messageOf(e);
                if (RedisErrors.isNoGroup(e)) {
                    LOG.warn(
                            "agent {}: consumer group {} of {} is gone (was Redis flushed?); recreating it",
                            partition.label(),
                            StreamKeys.WORKERS_GROUP,
                            streams);
                    groupReady = false;
                    continue;
                }
                state = LoopState.BACKING_OFF;
                LOG.warn(
                        "agent {}: reading {} failed, retrying in {} ms: {}",
                        partition.label(),
                        streams,
                        backoff.toMillis(),
                        lastError);
                if (!sleep(jittered(backoff))) {
                    break;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        state = LoopState.STOPPED;
        if (connection != null) {
            connection.close();
        }
        LOG.info("agent {}: consumer loop stopped", partition.label());
    }

    private void readOnce(RedisClusterCommands<String, byte[]> commands) throws InterruptedException {
        if (inFlightCount() >= 2 * agent.maxInFlight()) {
            // Completions are waiting to be written (Redis slow or down): do not take more work meanwhile.
            Thread.sleep(1);
            heartbeat();
            return;
        }
        int free = Math.min(slots.awaitFree(worker.readBlock()), Math.max(1, share.getAsInt()));
        if (free == 0) {
            // Every slot is busy: the loop is healthy, just full.
            heartbeat();
            return;
        }
        if (stopping) {
            return;
        }
        List<List<Delivery>> byLevel = reader.read(commands, free);
        int got = byLevel.stream().mapToInt(List::size).sum();
        slots.take(got);
        heartbeat();
        for (Lane lane : lanes) {
            List<Delivery> deliveries = byLevel.get(lane.priority().ordinal());
            if (!deliveries.isEmpty()) {
                lane.processor().dispatch(deliveries);
            }
        }
    }

    private int inFlightCount() {
        int count = 0;
        for (Lane lane : lanes) {
            count += lane.inFlight().count();
        }
        return count;
    }

    /**
     * Creates the group on each level's stream (from the stream's start, so tasks enqueued before any worker ran are
     * served) and the config.
     */
    private void prepare(FleetConnection<String, byte[]> connection) {
        for (Lane lane : lanes) {
            if (FleetRedis.createGroup(connection, lane.stream(), StreamKeys.WORKERS_GROUP, "0")) {
                LOG.info(
                        "agent {}: created consumer group {} on {}",
                        partition.label(),
                        StreamKeys.WORKERS_GROUP,
                        lane.stream());
            }
        }
        if (!warmedUp) {
            warmedUp = true;
            // Beside the first read, not before it: a fresh process reads as soon as its group is ready.
            Thread.ofVirtual().name("fleet-warm-up-" + partition.label()).start(this::warmUp);
        }
        RedisClusterCommands<String, byte[]> commands = connection.sync();
        // Registers this consumer at once (a blocked XREADGROUP does not), so status, KEDA and operators see it.
        for (Lane lane : lanes) {
            commands.xgroupCreateconsumer(
                    lane.stream(), Consumer.from(StreamKeys.WORKERS_GROUP, worker.consumerName()));
        }
        agent.maxBacklog()
                .ifPresent(bound -> commands.hset(
                        partition.config(),
                        StreamKeys.MAX_BACKLOG_FIELD,
                        Long.toString(bound).getBytes(StandardCharsets.UTF_8)));
        state = LoopState.RUNNING;
        heartbeat();
        LOG.info(
                "agent {}: consumer {} reading {} (max in flight {})",
                partition.label(),
                worker.consumerName(),
                streams,
                agent.maxInFlight());
    }

    /**
     * Once, beside the first read: caches the scripts the worker runs (on every primary of a cluster), so the first
     * outcomes need no EVAL fallback after a NOSCRIPT round trip, and lets the processor warm up its per-task code.
     * Best effort: failures only cost speed (an outcome written before its script is cached falls back to EVAL).
     */
    private void warmUp() {
        redis.loadScripts(List.of(
                FleetScripts.RECORD_OUTCOMES, FleetScripts.RETRY, FleetScripts.PROMOTE, LevelReader.READ_LEVELS));
        warmUpProcessor.warmUp();
    }

    private void heartbeat() {
        lastHeartbeatNanos = System.nanoTime();
        state = LoopState.RUNNING;
    }

    /** Stop reading; the loop exits after its current read returns (within the read block time). */
    public void stop() {
        stopping = true;
    }

    public LoopState state() {
        return state;
    }

    /** Time since the last successful read (or idle wait with every slot busy). */
    public Duration sinceHeartbeat() {
        return Duration.ofNanos(System.nanoTime() - lastHeartbeatNanos);
    }

    public String lastError() {
        return lastError;
    }

    private static Duration jittered(Duration d) {
        long ms = d.toMillis();
        return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
    }

    private boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
