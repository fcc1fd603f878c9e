package io.agentfleet.worker.redis;

import io.agentfleet.messages.LuaScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Runs the shared Lua scripts with EVALSHA, falling back to EVAL (which also caches the script) on NOSCRIPT. */
public final class ScriptRunner {
    private final RedisConnections redis;

    public ScriptRunner(RedisConnections redis) {
        this.redis = redis;
    }

    public <T> CompletableFuture<T> run(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        RedisAsyncCommands<String, String> commands;
        try {
            commands = redis.shared().async();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<T> first = commands.evalsha(script.sha1(), type, keys, args);
        return first.toCompletableFuture().handle((value, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(value);
                    }
                    if (RedisErrors.isNoScript(error)) {
                        CompletionStage<T> retry = commands.eval(script.source(), type, keys, args);
                        return retry.toCompletableFuture();
                    }
                    return CompletableFuture.<T>failedFuture(RedisErrors.unwrap(error));
                })
                .thenCompose(f -> f);
    }
}
