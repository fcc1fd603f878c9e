package io.agentfleet.orchestrator.redis;

import io.agentfleet.messages.LuaScript;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The orchestrator's Redis access: one shared, multiplexed connection for ordinary commands (concurrent callers on
 * virtual threads pipeline over it), and dedicated connections for blocking reads (STACK.md pitfall 8).
 */
@Singleton
public class Redis {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> shared;

    public Redis(RedisClient client) {
        this.client = client;
        this.shared = client.connect();
    }

    public RedisCommands<String, String> sync() {
        return shared.sync();
    }

    public RedisAsyncCommands<String, String> async() {
        return shared.async();
    }

    /** A new connection owned by the caller, for blocking commands. */
    public StatefulRedisConnection<String, String> dedicated() {
        return client.connect();
    }

    /** Runs a script by EVALSHA, loading it with EVAL when Redis does not know it (first use, or after a restart). */
    public <T> T eval(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        return eval(sync(), script, type, keys, args);
    }

    public static <T> T eval(
            RedisCommands<String, String> commands, LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        try {
            return commands.evalsha(script.sha1(), type, keys, args);
        } catch (RedisNoScriptException e) {
            return commands.eval(script.source(), type, keys, args);
        }
    }

    /** Waits for an async command, unwrapping its failure. */
    public static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for Redis", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @PreDestroy
    void close() {
        shared.close();
    }
}
