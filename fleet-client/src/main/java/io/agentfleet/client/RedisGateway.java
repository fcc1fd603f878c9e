package io.agentfleet.client;

import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.ScriptCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * The one Jedis access layer of the client and {@code fleetctl} (opened by {@link RedisConnections}): runs commands
 * and {@link ScriptCall}s (EVALSHA with EVAL on NOSCRIPT, WAIT for replicas, pipelines) and turns Jedis failures into
 * the client's exception tree.
 */
final class RedisGateway implements AutoCloseable {
    private final UnifiedJedis jedis;
    private final RedisTarget target;
    private final String endpoint;
    /** The cluster's slot map, or null: pipelines do not renew it themselves after a failover, so failures do. */
    private final ClusterConnectionProvider cluster;

    RedisGateway(UnifiedJedis jedis, RedisTarget target, ClusterConnectionProvider cluster) {
        this.jedis = jedis;
        this.target = target;
        this.cluster = cluster;
        this.endpoint = RedisConnections.endpointOf(target);
    }

    String endpoint() {
        return endpoint;
    }

    /** The target with its mode decided (detection done). */
    RedisTarget target() {
        return target;
    }

    /** Runs one Redis interaction, turning Jedis failures into {@link FleetException}s that name what was done. */
    <T> T call(String what, Function<UnifiedJedis, T> operation) {
        try {
            return operation.apply(jedis);
        } catch (JedisAccessControlException e) {
            throw new FleetConnectionException(
                    endpoint, "authentication failed while " + what + ": " + e.getMessage(), e);
        } catch (JedisDataException e) {
            throw new FleetException("Redis at " + endpoint + " refused " + what + ": " + e.getMessage(), e);
        } catch (JedisConnectionException | JedisClusterOperationException e) {
            // A cluster with no reachable node for a slot (or redirected too often) is unreachable for that command.
            renewSlotMap();
            throw connectionFailure(what, e);
        } catch (JedisException e) {
            if (e.getCause() instanceof JedisConnectionException || e.getCause() instanceof NoSuchElementException) {
                renewSlotMap();
                throw connectionFailure(what, e);
            }
            throw new FleetException("Redis at " + endpoint + " failed while " + what + ": " + e.getMessage(), e);
        }
    }

    /** After a failover the next attempt should go to the promoted replica: read the slot map again. */
    private void renewSlotMap() {
        if (cluster != null) {
            try {
                cluster.renewSlotCache();
            } catch (RuntimeException unreachable) {
                // The next call fails the same way and tries again.
            }
        }
    }

    FleetConnectionException connectionFailure(String what, Exception e) {
        return new FleetConnectionException(endpoint, "unreachable while " + what + " (" + rootMessage(e) + ")", e);
    }

    /**
     * Runs {@code call} with EVALSHA on the node of its slot, and once with EVAL when that node does not have the
     * script cached (NOSCRIPT). Error replies reach the caller as {@link JedisDataException}, so it can recognise a
     * script's own errors. Use inside {@link #call}.
     */
    Object run(ScriptCall call) {
        List<byte[]> keys = keyBytes(call);
        try {
            return jedis.evalsha(ascii(call.script().sha1()), keys, call.args());
        } catch (JedisDataException e) {
            if (isNoScript(e)) {
                return jedis.eval(utf8(call.script().source()), keys, call.args());
            }
            throw e;
        }
    }

    /** A script call's reply and how many replicas acknowledged it (-1 when no WAIT was asked for). */
    record Durable(Object reply, long acknowledged) {}

    /**
     * Runs {@code call} like {@link #run}, then, when {@code replicas > 0}, sends {@code WAIT replicas timeout} on the
     * same connection (one pipeline routed by the call's first key, so on a cluster it goes to the node that took the
     * write). Use inside {@link #call}.
     */
    Durable runDurably(ScriptCall call, int replicas, Duration timeout) {
        if (replicas <= 0) {
            return new Durable(run(call), -1);
        }
        try {
            return pipelinedWithWait(call, false, replicas, timeout);
        } catch (JedisDataException e) {
            if (isNoScript(e)) {
                return pipelinedWithWait(call, true, replicas, timeout);
            }
            throw e;
        }
    }

    private Durable pipelinedWithWait(ScriptCall call, boolean source, int replicas, Duration timeout) {
        try (PipelineBase pipeline = jedis.pipelined()) {
            Response<Object> reply = source
                    ? pipeline.eval(utf8(call.script().source()), keyBytes(call), call.args())
                    : pipeline.evalsha(ascii(call.script().sha1()), keyBytes(call), call.args());
            Response<Long> acks = pipeline.waitReplicas(call.firstKey(), replicas, timeout.toMillis());
            pipeline.sync();
            return new Durable(replyOf(reply), replyOf(acks));
        }
    }

    /**
     * A cluster pipeline logs a failed node connection and leaves that node's replies unset, which {@link
     * Response#get()} reports as an IllegalStateException: it is a connection failure, so the caller may retry.
     */
    private static <T> T replyOf(Response<T> response) {
        try {
            return response.get();
        } catch (IllegalStateException e) {
            throw new JedisConnectionException("no reply: the connection to the call's node failed in the pipeline", e);
        }
    }

    /**
     * Runs {@code calls} in one pipeline (a cluster pipeline routes each by its first key, one connection per node)
     * with EVAL of the source: an EVALSHA answered NOSCRIPT in the middle would have to be re-sent after later calls,
     * breaking per-stream order, and the script text is small next to a chunk of tasks. When {@code replicas > 0},
     * one WAIT follows the last call of each slot, on the connection that carried it.
     *
     * @return per call, its reply or the {@link JedisDataException} of its error reply; and per call the acks (or -1)
     */
    List<Durable> runPipelined(List<ScriptCall> calls, int replicas, Duration timeout) {
        List<Response<Object>> replies = new ArrayList<>(calls.size());
        List<Response<Long>> acks = new ArrayList<>(calls.size());
        try (PipelineBase pipeline = jedis.pipelined()) {
            for (int i = 0; i < calls.size(); i++) {
                ScriptCall call = calls.get(i);
                replies.add(pipeline.eval(utf8(call.script().source()), keyBytes(call), call.args()));
                boolean lastOfSlot = true;
                for (int j = i + 1; j < calls.size() && lastOfSlot; j++) {
                    lastOfSlot = calls.get(j).slot() != call.slot();
                }
                acks.add(
                        replicas > 0 && lastOfSlot
                                ? pipeline.waitReplicas(call.firstKey(), replicas, timeout.toMillis())
                                : null);
            }
            pipeline.sync();
        }
        List<Durable> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            Object reply;
            try {
                reply = replyOf(replies.get(i));
            } catch (JedisDataException e) {
                reply = e;
            }
            out.add(new Durable(reply, acks.get(i) == null ? -1 : replyOf(acks.get(i))));
        }
        return out;
    }

    private static List<byte[]> keyBytes(ScriptCall call) {
        return call.keys().stream().map(RedisGateway::utf8).toList();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** An ACL refusal: NOPERM for a command, or (Redis 7.0) this error for a command run inside a script. */
    static boolean isPermissionDenied(JedisDataException e) {
        String message = e.getMessage();
        return message != null
                && (message.startsWith("NOPERM") || message.contains("can't run this command or subcommand"));
    }

    static boolean isNoScript(JedisDataException e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        jedis.close();
    }
}
