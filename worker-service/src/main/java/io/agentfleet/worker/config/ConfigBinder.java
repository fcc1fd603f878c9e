package io.agentfleet.worker.config;

import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.messages.config.ConfigValues;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/** Reads and validates the worker configuration; a bad value fails with the key and the value in the message. */
public final class ConfigBinder {
    private final ConfigSource source;

    public ConfigBinder(ConfigSource source) {
        this.source = source;
    }

    public WorkerConfig bind() {
        Duration readBlock = duration(ConfigKeys.READ_BLOCK, WorkerConfig.DEFAULT_READ_BLOCK, Duration.ofMillis(10));
        Duration liveness =
                duration(ConfigKeys.LIVENESS_TIMEOUT, WorkerConfig.DEFAULT_LIVENESS_TIMEOUT, Duration.ofSeconds(1));
        if (liveness.compareTo(readBlock.multipliedBy(3)) < 0) {
            throw ConfigException.invalid(
                    ConfigKeys.LIVENESS_TIMEOUT,
                    raw(ConfigKeys.LIVENESS_TIMEOUT).orElse(ConfigValues.show(liveness)),
                    ">= 3 x " + ConfigKeys.READ_BLOCK + " (" + ConfigValues.show(readBlock) + ")");
        }
        return new WorkerConfig(
                keys(),
                consumerName(),
                redis(),
                agents(),
                duration(ConfigKeys.SHUTDOWN_GRACE, WorkerConfig.DEFAULT_SHUTDOWN_GRACE, Duration.ZERO),
                duration(ConfigKeys.DONE_TTL, WorkerConfig.DEFAULT_DONE_TTL, Duration.ofSeconds(1)),
                nonNegativeLong(ConfigKeys.RESULTS_MAX_LEN, WorkerConfig.DEFAULT_RESULTS_MAX_LEN),
                nonNegativeLong(ConfigKeys.DEAD_MAX_LEN, WorkerConfig.DEFAULT_DEAD_MAX_LEN),
                readBlock,
                duration(ConfigKeys.PROMOTE_INTERVAL, WorkerConfig.DEFAULT_PROMOTE_INTERVAL, Duration.ofMillis(10)),
                liveness,
                raw(ConfigKeys.MAX_MESSAGE_BYTES)
                        .map(v -> ConfigValues.parseInt(ConfigKeys.MAX_MESSAGE_BYTES, v, 1024, Integer.MAX_VALUE))
                        .orElse(MessageLimits.DEFAULT_MAX_BYTES),
                raw(ConfigKeys.CHECKPOINT_MAX_BYTES)
                        .map(v -> ConfigValues.parseInt(
                                ConfigKeys.CHECKPOINT_MAX_BYTES, v, 1, WorkerConfig.LARGEST_CHECKPOINT_MAX_BYTES))
                        .orElse(WorkerConfig.DEFAULT_CHECKPOINT_MAX_BYTES));
    }

    private StreamKeys keys() {
        String prefix = raw(ConfigKeys.PREFIX).orElse(StreamKeys.DEFAULT_PREFIX).trim();
        try {
            return new StreamKeys(prefix);
        } catch (InvalidMessageException e) {
            throw ConfigException.invalid(ConfigKeys.PREFIX, prefix, "1 to 64 of A-Z a-z 0-9 . _ -");
        }
    }

    private String consumerName() {
        String name = raw(ConfigKeys.CONSUMER_NAME)
                .or(() -> raw(ConfigKeys.POD_NAME))
                .orElseGet(ConfigBinder::hostAndPid)
                .trim();
        if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(c -> c <= ' ')) {
            throw ConfigException.invalid(
                    ConfigKeys.CONSUMER_NAME, name, "1 to 200 printable characters without spaces");
        }
        return name;
    }

    private static String hostAndPid() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("worker");
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private RedisSettings redis() {
        String url = raw(ConfigKeys.REDIS_URL).orElse(RedisSettings.DEFAULT_URL).trim();
        String mode = raw(ConfigKeys.REDIS_MODE).map(String::trim).orElse(null);
        if (mode != null) {
            try {
                RedisTarget.Mode.override(mode);
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(ConfigKeys.REDIS_MODE, mode, "standalone, cluster or sentinel");
            }
        }
        RedisTarget target;
        try {
            target = RedisTarget.parse(url, mode);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    ConfigKeys.REDIS_URL,
                    ConfigKeys.REDIS_URL + "='" + RedisTarget.redact(url) + "' is invalid: " + e.getMessage()
                            + "; expected redis://[user:password@]host:port[/db], rediss://..., a comma-separated"
                            + " list of cluster nodes, or redis-sentinel://host:port[,host:port]#primaryName");
        }
        int waitReplicas = raw(ConfigKeys.REDIS_WAIT_REPLICAS)
                .map(v -> ConfigValues.parseInt(ConfigKeys.REDIS_WAIT_REPLICAS, v, 0, Integer.MAX_VALUE))
                .orElse(RedisSettings.DEFAULT_WAIT_REPLICAS);
        Duration waitTimeout =
                duration(ConfigKeys.REDIS_WAIT_TIMEOUT, RedisSettings.DEFAULT_WAIT_TIMEOUT, Duration.ofMillis(1));
        return new RedisSettings(
                url,
                target,
                waitReplicas,
                waitTimeout,
                raw(ConfigKeys.REDIS_SENTINEL_PASSWORD).orElse(null));
    }

    private List<AgentConfig> agents() {
        String listed = raw(ConfigKeys.AGENTS)
                .orElseThrow(
                        () -> new ConfigException(
                                ConfigKeys.AGENTS,
                                ConfigKeys.AGENTS
                                        + " is required: the comma-separated agent types this worker serves, e.g. FLEET_AGENTS=coder,reviewer"));
        Set<String> types = new LinkedHashSet<>();
        for (String part : listed.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!Names.isAgentType(part)) {
                throw new ConfigException(
                        ConfigKeys.AGENTS,
                        ConfigKeys.AGENTS + " must list agent types (" + Names.AGENT_TYPE + "), but was '" + listed
                                + "' ('" + part + "' is not one)");
            }
            if (!types.add(part)) {
                throw new ConfigException(
                        ConfigKeys.AGENTS,
                        ConfigKeys.AGENTS + " lists agent type '" + part + "' twice, in '" + listed + "'");
            }
        }
        if (types.isEmpty()) {
            throw ConfigException.invalid(ConfigKeys.AGENTS, listed, "a list of at least one agent type");
        }
        List<AgentConfig> agents = new ArrayList<>();
        for (String type : types) {
            agents.add(agent(type));
        }
        return agents;
    }

    private AgentConfig agent(String type) {
        String handler = raw(ConfigKeys.agentKey(type, ConfigKeys.HANDLER))
                .map(String::trim)
                .orElse(type);
        int maxInFlight = agentValue(
                type,
                ConfigKeys.MAX_IN_FLIGHT,
                AgentConfig.DEFAULT_MAX_IN_FLIGHT,
                (k, v) -> ConfigValues.parseInt(k, v, 1, Integer.MAX_VALUE));
        Duration lease = agentValue(
                type,
                ConfigKeys.LEASE,
                AgentConfig.DEFAULT_LEASE,
                (k, v) -> ConfigValues.parseDuration(k, v, AgentConfig.MIN_LEASE));
        Duration claimAfter = agentValue(
                type,
                ConfigKeys.CLAIM_AFTER,
                AgentConfig.DEFAULT_CLAIM_AFTER,
                (k, v) -> ConfigValues.parseDuration(k, v, AgentConfig.MIN_LEASE));
        if (lease.compareTo(claimAfter) > 0) {
            String key = keyUsed(type, ConfigKeys.LEASE);
            throw ConfigException.invalid(
                    key,
                    raw(key).orElse(ConfigValues.show(lease)),
                    "<= " + keyUsed(type, ConfigKeys.CLAIM_AFTER) + " (" + ConfigValues.show(claimAfter)
                            + ", as leases are renewed every lease/3 and others reclaim after claim-after)");
        }
        int maxAttempts = agentValue(
                type,
                ConfigKeys.MAX_ATTEMPTS,
                AgentConfig.DEFAULT_MAX_ATTEMPTS,
                (k, v) -> ConfigValues.parseInt(k, v, 1, Integer.MAX_VALUE));
        Duration backoffBase = agentValue(
                type,
                ConfigKeys.BACKOFF_BASE,
                AgentConfig.DEFAULT_BACKOFF_BASE,
                (k, v) -> ConfigValues.parseDuration(k, v, Duration.ZERO));
        Duration backoffMax = agentValue(
                type,
                ConfigKeys.BACKOFF_MAX,
                AgentConfig.DEFAULT_BACKOFF_MAX,
                (k, v) -> ConfigValues.parseDuration(k, v, Duration.ZERO));
        if (backoffMax.compareTo(backoffBase) < 0) {
            String key = keyUsed(type, ConfigKeys.BACKOFF_MAX);
            throw ConfigException.invalid(
                    key,
                    raw(key).orElse(ConfigValues.show(backoffMax)),
                    ">= " + keyUsed(type, ConfigKeys.BACKOFF_BASE) + " (" + ConfigValues.show(backoffBase) + ")");
        }
        Duration handlerTimeout = agentValue(
                type,
                ConfigKeys.HANDLER_TIMEOUT,
                AgentConfig.DEFAULT_HANDLER_TIMEOUT,
                (k, v) -> ConfigValues.parseDuration(k, v, Duration.ofMillis(1)));
        OptionalLong maxBacklog = agentValue(
                type,
                ConfigKeys.MAX_BACKLOG,
                OptionalLong.empty(),
                (k, v) -> OptionalLong.of(ConfigValues.parseLong(k, v, 1, Long.MAX_VALUE)));
        String partitionsKey = ConfigKeys.agentKey(type, ConfigKeys.PARTITIONS);
        int partitions = raw(partitionsKey)
                .map(v -> {
                    int n = ConfigValues.parseInt(partitionsKey, v, 1, Integer.MAX_VALUE);
                    if (n > StreamKeys.MAX_PARTITIONS) {
                        throw ConfigException.invalid(partitionsKey, v, "<= " + StreamKeys.MAX_PARTITIONS);
                    }
                    return n;
                })
                .orElse(AgentConfig.DEFAULT_PARTITIONS);
        return new AgentConfig(
                type,
                handler,
                maxInFlight,
                lease,
                claimAfter,
                maxAttempts,
                backoffBase,
                backoffMax,
                handlerTimeout,
                maxBacklog,
                partitions);
    }

    private <T> T agentValue(
            String type, String suffix, T fallback, java.util.function.BiFunction<String, String, T> parse) {
        String key = keyUsed(type, suffix);
        return raw(key).map(v -> parse.apply(key, v)).orElse(fallback);
    }

    /** The key that decides a per-agent value: the agent's own when set, else the fleet-wide default key. */
    private String keyUsed(String type, String suffix) {
        String own = ConfigKeys.agentKey(type, suffix);
        return raw(own).isPresent() || raw(ConfigKeys.defaultKey(suffix)).isEmpty()
                ? own
                : ConfigKeys.defaultKey(suffix);
    }

    private Duration duration(String key, Duration fallback, Duration min) {
        return raw(key).map(v -> ConfigValues.parseDuration(key, v, min)).orElse(fallback);
    }

    private long nonNegativeLong(String key, long fallback) {
        return raw(key).map(v -> ConfigValues.parseLong(key, v, 0, Long.MAX_VALUE))
                .orElse(fallback);
    }

    private Optional<String> raw(String key) {
        return source.get(key).filter(v -> !v.isBlank());
    }

    /** A source that reads {@code lookup(key)} and, failing that, the environment variable named after the key. */
    public static ConfigSource withEnvFallback(
            Function<String, Optional<String>> lookup, Function<String, String> env) {
        return key -> lookup.apply(key)
                .filter(v -> !v.isBlank())
                .or(() ->
                        Optional.ofNullable(env.apply(ConfigKeys.envName(key))).filter(v -> !v.isBlank()));
    }
}
