package io.agentfleet.orchestrator.redis;

import io.agentfleet.lettuce.FleetRedis;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * {@code /health} reports Redis (PING on the shared connection; on a cluster, one node of it), as micronaut-redis'
 * indicator did before the orchestrator moved to fleet-lettuce.
 */
@Singleton
@Readiness
public class RedisHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final FleetRedis redis;

    public RedisHealthIndicator(FleetRedis redis, @Named(TaskExecutors.BLOCKING) ExecutorService executor) {
        this.redis = redis;
        setExecutorService(executor);
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        String pong = redis.shared().sync().ping();
        healthStatus = "PONG".equalsIgnoreCase(pong) ? HealthStatus.UP : HealthStatus.DOWN;
        return Map.of("redis", redis.describe());
    }

    @Override
    protected String getName() {
        return "redis";
    }
}
