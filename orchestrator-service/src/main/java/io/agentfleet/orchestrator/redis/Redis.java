package io.agentfleet.orchestrator.redis;

import io.agentfleet.messages.LuaScript;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
            RedisCommands<String, String> commands,
            LuaScript script,
            ScriptOutputType type,
            String[] keys,
            String... args) {
        try {
            return commands.evalsha(script.sha1(), type, keys, args);
        } catch (RedisNoScriptException e) {
            return commands.eval(script.source(), type, keys, args);
        }
    }

    /**
     * As {@link #eval} with {@link ScriptOutputType#MULTI}, for scripts with many or large arguments (transitions,
     * enqueues): keys and arguments are encoded to UTF-8 here, on the caller's thread, in bulk copies, so the event loop
     * only copies bytes; Lettuce's string codec writes character by character into Netty's buffers on the event loop,
     * which dominated the orchestrator's CPU profile. Same shared connection, so the command keeps its place in the
     * order of this process's other commands.
     *
     * @param args each a {@code String}, or a {@code byte[]} holding a value already encoded as UTF-8
     */
    public List<Object> evalMulti(LuaScript script, String[] keys, List<?> args) {
        try {
            return evalMulti(CommandType.EVALSHA, script.sha1(), keys, args);
        } catch (RedisNoScriptException e) {
            return evalMulti(CommandType.EVAL, script.source(), keys, args);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private List<Object> evalMulti(CommandType type, String script, String[] keys, List<?> args) {
        CommandArgs<byte[], byte[]> commandArgs =
                new CommandArgs<>(ByteArrayCodec.INSTANCE).add(utf8(script)).add(keys.length);
        for (String key : keys) {
            commandArgs.addKey(utf8(key));
        }
        for (Object value : args) {
            commandArgs.add(value instanceof byte[] bytes ? bytes : utf8((String) value));
        }
        // The arguments carry their own codec; the connection's (String) codec is not used for them.
        RedisFuture<List<Object>> reply =
                shared.async().dispatch(type, new NestedMultiOutput<>(StringCodec.UTF8), (CommandArgs) commandArgs);
        return LettuceFutures.awaitOrCancel(reply, shared.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
