package io.agentfleet.worker;

import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.telemetry.FleetTelemetry;
import io.agentfleet.telemetry.StreamGauges;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.config.ConfigBinder;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.metrics.WorkerMetrics;
import io.agentfleet.worker.redis.RedisConnections;
import io.agentfleet.worker.redis.ScriptRunner;
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

    @Singleton
    @Bean(preDestroy = "close")
    RedisConnections redisConnections(WorkerConfig config) {
        return new RedisConnections(config.redis());
    }

    @Singleton
    ScriptRunner scriptRunner(RedisConnections redis) {
        return new ScriptRunner(redis);
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
    StreamGauges streamGauges(MeterRegistry registry, WorkerConfig config, RedisConnections redis) {
        return new StreamGauges(registry, config.keys(), () -> redis.shared().async());
    }

    @Singleton
    HandlerRegistry handlerRegistry(List<AgentHandler> handlers, List<AgentHandlerProvider> providers) {
        List<AgentHandlerProvider> ordered = new ArrayList<>(providers);
        OrderUtil.sort(ordered);
        return new HandlerRegistry(handlers, ordered);
    }
}
