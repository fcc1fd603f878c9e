package io.agentfleet.worker.consume;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.lease.AutoClaimer;
import io.agentfleet.worker.lease.LeaseRenewer;
import io.agentfleet.worker.metrics.AgentMetrics;
import io.agentfleet.worker.outcome.OutcomeRecorder;
import io.agentfleet.worker.retry.Promoter;
import io.agentfleet.worker.spi.AgentHandler;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one partition of an agent type: one {@link Lane} per priority level (its task stream's outcome recorder,
 * lease renewal and reclaiming), one consumer loop reading the three streams by weight, and retry promotion, all on
 * the partition's keys, drawing on the type's shared in-flight slots.
 */
final class PartitionWorker {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

    private final AgentPartition partition;
    private final WorkerConfig worker;
    private final FleetRedis redis;
    private final List<Lane> lanes;
    private final ConsumerLoop loop;
    private final Periodic renewer;
    private final Periodic reclaimer;
    private final Periodic promoter;
    private Thread loopThread;

    PartitionWorker(
            AgentConfig agent,
            WorkerConfig worker,
            AgentPartition partition,
            AgentHandler handler,
            FleetRedis redis,
            InFlight inFlight,
            IntSupplier share,
            MessageCodec codec,
            AgentMetrics metrics,
            Clock clock,
            ScheduledExecutorService timer,
            MessageTracing tracing,
            CancelCheckWarnings cancelWarnings) {
        this.partition = partition;
        this.worker = worker;
        this.redis = redis;
        List<Lane> built = new ArrayList<>();
        for (Priority level : Priority.values()) {
            AgentPartition lanePartition = partition.at(level);
            InFlight laneInFlight = level == Priority.NORMAL ? inFlight : inFlight.sharingSlots();
            OutcomeRecorder recorder = new OutcomeRecorder(agent, worker, lanePartition, redis, metrics, clock, timer);
            TaskProcessor processor = new TaskProcessor(
                    agent,
                    worker,
                    lanePartition,
                    handler,
                    codec,
                    recorder,
                    laneInFlight,
                    metrics,
                    clock,
                    redis,
                    cancelWarnings,
                    timer,
                    tracing);
            String stream = lanePartition.tasks();
            built.add(new Lane(
                    lanePartition,
                    laneInFlight,
                    recorder,
                    processor,
                    new LeaseRenewer(stream, worker.consumerName(), redis),
                    new Reclaimer(
                            agent, new AutoClaimer(stream, worker.consumerName(), redis), laneInFlight, processor)));
        }
        this.lanes = List.copyOf(built);
        String label = partition.label();
        this.loop = new ConsumerLoop(agent, worker, partition, redis, lanes, share);
        this.renewer = new Periodic("fleet-lease-" + label, agent.renewEvery(), this::renewLeases);
        // Highest level first, so free slots go to a dead worker's HIGH entries before its LOW ones.
        this.reclaimer = new Periodic("fleet-reclaim-" + label, agent.reclaimEvery(), this::reclaimOnce);
        Promoter promote = new Promoter(partition, redis);
        this.promoter = new Periodic("fleet-promote-" + label, worker.promoteInterval(), promote::promoteDue);
    }

    private void renewLeases() throws Exception {
        for (Lane lane : lanes) {
            lane.leases().renew(lane.inFlight().snapshot());
        }
    }

    private void reclaimOnce() throws Exception {
        for (Lane lane : lanes) {
            lane.reclaimer().reclaimOnce();
        }
    }

    AgentPartition partition() {
        return partition;
    }

    ConsumerLoop loop() {
        return loop;
    }

    /** Entries taken on every level and not yet recorded. */
    int inFlightCount() {
        return lanes.stream().mapToInt(lane -> lane.inFlight().count()).sum();
    }

    /** Waits until nothing is in flight on any level or the deadline passes; true when nothing is. */
    boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
        boolean all = true;
        for (Lane lane : lanes) {
            all &= lane.inFlight().awaitEmpty(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        }
        return all;
    }

    synchronized void start() {
        loopThread = Thread.ofPlatform()
                .name("fleet-consumer-" + partition.label())
                .daemon(true)
                .start(loop);
        renewer.start();
        reclaimer.start();
        promoter.start();
    }

    void stopTaking() {
        loop.stop();
        reclaimer.stop();
        promoter.stop();
    }

    /** Waits for the loop and a running reclaim to end (not for in-flight tasks). */
    void awaitStopped(long deadlineNanos) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = loopThread;
        }
        if (t != null) {
            t.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
        }
        reclaimer.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
    }

    void abandon() {
        lanes.forEach(lane -> lane.recorder().abandon());
    }

    void stopRenewing() {
        renewer.stop();
    }

    /** Per level: XPENDING for this consumer, then XGROUP DELCONSUMER when nothing is pending; true if all gone. */
    boolean removeConsumerIfIdle() {
        boolean all = true;
        for (Lane lane : lanes) {
            all &= removeConsumerIfIdle(lane.stream());
        }
        return all;
    }

    private boolean removeConsumerIfIdle(String stream) {
        Consumer<String> me = Consumer.from(StreamKeys.WORKERS_GROUP, worker.consumerName());
        try {
            List<PendingMessage> pending = redis.shared()
                    .async()
                    .xpending(stream, me, Range.create("-", "+"), Limit.from(1))
                    .get(5, TimeUnit.SECONDS);
            if (!pending.isEmpty()) {
                LOG.info(
                        "agent {}: consumer {} keeps pending entries (first {}); leaving it in the group for reclaiming",
                        partition.label(),
                        worker.consumerName(),
                        pending.get(0).getId());
                return false;
            }
            redis.shared().async().xgroupDelconsumer(stream, me).get(5, TimeUnit.SECONDS);
            LOG.info(
                    "agent {}: consumer {} had nothing pending and was removed from group {}",
                    partition.label(),
                    worker.consumerName(),
                    StreamKeys.WORKERS_GROUP);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn(
                    "agent {}: could not remove consumer {}: {}",
                    partition.label(),
                    worker.consumerName(),
                    e.toString());
            return false;
        }
    }
}
