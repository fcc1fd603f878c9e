package io.agentfleet.worker.llm;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.function.Supplier;

/**
 * The rate limiter's own Redis connection, opened on first use (so a worker without rate limits never opens it, and
 * a Redis that is down at start-up delays only rate-limited calls, which fail retryably meanwhile).
 */
final class LazyRedis implements Supplier<StatefulRedisConnection<String, String>>, AutoCloseable {
    static final String DEFAULT_URL = "redis://127.0.0.1:6379";

    private final Supplier<String> url;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    /** @param url the Redis URL, possibly with a password: never logged */
    LazyRedis(Supplier<String> url) {
        this.url = url;
    }

    @Override
    public synchronized StatefulRedisConnection<String, String> get() {
        if (connection == null) {
            if (client == null) {
                client = RedisClient.create(url.get());
            }
            connection = client.connect();
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        if (client != null) {
            client.shutdown();
            client = null;
        }
    }
}
