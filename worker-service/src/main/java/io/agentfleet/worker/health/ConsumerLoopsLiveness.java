package io.agentfleet.worker.health;

import io.agentfleet.worker.FleetWorker;
import io.agentfleet.worker.consume.AgentWorker;
import io.agentfleet.worker.consume.LoopState;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Liveness: every consumer loop read from Redis (or waited with all slots busy) within {@code fleet.liveness-timeout}.
 * A loop stuck for longer is reported DOWN, so Kubernetes restarts the pod.
 */
@Singleton
@Liveness
public class ConsumerLoopsLiveness implements HealthIndicator {
    private final FleetWorker worker;

    public ConsumerLoopsLiveness(FleetWorker worker) {
        this.worker = worker;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Duration limit = worker.config().livenessTimeout();
        boolean alive = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (AgentWorker agent : worker.agents()) {
            Duration since = agent.sinceHeartbeat();
            boolean stuck = agent.state() != LoopState.STOPPED && since.compareTo(limit) > 0;
            alive &= !stuck;
            details.put(agent.agentType(), Map.of("state", agent.state().name(), "msSinceLastRead", since.toMillis()));
        }
        return Publishers.just(HealthResult.builder("fleetConsumers", alive ? HealthStatus.UP : HealthStatus.DOWN)
                .details(details)
                .build());
    }
}
