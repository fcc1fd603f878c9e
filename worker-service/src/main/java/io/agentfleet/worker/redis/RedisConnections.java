package io.agentfleet.worker.redis;

import io.agentfleet.worker.config.RedisSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Redis connections: one shared, pipelined connection for scripts and short commands, and one dedicated
 * connection per consumer loop, because a blocking XREADGROUP holds its connection. Connections reconnect by
 * themselves; the first connect happens on first use, so callers (all supervised) retry it.
 */
public final class RedisConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);
    /** Upper bound for any one command; blocking reads block for much less. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    private final RedisSettings settings;
    private final ClientResources resources;
    private final RedisClient client;
    private static final RedisCodec<String, byte[]> STRING_KEYS_BYTE_VALUES =
            RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final List<StatefulRedisConnection<String, byte[]>> dedicated = new ArrayList<>();
    private StatefulRedisConnection<String, String> shared;
    private boolean closed;

    public RedisConnections(RedisSettings settings) {
        this.settings = settings;
        RedisURI uri = RedisURI.create(settings.url());
        uri.setTimeout(COMMAND_TIMEOUT);
        // Lettuce records a latency histogram per command by default; nothing reads it here, and on the I/O thread it
        // cost ~6% of that thread's CPU per outcome write (JFR of W1).
        this.resources = DefaultClientResources.builder()
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .keepAlive(true)
                        .build())
                .build());
    }

    /** The shared connection (thread-safe; commands from many threads are pipelined on it). */
    public synchronized StatefulRedisConnection<String, String> shared() {
        if (closed) {
            throw new IllegalStateException("Redis connections are closed");
        }
        if (shared == null) {
            shared = client.connect(StringCodec.UTF8);
            LOG.info("connected to Redis at {}", settings.redacted());
        }
        return shared;
    }

    /**
     * A new connection for one blocking consumer; the caller closes it (or {@link #close()} does). Values are raw
     * bytes: task messages are parsed from them directly instead of being turned into strings first.
     */
    public synchronized StatefulRedisConnection<String, byte[]> dedicated() {
        if (closed) {
            throw new IllegalStateException("Redis connections are closed");
        }
        StatefulRedisConnection<String, byte[]> connection = client.connect(STRING_KEYS_BYTE_VALUES);
        dedicated.add(connection);
        return connection;
    }

    public String redactedUrl() {
        return settings.redacted();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (StatefulRedisConnection<String, byte[]> c : dedicated) {
            c.closeAsync();
        }
        if (shared != null) {
            shared.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        // Resources passed to the client are not shut down with it.
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
