package io.agentfleet.worker.config;

import io.agentfleet.messages.RedisTarget;
import java.time.Duration;
import java.util.Objects;

/**
 * Where Redis is and how durable outcome writes are.
 *
 * @param url {@code REDIS_URL} as given: may hold a password, so never log it: use {@link #redacted()}
 * @param target the parsed URL, with {@code FLEET_REDIS_MODE} applied
 * @param waitReplicas replicas that must acknowledge each outcome batch ({@code FLEET_REDIS_WAIT_REPLICAS}, 0 = off)
 * @param waitTimeout how long one WAIT waits for them ({@code FLEET_REDIS_WAIT_TIMEOUT})
 * @param sentinelPassword the sentinels' own password ({@code FLEET_REDIS_SENTINEL_PASSWORD}), or null
 */
public record RedisSettings(
        String url, RedisTarget target, int waitReplicas, Duration waitTimeout, String sentinelPassword) {
    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final int DEFAULT_WAIT_REPLICAS = 0;
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(1);

    public RedisSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
    }

    /** {@code url} with auto-detected mode and no WAIT. */
    public static RedisSettings of(String url) {
        return new RedisSettings(url, RedisTarget.parse(url), DEFAULT_WAIT_REPLICAS, DEFAULT_WAIT_TIMEOUT, null);
    }

    /** The URL with any password replaced by {@code ***}, safe for logs and error messages. */
    public String redacted() {
        return target.redacted();
    }

    @Override
    public String toString() {
        return "RedisSettings[" + redacted() + ", mode " + target.mode() + ", wait replicas " + waitReplicas + "]";
    }
}
