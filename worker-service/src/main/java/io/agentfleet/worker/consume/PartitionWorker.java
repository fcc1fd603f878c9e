package io.agentfleet.worker.consume;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.MessageCodec;
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
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one partition of an agent type: its consumer loop, outcome recorder, lease renewal, reclaiming and retry
 * promotion, all on the partition's keys, drawing on the type's shared in-flight slots.
 */
final class PartitionWorker {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

    private final AgentPartition partition;
    private final WorkerConfig worker;
    private final FleetRedis redis;
    private final InFlight inFlight;
    private final OutcomeRecorder recorder;
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
        this.inFlight = inFlight;
        String stream = partition.tasks();
        String label = partition.label();
        this.recorder = new OutcomeRecorder(agent, worker, partition, redis, metrics, clock, timer);
        TaskProcessor processor = new TaskProcessor(
                agent,
                worker,
                partition,
                handler,
                codec,
                recorder,
                inFlight,
                metrics,
                clock,
                redis,
                cancelWarnings,
                timer,
                tracing);
        this.loop = new ConsumerLoop(agent, worker, partition, redis, inFlight, share, processor);
        LeaseRenewer leases = new LeaseRenewer(stream, worker.consumerName(), redis);
        this.renewer =
                new Periodic("fleet-lease-" + label, agent.renewEvery(), () -> leases.renew(inFlight.snapshot()));
        Reclaimer reclaim =
                new Reclaimer(agent, new AutoClaimer(stream, worker.consumerName(), redis), inFlight, processor);
        this.reclaimer = new Periodic("fleet-reclaim-" + label, agent.reclaimEvery(), reclaim::reclaimOnce);
        Promoter promote = new Promoter(partition, redis);
        this.promoter = new Periodic("fleet-promote-" + label, worker.promoteInterval(), promote::promoteDue);
    }

    AgentPartition partition() {
        return partition;
    }

    ConsumerLoop loop() {
        return loop;
    }

    InFlight inFlight() {
        return inFlight;
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
        recorder.abandon();
    }

    void stopRenewing() {
        renewer.stop();
    }

    /** XPENDING for this consumer, then XGROUP DELCONSUMER when nothing is pending; true when deleted. */
    boolean removeConsumerIfIdle() {
        String stream = partition.tasks();
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
