package io.agentfleet.worker.consume;

import io.agentfleet.lettuce.FleetConnection;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.RedisErrors;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.WorkerConfig;
import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop of one partition of an agent type, on its own connection (on a cluster, its own cluster
 * connection, so the blocking read goes to the partition's primary): waits for a free slot, then
 * {@code XREADGROUP COUNT <n> BLOCK <read-block>} with n the free slots but at most this loop's share of the type's
 * slots — never more entries than can run at once, and no partition crowds out the others — and hands them to the
 * {@link TaskProcessor}. It supervises itself: a Redis error (restart, failover) makes it back off and retry;
 * {@code NOGROUP} (the stream was flushed) makes it recreate the group with MKSTREAM and go on.
 */
public final class ConsumerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final AgentConfig agent;
    private final WorkerConfig worker;
    private final AgentPartition partition;
    private final FleetRedis redis;
    private final InFlight inFlight;
    private final IntSupplier share;
    private final TaskProcessor processor;
    private final String stream;
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
            InFlight inFlight,
            IntSupplier share,
            TaskProcessor processor) {
        this.agent = agent;
        this.worker = worker;
        this.partition = partition;
        this.redis = redis;
        this.inFlight = inFlight;
        this.share = share;
        this.processor = processor;
        this.stream = partition.tasks();
    }

    @Override
    public void run() {
        FleetConnection<String, byte[]> connection = null;
        boolean groupReady = false;
        Duration backoff = FIRST_BACKOFF;
        Consumer<String> me = Consumer.from(StreamKeys.WORKERS_GROUP, worker.consumerName());
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
                readOnce(commands, me);
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
                            stream);
                    groupReady = false;
                    continue;
                }
                state = LoopState.BACKING_OFF;
                LOG.warn(
                        "agent {}: reading {} failed, retrying in {} ms: {}",
                        partition.label(),
                        stream,
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

    private void readOnce(RedisClusterCommands<String, byte[]> commands, Consumer<String> me)
            throws InterruptedException {
        if (inFlight.count() >= 2 * agent.maxInFlight()) {
            // Completions are waiting to be written (Redis slow or down): do not take more work meanwhile.
            Thread.sleep(1);
            heartbeat();
            return;
        }
        int slots = Math.min(inFlight.awaitFree(worker.readBlock()), Math.max(1, share.getAsInt()));
        if (slots == 0) {
            // Every slot is busy: the loop is healthy, just full.
            heartbeat();
            return;
        }
        if (stopping) {
            return;
        }
        List<StreamMessage<String, byte[]>> entries = commands.xreadgroup(
                me,
                XReadArgs.Builder.count(slots).block(worker.readBlock()),
                XReadArgs.StreamOffset.lastConsumed(stream));
        int got = entries == null ? 0 : entries.size();
        inFlight.take(got);
        heartbeat();
        if (got > 0) {
            List<Delivery> deliveries = new ArrayList<>(got);
            for (StreamMessage<String, byte[]> entry : entries) {
                byte[] body = entry.getBody() == null ? null : entry.getBody().get(StreamKeys.MESSAGE_FIELD);
                deliveries.add(Delivery.fresh(entry.getId(), body));
            }
            processor.dispatch(deliveries);
        }
    }

    /** Creates the group (from the stream's start, so tasks enqueued before any worker ran are served) and config. */
    private void prepare(FleetConnection<String, byte[]> connection) {
        if (FleetRedis.createGroup(connection, stream, StreamKeys.WORKERS_GROUP, "0")) {
            LOG.info("agent {}: created consumer group {} on {}", partition.label(), StreamKeys.WORKERS_GROUP, stream);
        }
        if (!warmedUp) {
            warmedUp = true;
            // Beside the first read, not before it: a fresh process reads as soon as its group is ready.
            Thread.ofVirtual().name("fleet-warm-up-" + partition.label()).start(this::warmUp);
        }
        RedisClusterCommands<String, byte[]> commands = connection.sync();
        // Registers this consumer at once (a blocked XREADGROUP does not), so status, KEDA and operators see it.
        commands.xgroupCreateconsumer(stream, Consumer.from(StreamKeys.WORKERS_GROUP, worker.consumerName()));
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
                stream,
                agent.maxInFlight());
    }

    /**
     * Once, beside the first read: caches the scripts the worker runs (on every primary of a cluster), so the first
     * outcomes need no EVAL fallback after a NOSCRIPT round trip, and lets the processor warm up its per-task code.
     * Best effort: failures only cost speed (an outcome written before its script is cached falls back to EVAL).
     */
    private void warmUp() {
        redis.loadScripts(List.of(FleetScripts.RECORD_OUTCOMES, FleetScripts.RETRY, FleetScripts.PROMOTE));
        processor.warmUp();
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
