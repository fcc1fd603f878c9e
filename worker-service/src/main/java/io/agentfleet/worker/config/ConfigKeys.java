package io.agentfleet.worker.config;

import java.util.Locale;

/**
 * Property names the worker reads. Every property can also be given as an environment variable: upper case, with
 * {@code .} and {@code -} turned into {@code _} (e.g. {@code fleet.agents.coder.max-in-flight} is
 * {@code FLEET_AGENTS_CODER_MAX_IN_FLIGHT}). Per-agent keys fall back to {@code fleet.defaults.<key>}, then to the
 * built-in default. The table with defaults is in docs/configuration.md.
 */
public final class ConfigKeys {
    /** Redis URL ({@code REDIS_URL}). */
    public static final String REDIS_URL = "redis.url";
    /** {@code standalone|cluster|sentinel} overrides detection ({@code FLEET_REDIS_MODE}). */
    public static final String REDIS_MODE = "fleet.redis.mode";
    /** Replicas that must acknowledge each outcome batch ({@code FLEET_REDIS_WAIT_REPLICAS}, 0 = no WAIT). */
    public static final String REDIS_WAIT_REPLICAS = "fleet.redis.wait-replicas";

    public static final String REDIS_WAIT_TIMEOUT = "fleet.redis.wait-timeout";
    /** The sentinels' own password ({@code FLEET_REDIS_SENTINEL_PASSWORD}); the URL's credentials are the nodes'. */
    public static final String REDIS_SENTINEL_PASSWORD = "fleet.redis.sentinel-password";

    public static final String PREFIX = "fleet.prefix";
    /** Comma-separated agent types this process serves ({@code FLEET_AGENTS}). */
    public static final String AGENTS = "fleet.agents";

    public static final String CONSUMER_NAME = "fleet.consumer-name";
    /** Kubernetes pod name ({@code POD_NAME}), the default consumer name. */
    public static final String POD_NAME = "pod.name";

    public static final String SHUTDOWN_GRACE = "fleet.shutdown-grace";
    public static final String DONE_TTL = "fleet.done-ttl";
    public static final String RESULTS_MAX_LEN = "fleet.results-max-len";
    public static final String DEAD_MAX_LEN = "fleet.dead-max-len";
    public static final String READ_BLOCK = "fleet.read-block";
    public static final String PROMOTE_INTERVAL = "fleet.promote-interval";
    public static final String LIVENESS_TIMEOUT = "fleet.liveness-timeout";
    public static final String MAX_MESSAGE_BYTES = "fleet.max-message-bytes";
    /** Largest handler checkpoint in bytes of JSON ({@code FLEET_CHECKPOINT_MAX_BYTES}). */
    public static final String CHECKPOINT_MAX_BYTES = "fleet.checkpoint.max-bytes";

    /** Per-agent key suffixes: {@code fleet.agents.<type>.<suffix>}, defaults under {@code fleet.defaults.<suffix>}. */
    public static final String HANDLER = "handler";

    public static final String MAX_IN_FLIGHT = "max-in-flight";
    public static final String LEASE = "lease";
    public static final String CLAIM_AFTER = "claim-after";
    public static final String MAX_ATTEMPTS = "max-attempts";
    public static final String BACKOFF_BASE = "backoff-base";
    public static final String BACKOFF_MAX = "backoff-max";
    public static final String HANDLER_TIMEOUT = "handler-timeout";
    public static final String MAX_BACKLOG = "max-backlog";
    /** Task stream partitions of the type ({@code FLEET_AGENTS_<TYPE>_PARTITIONS}); per type only, no default key. */
    public static final String PARTITIONS = "partitions";

    private ConfigKeys() {}

    public static String agentKey(String agentType, String suffix) {
        return AGENTS + "." + agentType + "." + suffix;
    }

    public static String defaultKey(String suffix) {
        return "fleet.defaults." + suffix;
    }

    /** The environment variable that sets a property: {@code fleet.read-block} is {@code FLEET_READ_BLOCK}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
