package io.agentfleet.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Chooses where a test's Redis comes from, and says what it tried when nothing worked. */
final class RedisBackends {

    static final String REDIS_URL = "REDIS_URL";

    private RedisBackends() {}

    /**
     * Shared fixtures: {@code REDIS_URL}, else a Testcontainers Redis, else a local process. Owned
     * fixtures (fault injection, AOF): a local process first, because it gives a pid, signals and
     * a stable port without Docker, else a container.
     */
    static RedisBackend open(boolean owned, boolean aof, UnaryOperator<String> env) {
        List<String> tried = new ArrayList<>();
        if (!owned) {
            String url = env.apply(REDIS_URL);
            if (url != null && !url.isBlank()) {
                return new ExternalRedis(url.trim()).verifyReachable();
            }
            tried.add(REDIS_URL + " is not set");
        }
        RedisBackend backend = owned ? processThenContainer(aof, tried) : containerThenProcess(aof, tried);
        if (backend == null) {
            throw new IllegalStateException("No Redis available for tests. Tried: " + String.join("; ", tried)
                    + ". Install redis-server, start Docker, or set " + REDIS_URL + ".");
        }
        return backend;
    }

    private static RedisBackend containerThenProcess(boolean aof, List<String> tried) {
        RedisBackend container = container(aof, tried);
        return container != null ? container : process(aof, tried);
    }

    private static RedisBackend processThenContainer(boolean aof, List<String> tried) {
        RedisBackend process = process(aof, tried);
        return process != null ? process : container(aof, tried);
    }

    private static RedisBackend container(boolean aof, List<String> tried) {
        if (!ContainerRedis.dockerAvailable()) {
            tried.add("Testcontainers: no Docker environment");
            return null;
        }
        try {
            return ContainerRedis.start(aof);
        } catch (RuntimeException e) {
            tried.add("Testcontainers: " + e);
            return null;
        }
    }

    private static RedisBackend process(boolean aof, List<String> tried) {
        try {
            return RedisProcess.start(RedisProcess.Options.defaults().withAof(aof));
        } catch (RuntimeException e) {
            tried.add("local process: " + e.getMessage());
            return null;
        }
    }
}
