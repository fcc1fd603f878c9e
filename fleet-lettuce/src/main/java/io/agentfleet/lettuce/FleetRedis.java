package io.agentfleet.lettuce;

import io.agentfleet.messages.LuaScript;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.ScriptCall;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services' one way to Redis, built from a {@link RedisTarget}: a standalone node, a Redis Cluster (from seed
 * nodes, or from one node's URL that answers {@code cluster_enabled:1} to {@code INFO cluster}), or a primary found
 * through Sentinel. It gives one shared, pipelined connection for scripts and short commands, dedicated connections
 * for blocking reads, script execution from a {@link ScriptCall}, consumer-group creation and WAIT for replicas.
 *
 * <p>Nothing connects before first use, so a process can start while Redis is down; the first use then fails and the
 * caller (supervised) tries again. Connections reconnect by themselves; a cluster connection follows MOVED/ASK and
 * refreshes its topology every 30 s and when redirected or reconnecting repeatedly.
 */
public final class FleetRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRedis.class);
    private static final RedisCodec<String, byte[]> STRING_KEYS_BYTE_VALUES =
            RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisTarget target;
    private final FleetRedisOptions options;
    private final ClientResources resources;
    private final RedisClients clients;
    private final List<StatefulConnection<?, ?>> dedicated = new ArrayList<>();
    private RedisTarget.Mode mode;
    private RedisClient client;
    private RedisClusterClient clusterClient;
    private FleetConnection<String, String> shared;
    private StatefulRedisClusterConnection<String, String> clusterShared;
    private boolean closed;

    private FleetRedis(RedisTarget target, FleetRedisOptions options) {
        this.target = Objects.requireNonNull(target, "target");
        this.options = Objects.requireNonNull(options, "options");
        // Lettuce records a latency histogram per command by default; nothing reads it here, and on the I/O thread it
        // cost ~6% of that thread's CPU per outcome write (JFR of W1).
        this.resources = DefaultClientResources.builder()
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .build();
        this.clients = new RedisClients(target, options, resources);
        this.mode = target.mode() == RedisTarget.Mode.AUTO ? null : target.mode();
    }

    /** Access to {@code target}; connects on first use (for a single node of unknown kind: detects a cluster then). */
    public static FleetRedis connect(RedisTarget target, FleetRedisOptions options) {
        return new FleetRedis(target, options);
    }

    public RedisTarget target() {
        return target;
    }

    public FleetRedisOptions options() {
        return options;
    }

    /** STANDALONE, CLUSTER or SENTINEL; connects to decide when the URL named one node of unknown kind. */
    public synchronized RedisTarget.Mode mode() {
        ensureClient();
        return mode;
    }

    public boolean isCluster() {
        return mode() == RedisTarget.Mode.CLUSTER;
    }

    /** Where Redis is, without the password, for logs. */
    public synchronized String describe() {
        return mode == null ? target.redacted() : mode.name().toLowerCase() + " " + target.redacted();
    }

    /** The shared connection (thread-safe; commands from many threads are pipelined on it). */
    public synchronized FleetConnection<String, String> shared() {
        ensureOpen();
        if (shared == null) {
            ensureClient();
            if (clusterClient != null) {
                clusterShared = clusterClient.connect(StringCodec.UTF8);
                shared = new FleetConnection<>(clusterShared, clusterShared.sync(), clusterShared.async());
            } else {
                StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
                shared = new FleetConnection<>(c, c.sync(), c.async());
            }
            LOG.info("connected to Redis ({})", describe());
        }
        return shared;
    }

    /** A new connection for one blocking command (XREADGROUP … BLOCK); the caller closes it (or {@link #close()}). */
    public FleetConnection<String, String> dedicated() {
        return dedicated(StringCodec.UTF8);
    }

    /** As {@link #dedicated()} with raw values: task messages are parsed from the bytes, not from a string. */
    public FleetConnection<String, byte[]> dedicatedBytes() {
        return dedicated(STRING_KEYS_BYTE_VALUES);
    }

    /**
     * A new connection with {@code codec}. On a cluster it is a cluster connection of its own, so a blocking read on
     * it goes to the primary of its key's slot (and follows MOVED after a failover) without holding up anyone else.
     */
    public synchronized <K, V> FleetConnection<K, V> dedicated(RedisCodec<K, V> codec) {
        ensureOpen();
        ensureClient();
        FleetConnection<K, V> connection;
        if (clusterClient != null) {
            StatefulRedisClusterConnection<K, V> c = clusterClient.connect(codec);
            connection = new FleetConnection<>(c, c.sync(), c.async());
        } else {
            StatefulRedisConnection<K, V> c = client.connect(codec);
            connection = new FleetConnection<>(c, c.sync(), c.async());
        }
        dedicated.removeIf(c -> !c.isOpen());
        dedicated.add(connection.connection());
        return connection;
    }

    /**
     * Runs {@code call} on the shared connection: EVALSHA, and EVAL (which also caches the script on that node) when
     * the node answers NOSCRIPT. Keys and arguments go out as the bytes they are (arguments are already UTF-8, so the
     * connection's I/O thread only copies them); on a cluster the call is routed by its first key.
     *
     * @param type MULTI, INTEGER, STATUS, VALUE or BOOLEAN; strings in the reply are decoded as UTF-8
     */
    public <T> CompletableFuture<T> run(ScriptCall call, ScriptOutputType type) {
        List<byte[]> keys = ScriptDispatch.encodedKeys(call);
        FleetConnection<String, String> connection;
        try {
            connection = shared();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return ScriptDispatch.run(connection, call, keys, type);
    }

    /** {@link #run} and wait for the reply (at most the command timeout); Redis errors are thrown as they are. */
    public <T> T runSync(ScriptCall call, ScriptOutputType type) {
        return await(run(call, type), options.commandTimeout().plusSeconds(1));
    }

    /**
     * Runs {@code script} on a given connection's synchronous commands (e.g. a consumer's dedicated one): EVALSHA, and
     * EVAL once when the node answers NOSCRIPT, as {@link #run} does on the shared connection.
     */
    @SafeVarargs
    public static <K, V, T> T runOn(
            RedisClusterCommands<K, V> commands, LuaScript script, ScriptOutputType type, K[] keys, V... args) {
        try {
            return commands.evalsha(script.sha1(), type, keys, args);
        } catch (RuntimeException e) {
            if (!RedisErrors.isNoScript(e)) {
                throw e;
            }
            return commands.eval(script.source(), type, keys, args);
        }
    }

    /**
     * Creates consumer group {@code group} on {@code stream} from {@code startId} ({@code 0}: everything already in
     * the stream; {@code $}: only what comes), creating the stream when missing.
     *
     * @return true when created, false when it existed (BUSYGROUP)
     */
    public boolean createGroup(String stream, String group, String startId) {
        return createGroup(shared(), stream, group, startId);
    }

    /** As {@link #createGroup(String, String, String)} on a given connection (e.g. a consumer's dedicated one). */
    public static <V> boolean createGroup(
            FleetConnection<String, V> connection, String stream, String group, String startId) {
        try {
            connection
                    .sync()
                    .xgroupCreate(
                            XReadArgs.StreamOffset.from(stream, startId), group, XGroupCreateArgs.Builder.mkstream());
            return true;
        } catch (RedisCommandExecutionException e) {
            if (RedisErrors.isBusyGroup(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Replicas each write must reach in {@link #awaitReplicas} (0 = WAIT is off). */
    public int waitReplicas() {
        return options.waitReplicas();
    }

    /**
     * After a write to {@code keyThatWasWritten} on the shared connection has been answered: {@code WAIT replicas
     * timeout} on the very connection that carried it (Redis counts the replication of the writes of the connection
     * it is sent on). Standalone and Sentinel: the shared connection; cluster: the shared cluster connection's
     * connection to the primary of the key's slot, the one its routed writes use. While a WAIT waits, commands
     * pipelined behind it on that connection wait too.
     *
     * @return how many replicas acknowledged; 0 at once when WAIT is off
     */
    public CompletableFuture<Long> awaitReplicas(String keyThatWasWritten) {
        int replicas = options.waitReplicas();
        if (replicas == 0) {
            return CompletableFuture.completedFuture(0L);
        }
        long timeoutMs = Math.max(1, options.waitTimeout().toMillis());
        try {
            FleetConnection<String, String> connection = shared();
            StatefulRedisClusterConnection<String, String> cluster;
            synchronized (this) {
                cluster = clusterShared;
            }
            if (cluster == null) {
                return connection
                        .async()
                        .waitForReplication(replicas, timeoutMs)
                        .toCompletableFuture();
            }
            return PerPrimary.awaitReplicas(cluster, keyThatWasWritten, replicas, timeoutMs);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Caches {@code scripts} on every primary (SCRIPT LOAD), so the first calls need no NOSCRIPT round trip. Best
     * effort: a failure only costs that round trip later.
     */
    public void loadScripts(List<LuaScript> scripts) {
        try {
            shared();
            StatefulRedisClusterConnection<String, String> cluster;
            synchronized (this) {
                cluster = clusterShared;
            }
            if (cluster == null) {
                for (LuaScript script : scripts) {
                    shared.sync().scriptLoad(script.source());
                }
                return;
            }
            PerPrimary.loadScripts(cluster, scripts);
        } catch (RuntimeException e) {
            LOG.debug("could not preload scripts (they load on first use): {}", e.toString());
        }
    }

    /** Waits for {@code future} up to {@code timeout}, unwrapping its failure. */
    public static <T> T await(CompletionStage<T> future, Duration timeout) {
        try {
            return future.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for Redis", e);
        } catch (ExecutionException e) {
            Throwable cause = RedisErrors.unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new io.lettuce.core.RedisCommandTimeoutException("no reply from Redis within " + timeout);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (StatefulConnection<?, ?> c : dedicated) {
            c.closeAsync();
        }
        if (shared != null) {
            shared.connection().close();
        }
        if (clusterClient != null) {
            clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        // Resources passed to the clients are not shut down with them.
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Redis connections are closed");
        }
    }

    /** Builds the client for the decided mode; for AUTO, asks the node first. Caller holds the lock. */
    private synchronized void ensureClient() {
        ensureOpen();
        if (client != null || clusterClient != null) {
            return;
        }
        if (mode == null) {
            mode = clients.detect();
        }
        switch (mode) {
            case CLUSTER -> clusterClient = clients.clusterClient();
            case STANDALONE, SENTINEL -> client = clients.standaloneClient(mode == RedisTarget.Mode.SENTINEL);
            case AUTO -> throw new IllegalStateException("mode must be decided");
        }
    }
}
