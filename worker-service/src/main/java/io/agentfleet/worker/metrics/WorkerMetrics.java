package io.agentfleet.worker.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Per-agent-type meters, exported at {@code /prometheus} as {@code fleet_tasks_total{agent,outcome}} and friends. */
public final class WorkerMetrics {
    private final MeterRegistry registry;
    private final Map<String, AgentMetrics> byAgent = new ConcurrentHashMap<>();

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Meters kept in memory only, for code run outside the application context. */
    public static WorkerMetrics inMemory() {
        return new WorkerMetrics(new SimpleMeterRegistry());
    }

    public AgentMetrics forAgent(String agent) {
        return byAgent.computeIfAbsent(agent, a -> new AgentMetrics(registry, a));
    }
}
