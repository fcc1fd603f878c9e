package io.agentfleet.lettuce;

import io.agentfleet.messages.ScriptCall;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** EVALSHA of a {@link ScriptCall} with its keys and arguments as bytes, falling back to EVAL on NOSCRIPT. */
final class ScriptDispatch {
    private ScriptDispatch() {}

    /** As {@link FleetRedis#run}, on {@code connection}, with {@code keys} from {@link #encodedKeys}. */
    static <T> CompletableFuture<T> run(
            FleetConnection<String, String> connection, ScriptCall call, List<byte[]> keys, ScriptOutputType type) {
        CommandOutput<String, String, T> first = output(type);
        return dispatch(connection, CommandType.EVALSHA, call.script().sha1(), keys, call.args(), first)
                .handle((value, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(value);
                    }
                    if (RedisErrors.isNoScript(error)) {
                        return dispatch(
                                connection,
                                CommandType.EVAL,
                                call.script().source(),
                                keys,
                                call.args(),
                                ScriptDispatch.<T>output(type));
                    }
                    return CompletableFuture.<T>failedFuture(RedisErrors.unwrap(error));
                })
                .thenCompose(f -> f);
    }

    /** The keys as UTF-8 ({@link ScriptCall} has checked that they are all in one slot). */
    static List<byte[]> encodedKeys(ScriptCall call) {
        List<byte[]> keys = new ArrayList<>(call.keys().size());
        for (String key : call.keys()) {
            keys.add(key.getBytes(StandardCharsets.UTF_8));
        }
        return keys;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> CompletableFuture<T> dispatch(
            FleetConnection<String, String> connection,
            CommandType command,
            String scriptOrSha,
            List<byte[]> keys,
            List<byte[]> args,
            CommandOutput<String, String, T> output) {
        CommandArgs<byte[], byte[]> commandArgs = new FramedArgs(scriptOrSha, keys, args);
        // The arguments carry their own (byte) codec; the connection's String codec decodes only the reply.
        return connection
                .async()
                .dispatch(command, output, (CommandArgs) commandArgs)
                .toCompletableFuture();
    }

    @SuppressWarnings("unchecked")
    private static <T> CommandOutput<String, String, T> output(ScriptOutputType type) {
        CommandOutput<String, String, ?> output = switch (type) {
            case MULTI -> new NestedMultiOutput<>(StringCodec.UTF8);
            case INTEGER -> new IntegerOutput<>(StringCodec.UTF8);
            case STATUS -> new StatusOutput<>(StringCodec.UTF8);
            case VALUE -> new ValueOutput<>(StringCodec.UTF8);
            case BOOLEAN -> new BooleanOutput<>(StringCodec.UTF8);
            default -> throw new IllegalArgumentException("unsupported script output type " + type);
        };
        return (CommandOutput<String, String, T>) output;
    }
}
