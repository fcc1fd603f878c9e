package io.agentfleet.orchestrator.telemetry;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.telemetry.FleetTelemetry;
import io.agentfleet.telemetry.StreamGauges;
import io.agentfleet.tracing.MessageTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Tracing from the standard OTEL_* variables (off unless configured) and the per-agent-type stream gauges. */
@Factory
public class TelemetryFactory {
    @Singleton
    MessageTracing messageTracing() {
        return new MessageTracing(FleetTelemetry.fromEnvironment("fleet-orchestrator"), "io.agentfleet.orchestrator");
    }

    @Singleton
    StreamGauges streamGauges(MeterRegistry registry, OrchestratorConfig config, FleetRedis redis) {
        return new StreamGauges(registry, config.keys(), () -> redis.shared().async());
    }
}
