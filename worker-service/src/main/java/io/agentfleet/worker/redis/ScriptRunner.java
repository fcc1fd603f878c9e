package io.agentfleet.worker.redis;

import io.agentfleet.messages.LuaScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.List;
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
        return first.toCompletableFuture()
                .handle((value, error) -> {
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

    /**
     * Like {@link #run}, with keys and arguments already UTF-8 encoded by the caller: the connection's I/O thread
     * then copies bytes instead of encoding every character of large arguments (outcome messages), which made it the
     * worker's busiest thread. {@code keysThenArgs} holds the {@code numKeys} keys first, then the arguments; the
     * connection is not a cluster connection, so keys need no routing. Supports {@link ScriptOutputType#MULTI} and
     * {@link ScriptOutputType#INTEGER}.
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> runEncoded(
            LuaScript script, ScriptOutputType type, int numKeys, List<byte[]> keysThenArgs) {
        RedisAsyncCommands<String, String> commands;
        try {
            commands = redis.shared().async();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<T> first = (CompletionStage<T>)
                commands.dispatch(CommandType.EVALSHA, output(type), args(script.sha1(), numKeys, keysThenArgs));
        return first.toCompletableFuture()
                .handle((value, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(value);
                    }
                    if (RedisErrors.isNoScript(error)) {
                        CompletionStage<T> retry = (CompletionStage<T>) commands.dispatch(
                                CommandType.EVAL, output(type), args(script.source(), numKeys, keysThenArgs));
                        return retry.toCompletableFuture();
                    }
                    return CompletableFuture.<T>failedFuture(RedisErrors.unwrap(error));
                })
                .thenCompose(f -> f);
    }

    private static CommandArgs<String, String> args(String scriptOrSha, int numKeys, List<byte[]> keysThenArgs) {
        CommandArgs<String, String> args =
                new CommandArgs<>(StringCodec.UTF8).add(scriptOrSha).add(numKeys);
        for (byte[] value : keysThenArgs) {
            args.add(value);
        }
        return args;
    }

    private static CommandOutput<String, String, ?> output(ScriptOutputType type) {
        return switch (type) {
            case MULTI -> new NestedMultiOutput<>(StringCodec.UTF8);
            case INTEGER -> new IntegerOutput<>(StringCodec.UTF8);
            default -> throw new IllegalArgumentException("unsupported script output type " + type);
        };
    }
}
