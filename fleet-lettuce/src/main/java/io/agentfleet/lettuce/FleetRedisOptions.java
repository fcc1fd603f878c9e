package io.agentfleet.lettuce;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link FleetRedis} connects, beyond where ({@link io.agentfleet.messages.RedisTarget}).
 *
 * @param commandTimeout upper bound for any one command; blocking reads must block for less
 * @param waitReplicas replicas that must acknowledge a write in {@link FleetRedis#awaitReplicas} (0 = no WAIT)
 * @param waitTimeout how long one WAIT waits for them
 * @param clientName the connections' CLIENT SETNAME, or null
 * @param sentinelPassword the sentinels' own password ({@code FLEET_REDIS_SENTINEL_PASSWORD}), or null: the URL's
 *     credentials are the data nodes'
 */
public record FleetRedisOptions(
        Duration commandTimeout, int waitReplicas, Duration waitTimeout, String clientName, String sentinelPassword) {

    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(1);
    public static final FleetRedisOptions DEFAULTS =
            new FleetRedisOptions(DEFAULT_COMMAND_TIMEOUT, 0, DEFAULT_WAIT_TIMEOUT, null, null);

    public FleetRedisOptions {
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be > 0, but was " + commandTimeout);
        }
        if (waitReplicas < 0) {
            throw new IllegalArgumentException("waitReplicas must be >= 0, but was " + waitReplicas);
        }
        if (waitReplicas > 0 && (waitTimeout.isNegative() || waitTimeout.toMillis() < 1)) {
            // WAIT with timeout 0 would block forever.
            throw new IllegalArgumentException(
                    "waitTimeout must be >= 1ms when waiting for replicas, but was " + waitTimeout);
        }
    }

    public FleetRedisOptions withCommandTimeout(Duration timeout) {
        return new FleetRedisOptions(timeout, waitReplicas, waitTimeout, clientName, sentinelPassword);
    }

    public FleetRedisOptions withWait(int replicas, Duration timeout) {
        return new FleetRedisOptions(commandTimeout, replicas, timeout, clientName, sentinelPassword);
    }

    public FleetRedisOptions withClientName(String name) {
        return new FleetRedisOptions(commandTimeout, waitReplicas, waitTimeout, name, sentinelPassword);
    }

    public FleetRedisOptions withSentinelPassword(String password) {
        return new FleetRedisOptions(commandTimeout, waitReplicas, waitTimeout, clientName, password);
    }

    @Override
    public String toString() {
        return "FleetRedisOptions[commandTimeout=" + commandTimeout + ", waitReplicas=" + waitReplicas
                + ", waitTimeout=" + waitTimeout + ", clientName=" + clientName + ", sentinelPassword="
                + (sentinelPassword == null ? "none" : "***") + "]";
    }
}
