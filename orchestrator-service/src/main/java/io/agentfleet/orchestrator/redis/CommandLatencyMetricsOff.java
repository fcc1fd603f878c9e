package io.agentfleet.orchestrator.redis;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.micronaut.configuration.lettuce.AbstractRedisConfiguration;
import io.micronaut.configuration.lettuce.ClientResourcesMutator;
import io.micronaut.configuration.lettuce.MetricsClientResourceMutator;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * Turns off Lettuce's per-command latency histograms, which micronaut-redis registers whenever Micrometer is present:
 * a timer with a percentile histogram updated on the event loop for every Redis command, about 2% of the
 * orchestrator's CPU in W3, measuring what {@code redis_*} exporters and the fleet's own metrics already show.
 * {@code redis.command-latency-metrics.enabled=true} brings them back.
 */
@Singleton
@Replaces(MetricsClientResourceMutator.class)
@Requires(property = CommandLatencyMetricsOff.ENABLED, notEquals = "true")
public class CommandLatencyMetricsOff implements ClientResourcesMutator {
    public static final String ENABLED = "redis.command-latency-metrics.enabled";

    @Override
    public void mutate(ClientResources.Builder builder, AbstractRedisConfiguration config) {
        builder.commandLatencyRecorder(CommandLatencyRecorder.disabled());
    }
}
