package io.agentfleet.worker.health;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.RedisErrors;
import io.agentfleet.worker.FleetWorker;
import io.agentfleet.worker.consume.AgentWorker;
import io.agentfleet.worker.consume.LoopState;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;

/** Readiness: every consumer loop is running (not backing off, not shut down) and Redis answers PING. */
@Singleton
@Readiness
public class WorkerReadiness implements HealthIndicator {
    private final FleetWorker worker;
    private final FleetRedis redis;

    public WorkerReadiness(FleetWorker worker, FleetRedis redis) {
        this.worker = worker;
        this.redis = redis;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean ready = !worker.isShutDown();
        for (AgentWorker agent : worker.agents()) {
            LoopState state = agent.state();
            ready &= state == LoopState.RUNNING;
            details.put(agent.agentType(), state.name());
        }
        try {
            String pong = redis.shared().async().ping().get(1, TimeUnit.SECONDS);
            details.put("redis", pong);
        } catch (Exception e) {
            ready = false;
            details.put("redis", "unreachable: " + RedisErrors.messageOf(e));
        }
        return Publishers.just(HealthResult.builder("fleetWorker", ready ? HealthStatus.UP : HealthStatus.DOWN)
                .details(details)
                .build());
    }
}
