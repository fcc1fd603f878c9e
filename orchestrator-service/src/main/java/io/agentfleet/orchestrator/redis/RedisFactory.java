package io.agentfleet.orchestrator.redis;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.messages.config.ConfigValues;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.value.PropertyResolver;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The orchestrator's Redis from {@code redis.uri} ({@code REDIS_URL}: one node, cluster seeds or a sentinel URL),
 * {@code FLEET_REDIS_MODE}, {@code FLEET_REDIS_WAIT_REPLICAS} / {@code FLEET_REDIS_WAIT_TIMEOUT} and
 * {@code FLEET_REDIS_SENTINEL_PASSWORD}. Lettuce's per-command latency histograms stay off (FleetRedis never
 * records them): they cost event-loop CPU for figures the Redis exporters already give.
 */
@Factory
public class RedisFactory {
    public static final String URI = "redis.uri";
    public static final String MODE = "fleet.redis.mode";
    public static final String WAIT_REPLICAS = "fleet.redis.wait-replicas";
    public static final String WAIT_TIMEOUT = "fleet.redis.wait-timeout";
    public static final String SENTINEL_PASSWORD = "fleet.redis.sentinel-password";

    @Singleton
    @Bean(preDestroy = "close")
    FleetRedis fleetRedis(PropertyResolver props) {
        return FleetRedis.connect(target(props), options(props));
    }

    static RedisTarget target(PropertyResolver props) {
        String url = props.getProperty(URI, String.class).orElse("redis://127.0.0.1:6379");
        try {
            return RedisTarget.parse(url, props.getProperty(MODE, String.class).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URI, "REDIS_URL (" + URI + ") is invalid: " + e.getMessage());
        }
    }

    static FleetRedisOptions options(PropertyResolver props) {
        ConfigValues values = new ConfigValues(key -> props.getProperty(key, String.class));
        int replicas = values.intAtLeast(WAIT_REPLICAS, 0, 0);
        Duration timeout =
                values.durationAtLeast(WAIT_TIMEOUT, FleetRedisOptions.DEFAULT_WAIT_TIMEOUT, Duration.ofMillis(1));
        FleetRedisOptions options =
                FleetRedisOptions.DEFAULTS.withWait(replicas, timeout).withClientName("orchestrator");
        String sentinelPassword =
                props.getProperty(SENTINEL_PASSWORD, String.class).orElse(null);
        return sentinelPassword == null || sentinelPassword.isBlank()
                ? options
                : options.withSentinelPassword(sentinelPassword);
    }
}
