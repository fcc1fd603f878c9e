package io.agentfleet.worker.consume;

import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.telemetry.StreamGauges;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.lease.AutoClaimer;
import io.agentfleet.worker.lease.LeaseRenewer;
import io.agentfleet.worker.metrics.AgentMetrics;
import io.agentfleet.worker.outcome.OutcomeRecorder;
import io.agentfleet.worker.redis.RedisConnections;
import io.agentfleet.worker.redis.ScriptRunner;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that serves one agent type in this process: the consumer loop, the outcome recorder, lease renewal,
 * reclaiming and retry promotion, sharing one set of in-flight slots.
 */
public final class AgentWorker {
    private static final Logger LOG = LoggerFactory.getLogger(AgentWorker.class);
    /** How often the stream gauges (length, lag, pending, delayed, dead letters) are sampled. */
    public static final Duration GAUGE_INTERVAL = Duration.ofSeconds(5);

    private final AgentConfig agent;
    private final WorkerConfig worker;
    private final RedisConnections redis;
    private final InFlight inFlight;
    private final OutcomeRecorder recorder;
    private final ConsumerLoop loop;
    private final Periodic renewer;
    private final Periodic reclaimer;
    private final Periodic promoter;
    private final Periodic gauges;
    private Thread loopThread;

    public AgentWorker(
            AgentConfig agent,
            WorkerConfig worker,
            AgentHandler handler,
            RedisConnections redis,
            ScriptRunner scripts,
            MessageCodec codec,
            AgentMetrics metrics,
            Clock clock,
            ScheduledExecutorService timer,
            MessageTracing tracing,
            StreamGauges streamGauges) {
        this.agent = agent;
        this.worker = worker;
        this.redis = redis;
        String stream = worker.keys().tasks(agent.agentType());
        this.inFlight = new InFlight(agent.maxInFlight(), metrics.inFlight());
        this.recorder = new OutcomeRecorder(agent, worker, scripts, metrics, clock, timer);
        TaskProcessor processor = new TaskProcessor(
                agent, worker, handler, codec, recorder, inFlight, metrics, clock, redis, timer, tracing);
        this.loop = new ConsumerLoop(agent, worker, redis, inFlight, processor);
        LeaseRenewer leases = new LeaseRenewer(stream, worker.consumerName(), redis);
        this.renewer = new Periodic(
                "fleet-lease-" + agent.agentType(), agent.renewEvery(), () -> leases.renew(inFlight.snapshot()));
        Reclaimer reclaim =
                new Reclaimer(agent, new AutoClaimer(stream, worker.consumerName(), redis), inFlight, processor);
        this.reclaimer = new Periodic("fleet-reclaim-" + agent.agentType(), agent.reclaimEvery(), reclaim::reclaimOnce);
        Promoter promote = new Promoter(agent.agentType(), worker.keys(), scripts, clock);
        this.promoter =
                new Periodic("fleet-promote-" + agent.agentType(), worker.promoteInterval(), promote::promoteDue);
        List<String> types = List.of(agent.agentType());
        streamGauges.of(agent.agentType());
        this.gauges =
                new Periodic("fleet-gauges-" + agent.agentType(), GAUGE_INTERVAL, () -> streamGauges.sample(types));
    }

    public synchronized void start() {
        loopThread = Thread.ofPlatform()
                .name("fleet-consumer-" + agent.agentType())
                .daemon(true)
                .start(loop);
        renewer.start();
        reclaimer.start();
        promoter.start();
        gauges.start();
    }

    public String agentType() {
        return agent.agentType();
    }

    public ConsumerLoop loop() {
        return loop;
    }

    public int inFlight() {
        return inFlight.count();
    }

    /** Stops taking new work: no more reads, reclaims or promotions. Leases stay renewed while in-flight tasks finish. */
    public void stopTaking() {
        loop.stop();
        reclaimer.stop();
        promoter.stop();
        gauges.stop();
    }

    /** Waits (up to the deadline) for the loop to exit and every in-flight task to be recorded; true if all finished. */
    public boolean awaitFinished(long deadlineNanos) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = loopThread;
        }
        if (t != null) {
            t.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
        }
        reclaimer.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
        return inFlight.awaitEmpty(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }

    /** After the grace period: stop renewing and drop unwritten completions; the entries stay pending for others. */
    public void abandon() {
        recorder.abandon();
    }

    public void stopRenewing() {
        renewer.stop();
    }

    /**
     * Deletes this consumer from the group when it has no pending entries (XPENDING for it, then XGROUP
     * DELCONSUMER); a consumer with pending entries stays, so others can see and reclaim them.
     *
     * @return true when deleted
     */
    public boolean removeConsumerIfIdle() {
        String stream = worker.keys().tasks(agent.agentType());
        Consumer<String> me = Consumer.from(StreamKeys.WORKERS_GROUP, worker.consumerName());
        try {
            List<PendingMessage> pending = redis.shared()
                    .async()
                    .xpending(stream, me, Range.create("-", "+"), Limit.from(1))
                    .get(5, TimeUnit.SECONDS);
            if (!pending.isEmpty()) {
                LOG.info(
                        "agent {}: consumer {} keeps pending entries (first {}); leaving it in the group for reclaiming",
                        agent.agentType(),
                        worker.consumerName(),
                        pending.get(0).getId());
                return false;
            }
            redis.shared().async().xgroupDelconsumer(stream, me).get(5, TimeUnit.SECONDS);
            LOG.info(
                    "agent {}: consumer {} had nothing pending and was removed from group {}",
                    agent.agentType(),
                    worker.consumerName(),
                    StreamKeys.WORKERS_GROUP);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn(
                    "agent {}: could not remove consumer {}: {}",
                    agent.agentType(),
                    worker.consumerName(),
                    e.toString());
            return false;
        }
    }
}
