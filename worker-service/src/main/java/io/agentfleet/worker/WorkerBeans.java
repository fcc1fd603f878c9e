package io.agentfleet.worker;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.telemetry.FleetTelemetry;
import io.agentfleet.telemetry.StreamGauges;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.config.ConfigBinder;
import io.agentfleet.worker.config.RedisSettings;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.metrics.WorkerMetrics;
import io.agentfleet.worker.registry.HandlerRegistry;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.AgentHandlerProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.order.OrderUtil;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Wires the worker's plain classes into the application context. */
@Factory
class WorkerBeans {

    @Singleton
    WorkerConfig workerConfig(Environment environment) {
        return new ConfigBinder(
                        ConfigBinder.withEnvFallback(key -> environment.getProperty(key, String.class), System::getenv))
                .bind();
    }

    @Singleton
    @Requires(missingBeans = Clock.class)
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    MessageCodec messageCodec(WorkerConfig config) {
        return new MessageCodec(new MessageLimits(config.maxMessageBytes(), MessageLimits.DEFAULT_MAX_NESTING_DEPTH));
    }

    /** The worker's Redis (standalone, cluster or sentinel from REDIS_URL); connects on first use. */
    @Singleton
    @Bean(preDestroy = "close")
    FleetRedis fleetRedis(WorkerConfig config) {
        RedisSettings redis = config.redis();
        return FleetRedis.connect(
                redis.target(),
                FleetRedisOptions.DEFAULTS
                        .withWait(redis.waitReplicas(), redis.waitTimeout())
                        .withSentinelPassword(redis.sentinelPassword()));
    }

    @Singleton
    WorkerMetrics workerMetrics(MeterRegistry registry) {
        return new WorkerMetrics(registry);
    }

    /** Spans from the standard OTEL_* variables; the no-op OpenTelemetry (nothing recorded) unless configured. */
    @Singleton
    MessageTracing messageTracing() {
        return new MessageTracing(FleetTelemetry.fromEnvironment("fleet-worker"), "io.agentfleet.worker");
    }

    @Singleton
    StreamGauges streamGauges(MeterRegistry registry, WorkerConfig config, FleetRedis redis) {
        return new StreamGauges(registry, config.keys(), () -> redis.shared().async());
    }

    @Singleton
    HandlerRegistry handlerRegistry(List<AgentHandler> handlers, List<AgentHandlerProvider> providers) {
        List<AgentHandlerProvider> ordered = new ArrayList<>(providers);
        OrderUtil.sort(ordered);
        return new HandlerRegistry(handlers, ordered);
    }
}
