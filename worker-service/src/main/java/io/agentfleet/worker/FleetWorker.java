package io.agentfleet.worker;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.telemetry.StreamGauges;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.consume.AgentWorker;
import io.agentfleet.worker.consume.LoopState;
import io.agentfleet.worker.metrics.WorkerMetrics;
import io.agentfleet.worker.registry.HandlerRegistry;
import io.agentfleet.worker.shutdown.GracefulShutdown;
import io.agentfleet.worker.spi.AgentHandler;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The worker process: one {@link AgentWorker} per configured agent type, started with the application context. */
@Context
public class FleetWorker {
    private static final Logger LOG = LoggerFactory.getLogger(FleetWorker.class);
    /** The longest the start-up waits for the consumer loops' first reads before going on without them. */
    static final Duration FIRST_READ_WAIT = Duration.ofSeconds(5);

    private final WorkerConfig config;
    private final FleetRedis redis;
    private final ScheduledThreadPoolExecutor timer;
    private final List<AgentWorker> workers = new ArrayList<>();
    private boolean shutDown;

    public FleetWorker(
            WorkerConfig config,
            HandlerRegistry registry,
            FleetRedis redis,
            MessageCodec codec,
            WorkerMetrics metrics,
            Clock clock,
            MessageTracing tracing,
            StreamGauges gauges) {
        this.config = config;
        this.redis = redis;
        this.timer = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("fleet-timer").daemon(true).factory());
        timer.setRemoveOnCancelPolicy(true);
        Map<AgentConfig, AgentHandler> handlers = new LinkedHashMap<>();
        for (AgentConfig agent : config.agents()) {
            handlers.put(agent, registry.handlerFor(agent));
        }
        handlers.forEach((agent, handler) -> workers.add(new AgentWorker(
                agent,
                config,
                handler,
                redis,
                codec,
                metrics.forAgent(agent.agentType()),
                clock,
                timer,
                tracing,
                gauges)));
    }

    @PostConstruct
    void start() {
        workers.forEach(AgentWorker::start);
        awaitFirstReads();
        Thread.ofVirtual().name("fleet-redis-check").start(this::warnUnlessNoEviction);
        LOG.info(
                "fleet worker {} started: agent types {}, Redis {}",
                config.consumerName(),
                workers.stream().map(AgentWorker::agentType).toList(),
                redis.target().redacted());
    }

    /**
     * Holds the rest of the start-up (the reaper, the HTTP server) until every consumer loop has reached its first
     * read or failed its first try, at most {@link #FIRST_READ_WAIT}: on a small machine the loops' Redis set-up then
     * gets the CPU instead of sharing it with the server's. Readiness needs running loops either way.
     */
    private void awaitFirstReads() {
        long deadline = System.nanoTime() + FIRST_READ_WAIT.toNanos();
        try {
            while (workers.stream().anyMatch(w -> w.state() == LoopState.STARTING) && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public WorkerConfig config() {
        return config;
    }

    public List<AgentWorker> agents() {
        return List.copyOf(workers);
    }

    public synchronized boolean isShutDown() {
        return shutDown;
    }

    /** Graceful shutdown within the configured grace period; idempotent. */
    public void shutdown() {
        synchronized (this) {
            if (shutDown) {
                return;
            }
            shutDown = true;
        }
        GracefulShutdown.drain(workers, config.shutdownGrace());
        timer.shutdownNow();
    }

    @PreDestroy
    void close() {
        shutdown();
    }

    /** Reads the policy from INFO memory: CONFIG GET would also read secrets, so the worker's ACL user lacks it. */
    private void warnUnlessNoEviction() {
        try {
            String info = redis.shared().async().info("memory").get(5, TimeUnit.SECONDS);
            String value = info.lines()
                    .filter(line -> line.startsWith("maxmemory_policy:"))
                    .map(line -> line.substring("maxmemory_policy:".length()).trim())
                    .findFirst()
                    .orElse(null);
            if (value != null && !"noeviction".equals(value)) {
                LOG.warn(
                        "Redis maxmemory-policy is '{}', not 'noeviction': under memory pressure Redis may evict task "
                                + "streams and pending entries, losing tasks. Set maxmemory-policy noeviction.",
                        value);
            }
        } catch (Exception e) {
            LOG.info(
                    "could not read Redis maxmemory-policy (INFO may be denied by ACLs); make sure it is noeviction: {}",
                    e.getMessage());
        }
    }
}
