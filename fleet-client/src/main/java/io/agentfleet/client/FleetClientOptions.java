package io.agentfleet.client;

import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.StreamKeys;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link FleetClient}, validated when built: a bad value fails with the value in the message (the
 * password of the Redis URI is never part of a message or of {@link #toString()}).
 *
 * @param redisUri {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://} for TLS (the JVM's default
 *     trust store verifies the server)
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
        OpenTelemetry openTelemetry) {

    public static final String DEFAULT_REDIS_URI = "redis://127.0.0.1:6379";
    public static final int DEFAULT_PORT = 6379;
    public static final long DEFAULT_MAX_BACKLOG = 100_000;
    public static final Duration DEFAULT_DONE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_POOL_SIZE = 16;
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(30);

    public FleetClientOptions {
        Objects.requireNonNull(redisUri, "redisUri");
        requireRedisUri(redisUri);
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
            orchestratorUri = requireHttpUri(orchestratorUri);
        }
        if (apiKey != null && (apiKey.isBlank() || !apiKey.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            // The key itself is never echoed, not even a malformed one.
            throw new IllegalArgumentException("apiKey must be printable ASCII without spaces (value redacted)");
        }
        httpTimeout = httpTimeout == null ? DEFAULT_HTTP_TIMEOUT : httpTimeout;
        requirePositive("httpTimeout", httpTimeout);
        openTelemetry = openTelemetry == null ? OpenTelemetry.noop() : openTelemetry;
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

    /** Whether the connection uses TLS ({@code rediss://}). */
    public boolean tls() {
        return "rediss".equalsIgnoreCase(redisUri.getScheme());
    }

    public String host() {
        return redisUri.getHost();
    }

    public int port() {
        return redisUri.getPort() < 0 ? DEFAULT_PORT : redisUri.getPort();
    }

    /** {@code host:port}, for messages. */
    public String endpoint() {
        return host() + ":" + port();
    }

    /** The database index from the URI path, 0 when absent. */
    public int database() {
        String path = redisUri.getPath();
        return path == null || path.isEmpty() || path.equals("/") ? 0 : Integer.parseInt(path.substring(1));
    }

    /** The ACL user name from the URI, or null for the default user. */
    String user() {
        String info = redisUri.getRawUserInfo();
        if (info == null || info.indexOf(':') <= 0) {
            return null;
        }
        return decode(info.substring(0, info.indexOf(':')));
    }

    /** The password from the URI ({@code user:password} or a lone {@code password}), or null. */
    String password() {
        String info = redisUri.getRawUserInfo();
        if (info == null || info.isEmpty()) {
            return null;
        }
        int colon = info.indexOf(':');
        String password = colon < 0 ? info : info.substring(colon + 1);
        return password.isEmpty() ? null : decode(password);
    }

    /** The Redis URI with any password replaced by {@code ***}. */
    public String redactedUri() {
        return redact(redisUri);
    }

    @Override
    public String toString() {
        return "FleetClientOptions[redisUri=" + redactedUri() + ", prefix=" + prefix + ", maxBacklog=" + maxBacklog
                + ", doneTimeout=" + doneTimeout + ", poolSize=" + poolSize + ", commandTimeout=" + commandTimeout
                + ", limits=" + limits + ", orchestratorUri="
                + (orchestratorUri == null ? null : redact(orchestratorUri))
                + ", apiKey=" + (apiKey == null ? null : "***") + ", httpTimeout=" + httpTimeout + "]";
    }

    static String redact(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return uri.toString();
        }
        int colon = info.indexOf(':');
        String shown = colon < 0 ? "***" : info.substring(0, colon) + ":***";
        try {
            return new URI(uri.getScheme(), shown, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return uri.getScheme() + "://***@" + uri.getHost();
        }
    }

    private static void requireRedisUri(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("redis") || scheme.equalsIgnoreCase("rediss"))) {
            throw new IllegalArgumentException("redisUri must use redis:// or rediss://, but was " + redact(uri));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("redisUri must name a host, but was " + redact(uri));
        }
        String path = uri.getPath();
        if (path != null
                && !path.isEmpty()
                && !path.equals("/")
                && !path.substring(1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException(
                    "redisUri path must be a database number such as /0, but was " + redact(uri));
        }
    }

    private static URI requireHttpUri(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("orchestratorUri must use http:// or https://, but was " + redact(uri));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("orchestratorUri must name a host, but was " + redact(uri));
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "orchestratorUri must have no query or fragment, but was " + redact(uri));
        }
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
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

        private Builder() {}

        public Builder redisUri(URI value) {
            this.redisUri = value;
            return this;
        }

        /** Parses {@code value} as a URI; a malformed one fails here without echoing a password. */
        public Builder redisUri(String value) {
            Objects.requireNonNull(value, "redisUri");
            try {
                this.redisUri = new URI(value.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("redisUri is not a valid URI (" + e.getReason() + ")");
            }
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
            try {
                this.orchestratorUri = new URI(value.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("orchestratorUri is not a valid URI (" + e.getReason() + ")");
            }
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
                    openTelemetry);
        }
    }
}
