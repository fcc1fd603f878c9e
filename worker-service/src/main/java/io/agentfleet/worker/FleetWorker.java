package io.agentfleet.worker;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.telemetry.StreamGauges;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.consume.AgentWorker;
import io.agentfleet.worker.metrics.WorkerMetrics;
import io.agentfleet.worker.registry.HandlerRegistry;
import io.agentfleet.worker.shutdown.GracefulShutdown;
import io.agentfleet.worker.spi.AgentHandler;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
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
        Thread.ofVirtual().name("fleet-redis-check").start(this::warnUnlessNoEviction);
        LOG.info(
                "fleet worker {} started: agent types {}, Redis {}",
                config.consumerName(),
                workers.stream().map(AgentWorker::agentType).toList(),
                redis.target().redacted());
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

    private void warnUnlessNoEviction() {
        try {
            Map<String, String> policy =
                    redis.shared().async().configGet("maxmemory-policy").get(5, TimeUnit.SECONDS);
            String value = policy.get("maxmemory-policy");
            if (value != null && !"noeviction".equals(value)) {
                LOG.warn(
                        "Redis maxmemory-policy is '{}', not 'noeviction': under memory pressure Redis may evict task "
                                + "streams and pending entries, losing tasks. Set maxmemory-policy noeviction.",
                        value);
            }
        } catch (Exception e) {
            LOG.info(
                    "could not read Redis maxmemory-policy (CONFIG GET may be denied by ACLs); make sure it is noeviction: {}",
                    e.getMessage());
        }
    }
}
