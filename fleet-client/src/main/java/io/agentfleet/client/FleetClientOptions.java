package io.agentfleet.client;

import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.StreamKeys;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Settings of a {@link FleetClient}, validated when built: a bad value fails with the value in the message (the
 * password of the Redis URI is never part of a message or of {@link #toString()}).
 *
 * @param redisUri the fleet's {@code REDIS_URL} in the syntax of {@link RedisTarget}: {@code
 *     redis://[user:password@]host[:port][/db]} ({@code rediss://} for TLS, verified with the JVM's default trust
 *     store; a node of a Redis Cluster is detected), {@code redis://h1:p1,h2:p2} (cluster seeds) or {@code
 *     redis-sentinel://[user:password@]s1:p1[,s2:p2]#master} (Sentinel)
 * @param prefix key prefix shared with the workers and the orchestrator, {@value StreamKeys#DEFAULT_PREFIX} by
 *     default
 * @param maxBacklog bound on an agent type's backlog passed to the enqueue script (0 = unbounded); an agent type's
 *     {@code prefix:{A}:config} hash field {@value StreamKeys#MAX_BACKLOG_FIELD} overrides it
 * @param doneTimeout how long {@link FleetClient#await(TaskHandle)} waits for an outcome when no timeout is given
 * @param poolSize most Redis connections the client opens at once
 * @param commandTimeout connect and socket timeout of one Redis command
 * @param limits size and nesting bounds every submitted task must meet (the workers decode with the same bounds)
 * @param orchestratorUri base URI of the orchestrator's HTTP API ({@code http://host:port} or {@code https://}), used
 *     by the workflow calls ({@link FleetClient#submitWorkflow}); null when the client only talks to Redis
 * @param apiKey the orchestrator API key sent as {@code Authorization: Bearer}; never part of a message or of
 *     {@link #toString()}; null when the orchestrator runs without authentication
 * @param httpTimeout connect timeout and per-request timeout of one orchestrator HTTP call
 * @param openTelemetry where the client's publish spans go: each task it enqueues gets a PRODUCER span and carries
 *     its context, so the worker's span continues the trace; {@code OpenTelemetry.noop()} (the default) creates no
 *     span and leaves messages as they are
 * @param redisMode {@code standalone}, {@code cluster} or {@code sentinel} to override what the URL says or what is
 *     detected ({@code FLEET_REDIS_MODE}); null to detect
 * @param sentinelPassword password of the sentinels themselves ({@code FLEET_REDIS_SENTINEL_PASSWORD}); null when they
 *     need none. Never part of a message or of {@link #toString()}
 * @param partitions partition counts of agent types ({@code FLEET_AGENTS_<TYPE>_PARTITIONS}); a type without one uses
 *     {@link #environment()}, then the count registered in Redis (default 1)
 * @param environment where {@code FLEET_AGENTS_<TYPE>_PARTITIONS} is looked up for types not in {@code partitions}
 *     (e.g. {@code System::getenv}); null for nowhere
 * @param waitReplicas after each enqueue, wait until this many replicas acknowledged it ({@code
 *     FLEET_REDIS_WAIT_REPLICAS}; 0 = don't wait); fewer acknowledgements fail the submit with a {@link
 *     DurabilityException}
 * @param waitTimeout the longest wait for replicas ({@code FLEET_REDIS_WAIT_TIMEOUT})
 */
public record FleetClientOptions(
        URI redisUri,
        String prefix,
        long maxBacklog,
        Duration doneTimeout,
        int poolSize,
        Duration commandTimeout,
        MessageLimits limits,
        URI orchestratorUri,
        String apiKey,
        Duration httpTimeout,
        OpenTelemetry openTelemetry,
        String redisMode,
        String sentinelPassword,
        Map<String, Integer> partitions,
        Function<String, String> environment,
        int waitReplicas,
        Duration waitTimeout) {

    public static final String DEFAULT_REDIS_URI = "redis://127.0.0.1:6379";
    public static final int DEFAULT_PORT = 6379;
    public static final long DEFAULT_MAX_BACKLOG = 100_000;
    public static final Duration DEFAULT_DONE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_POOL_SIZE = 16;
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(1);

    public FleetClientOptions {
        Objects.requireNonNull(redisUri, "redisUri");
        RedisTarget.parse(redisUri.toString(), redisMode);
        prefix = new StreamKeys(prefix == null ? StreamKeys.DEFAULT_PREFIX : prefix).prefix();
        if (maxBacklog < 0) {
            throw new IllegalArgumentException("maxBacklog must be >= 0 (0 = unbounded), but was " + maxBacklog);
        }
        requirePositive("doneTimeout", doneTimeout);
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1, but was " + poolSize);
        }
        requirePositive("commandTimeout", commandTimeout);
        if (commandTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "commandTimeout must be at most " + Integer.MAX_VALUE + " ms, but was " + commandTimeout);
        }
        limits = limits == null ? MessageLimits.DEFAULT : limits;
        if (orchestratorUri != null) {
            orchestratorUri = OptionUris.requireHttpUri(orchestratorUri);
        }
        if (apiKey != null && (apiKey.isBlank() || !apiKey.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            // The key itself is never echoed, not even a malformed one.
            throw new IllegalArgumentException("apiKey must be printable ASCII without spaces (value redacted)");
        }
        httpTimeout = httpTimeout == null ? DEFAULT_HTTP_TIMEOUT : httpTimeout;
        requirePositive("httpTimeout", httpTimeout);
        openTelemetry = openTelemetry == null ? OpenTelemetry.noop() : openTelemetry;
        partitions = partitions == null ? Map.of() : Map.copyOf(partitions);
        partitions.forEach((agent, count) -> {
            Names.requireAgentType("partitions", agent);
            StreamKeys.requirePartitionCount(count);
        });
        if (waitReplicas < 0) {
            throw new IllegalArgumentException("waitReplicas must be >= 0 (0 = off), but was " + waitReplicas);
        }
        waitTimeout = waitTimeout == null ? DEFAULT_WAIT_TIMEOUT : waitTimeout;
        requirePositive("waitTimeout", waitTimeout);
    }

    /** Where Redis is, parsed from {@link #redisUri()} with the {@link #redisMode()} override. */
    public RedisTarget target() {
        return RedisTarget.parse(redisUri.toString(), redisMode);
    }

    /**
     * The partition count configured for {@code agent} in this process ({@link #partitions()}, else {@code
     * FLEET_AGENTS_<TYPE>_PARTITIONS} from {@link #environment()}), or 0 when none is.
     *
     * @throws InvalidMessageException when the environment's value is not a count in 1..64
     */
    public int configuredPartitions(String agent) {
        return ConfiguredPartitions.of(agent, partitions, environment);
    }

    /** Options with every default: {@value #DEFAULT_REDIS_URI}, prefix {@value StreamKeys#DEFAULT_PREFIX}. */
    public static FleetClientOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The key layout under {@link #prefix()}. */
    public StreamKeys keys() {
        return new StreamKeys(prefix);
    }

    /** Whether the connection uses TLS ({@code rediss://}, {@code rediss-sentinel://}). */
    public boolean tls() {
        return target().tls();
    }

    /** The first host of the URL (the node, a cluster seed or the first sentinel). */
    public String host() {
        return target().firstNode().host();
    }

    public int port() {
        return target().firstNode().port();
    }

    /** The hosts of the URL, for messages. */
    public String endpoint() {
        return RedisConnections.endpointOf(target());
    }

    /** The database index from the URI path, 0 when absent. */
    public int database() {
        return target().database();
    }

    /** The ACL user name from the URI, or null for the default user. */
    String user() {
        return target().user();
    }

    /** The password from the URI ({@code user:password} or a lone {@code password}), or null. */
    String password() {
        return target().password();
    }

    /** The Redis URI with any password replaced by {@code ***}. */
    public String redactedUri() {
        return RedisTarget.redact(redisUri.toString());
    }

    @Override
    public String toString() {
        return "FleetClientOptions[redisUri=" + redactedUri() + ", prefix=" + prefix + ", maxBacklog=" + maxBacklog
                + ", doneTimeout=" + doneTimeout + ", poolSize=" + poolSize + ", commandTimeout=" + commandTimeout
                + ", limits=" + limits + ", orchestratorUri="
                + (orchestratorUri == null ? null : OptionUris.redact(orchestratorUri))
                + ", apiKey=" + (apiKey == null ? null : "***") + ", httpTimeout=" + httpTimeout
                + ", redisMode=" + redisMode + ", sentinelPassword=" + (sentinelPassword == null ? null : "***")
                + ", partitions=" + partitions + ", waitReplicas=" + waitReplicas + ", waitTimeout=" + waitTimeout
                + "]";
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
    }

    /** Mutable builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private URI redisUri = URI.create(DEFAULT_REDIS_URI);
        private String prefix = StreamKeys.DEFAULT_PREFIX;
        private long maxBacklog = DEFAULT_MAX_BACKLOG;
        private Duration doneTimeout = DEFAULT_DONE_TIMEOUT;
        private int poolSize = DEFAULT_POOL_SIZE;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private MessageLimits limits = MessageLimits.DEFAULT;
        private URI orchestratorUri;
        private String apiKey;
        private Duration httpTimeout = DEFAULT_HTTP_TIMEOUT;
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();
        private String redisMode;
        private String sentinelPassword;
        private final Map<String, Integer> partitions = new LinkedHashMap<>();
        private Function<String, String> environment;
        private int waitReplicas;
        private Duration waitTimeout = DEFAULT_WAIT_TIMEOUT;

        private Builder() {}

        public Builder redisUri(URI value) {
            this.redisUri = value;
            return this;
        }

        /** Parses {@code value} as a URI; a malformed one fails here without echoing a password. */
        public Builder redisUri(String value) {
            Objects.requireNonNull(value, "redisUri");
            this.redisUri = OptionUris.parse("redisUri", value);
            return this;
        }

        public Builder prefix(String value) {
            this.prefix = value;
            return this;
        }

        public Builder maxBacklog(long value) {
            this.maxBacklog = value;
            return this;
        }

        public Builder doneTimeout(Duration value) {
            this.doneTimeout = value;
            return this;
        }

        public Builder poolSize(int value) {
            this.poolSize = value;
            return this;
        }

        public Builder commandTimeout(Duration value) {
            this.commandTimeout = value;
            return this;
        }

        public Builder limits(MessageLimits value) {
            this.limits = value;
            return this;
        }

        public Builder orchestratorUri(URI value) {
            this.orchestratorUri = value;
            return this;
        }

        /** Parses {@code value} as a URI, such as {@code http://127.0.0.1:8080}. */
        public Builder orchestratorUri(String value) {
            Objects.requireNonNull(value, "orchestratorUri");
            this.orchestratorUri = OptionUris.parse("orchestratorUri", value);
            return this;
        }

        public Builder apiKey(String value) {
            this.apiKey = value;
            return this;
        }

        public Builder httpTimeout(Duration value) {
            this.httpTimeout = value;
            return this;
        }

        public Builder openTelemetry(OpenTelemetry value) {
            this.openTelemetry = value;
            return this;
        }

        /** {@code standalone}, {@code cluster} or {@code sentinel} ({@code FLEET_REDIS_MODE}); null to detect. */
        public Builder redisMode(String value) {
            this.redisMode = value;
            return this;
        }

        /** The sentinels' own password ({@code FLEET_REDIS_SENTINEL_PASSWORD}); null when they need none. */
        public Builder sentinelPassword(String value) {
            this.sentinelPassword = value;
            return this;
        }

        /** Spreads {@code agent}'s tasks over {@code count} partitions (1..64). */
        public Builder partitions(String agent, int count) {
            this.partitions.put(agent, count);
            return this;
        }

        /** Looks {@code FLEET_AGENTS_<TYPE>_PARTITIONS} up here for types without {@link #partitions(String, int)}. */
        public Builder environment(Function<String, String> value) {
            this.environment = value;
            return this;
        }

        /** After each enqueue, WAIT until {@code replicas} replicas acknowledged it, at most {@code timeout}. */
        public Builder waitReplicas(int replicas, Duration timeout) {
            this.waitReplicas = replicas;
            this.waitTimeout = timeout;
            return this;
        }

        public FleetClientOptions build() {
            return new FleetClientOptions(
                    redisUri,
                    prefix,
                    maxBacklog,
                    doneTimeout,
                    poolSize,
                    commandTimeout,
                    limits,
                    orchestratorUri,
                    apiKey,
                    httpTimeout,
                    openTelemetry,
                    redisMode,
                    sentinelPassword,
                    partitions,
                    environment,
                    waitReplicas,
                    waitTimeout);
        }
    }
}
