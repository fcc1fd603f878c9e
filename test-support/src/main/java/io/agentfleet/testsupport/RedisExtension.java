package io.agentfleet.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * A real Redis for a test class; never a mock.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisExtension redis = RedisExtension.create();
 * }</pre>
 *
 * <p>Where the Redis comes from: {@link #create()} uses {@code REDIS_URL} when set, else a
 * Testcontainers Redis when Docker is available, else a {@code redis-server} process on a free
 * loopback port. {@link #owned()} and {@link #withAof()} ignore {@code REDIS_URL} and always start
 * a Redis the fixture controls (a local process first, else a container), for tests that stop,
 * kill, restart or pause it. When no Redis can be had, the class fails with an {@link
 * IllegalStateException} saying what was tried; it is never silently skipped.
 *
 * <p>Lifecycle: Redis starts at the latest in {@code beforeAll}, or earlier on the first call to
 * {@link #uri()} and friends (so a Micronaut {@code TestPropertyProvider} can read it). Before
 * each test the fixture brings a stopped or paused Redis back and runs {@code FLUSHALL}, unless
 * {@link #flushBeforeEach(boolean) flushBeforeEach(false)}. When the test class is done, after
 * every {@code @AfterAll} and other extension, the Redis is stopped and its data directory
 * deleted; a JVM shutdown hook kills anything left over, also when a test fails.
 *
 * <p>On a Redis Cluster: with {@code -Dfleet.test.redis=cluster} (or {@code
 * FLEET_TEST_REDIS=cluster}) {@link #create()} gives the one {@link RedisCluster} (3 primaries + 3
 * replicas) the JVM shares, started on first use and killed at exit; before each test {@code
 * FLUSHALL} runs on every primary. {@link #uri()} is then ONE node's URL (so that clients detect
 * the cluster), {@link #seedUri()} the seed list, {@link #client()} a cluster-aware client, and
 * {@link #jedis()} still a plain connection to the {@link #uri()} node only. {@link #ownedCluster()}
 * always starts a cluster for the test class, with fault injection node by node through {@link
 * #cluster()}; before each test it resumes paused nodes, restarts killed ones and waits until the
 * cluster is healthy. {@link #ownedSentinel()} likewise starts a {@link RedisSentinelSetup}
 * ({@link #uri()} is its {@code redis-sentinel://} URL, {@link #jedis()} connects to the current
 * primary, fault injection through {@link #sentinel()}).
 */
public final class RedisExtension implements BeforeAllCallback, BeforeEachCallback {

    /** Timeout of the clients returned by {@link #jedis()}; generous for a busy CI machine. */
    public static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(5);

    /** System property choosing the backend of {@link #create()}: {@code cluster} or {@code standalone}. */
    public static final String BACKEND_PROPERTY = "fleet.test.redis";

    /** Environment variable with the same meaning as {@link #BACKEND_PROPERTY}, used when the property is unset. */
    public static final String BACKEND_ENV = "FLEET_TEST_REDIS";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisExtension.class);

    /** What {@link #backend()} starts. */
    enum Topology {
        STANDALONE,
        SHARED_CLUSTER,
        OWNED_CLUSTER,
        OWNED_SENTINEL
    }

    private final boolean owned;
    private final boolean aof;
    private final boolean flushBeforeEach;
    private final UnaryOperator<String> env;
    private final Topology topology;
    private RedisBackend backend;
    private boolean cleanupRegistered;

    RedisExtension(boolean owned, boolean aof, boolean flushBeforeEach, UnaryOperator<String> env) {
        this(owned, aof, flushBeforeEach, env, Topology.STANDALONE);
    }

    RedisExtension(boolean owned, boolean aof, boolean flushBeforeEach, UnaryOperator<String> env, Topology topology) {
        this.topology = topology;
        this.owned = owned || aof;
        this.aof = aof;
        this.flushBeforeEach = flushBeforeEach;
        this.env = env;
    }

    /**
     * A Redis shared with whatever {@code REDIS_URL} points at, if set; no fault injection then. With
     * {@code -Dfleet.test.redis=cluster} (or {@code FLEET_TEST_REDIS=cluster}): the JVM's shared
     * Redis Cluster.
     */
    public static RedisExtension create() {
        return builder().build();
    }

    /** A Redis Cluster (3 primaries + 3 replicas) owned by the test class, for fault injection via {@link #cluster()}. */
    public static RedisExtension ownedCluster() {
        return new RedisExtension(true, false, true, System::getenv, Topology.OWNED_CLUSTER);
    }

    /**
     * A Sentinel set-up (primary, replica, 3 sentinels) owned by the test class, for fault injection
     * via {@link #sentinel()}.
     */
    public static RedisExtension ownedSentinel() {
        return new RedisExtension(true, false, true, System::getenv, Topology.OWNED_SENTINEL);
    }

    /** A Redis this fixture starts and controls, even when {@code REDIS_URL} is set. */
    public static RedisExtension owned() {
        return builder().owned(true).build();
    }

    /** An owned Redis with AOF on and {@code appendfsync always}: acknowledged writes survive kill -9. */
    public static RedisExtension withAof() {
        return builder().aof(true).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same fixture, with or without {@code FLUSHALL} before each test (default: with). */
    public RedisExtension flushBeforeEach(boolean flush) {
        return new RedisExtension(owned, aof, flush, env, topology);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        backend();
        registerCleanup(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        RedisBackend redis = backend();
        // Registered as an instance field, the extension sees no beforeAll: clean up after the test.
        registerCleanup(context);
        if (redis instanceof ClusterRedis cluster && cluster.isOwned()) {
            cluster.cluster().recover();
        }
        if (redis instanceof SentinelRedis sentinel) {
            sentinel.setup().recover();
        }
        if (redis.isControllable()) {
            redis.resume();
            if (!redis.isRunning()) {
                redis.start();
            }
        }
        if (flushBeforeEach) {
            flushAll();
        }
    }

    /** {@code redis://host:port} (for {@code REDIS_URL}, exactly that URL). */
    public String uri() {
        return backend().uri();
    }

    /** The cluster's seed list {@code redis://h:p1,h:p2,…}; for a single Redis the same as {@link #uri()}. */
    public String seedUri() {
        RedisBackend redis = backend();
        return redis instanceof ClusterRedis cluster ? cluster.cluster().seedUri() : redis.uri();
    }

    /** Whether this fixture's Redis is a Redis Cluster. */
    public boolean isCluster() {
        return backend() instanceof ClusterRedis;
    }

    /**
     * A new client that works on either backend ({@link JedisPooled} on one node, {@code
     * JedisCluster} on a cluster) with {@link #DEFAULT_CLIENT_TIMEOUT}; the caller closes it.
     */
    public UnifiedJedis client() {
        RedisBackend redis = backend();
        if (redis instanceof ClusterRedis cluster) {
            return cluster.cluster().client();
        }
        if (redis instanceof SentinelRedis sentinel) {
            return sentinel.setup().client();
        }
        return new JedisPooled(URI.create(redis.uri()), Math.toIntExact(DEFAULT_CLIENT_TIMEOUT.toMillis()));
    }

    /** The cluster behind this fixture, for fault injection node by node. */
    public RedisCluster cluster() {
        if (backend() instanceof ClusterRedis cluster) {
            return cluster.cluster();
        }
        throw new IllegalStateException("this RedisExtension is not a Redis Cluster: " + describe());
    }

    /** The Sentinel set-up behind this fixture, for fault injection node by node. */
    public RedisSentinelSetup sentinel() {
        if (backend() instanceof SentinelRedis sentinel) {
            return sentinel.setup();
        }
        throw new IllegalStateException("this RedisExtension is not a Sentinel set-up: " + describe());
    }

    public String host() {
        return backend().host();
    }

    public int port() {
        return backend().port();
    }

    /**
     * A new client with {@link #DEFAULT_CLIENT_TIMEOUT}; the caller closes it. On a cluster it talks
     * to the {@link #uri()} node only: use {@link #client()} for keys anywhere.
     */
    public Jedis jedis() {
        return jedis(DEFAULT_CLIENT_TIMEOUT);
    }

    /** A new client whose connect and socket timeouts are {@code timeout}; the caller closes it. */
    public Jedis jedis(Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        RedisBackend redis = backend();
        String node = redis instanceof SentinelRedis sentinel
                ? sentinel.setup().primary().uri()
                : redis.uri();
        return new Jedis(URI.create(node), millis, millis);
    }

    /** Deletes every key in every database (on a cluster: of every primary). */
    public void flushAll() {
        if (backend() instanceof ClusterRedis cluster) {
            cluster.cluster().flushAll();
            return;
        }
        try (Jedis jedis = jedis()) {
            jedis.flushAll();
        }
    }

    /** Whether fault injection works here (false only for {@code REDIS_URL}). */
    public boolean isControllable() {
        return backend().isControllable();
    }

    /** Graceful shutdown (SIGTERM, or Docker stop); returns once Redis has exited. */
    public void stop() {
        backend().stop();
    }

    /** {@code kill -9}; returns once the process is gone. */
    public void kill() {
        backend().kill();
    }

    /** Starts a stopped or killed Redis on the same port and data; returns once it answers PING. */
    public void start() {
        backend().start();
    }

    /** {@link #stop()} then {@link #start()}, same port, same data. */
    public void restart() {
        backend().restart();
    }

    /** SIGSTOP (or Docker pause): connections stay open but nothing is answered. */
    public void pause() {
        backend().pause();
    }

    /** Undoes {@link #pause()}. */
    public void resume() {
        backend().resume();
    }

    /** True while the server process is alive (a paused one counts as running). */
    public boolean isRunning() {
        return backend().isRunning();
    }

    /** Where this Redis comes from, e.g. for logging which backend a CI run used. */
    public String describe() {
        return backend().describe();
    }

    @Override
    public String toString() {
        synchronized (this) {
            return backend == null ? "RedisExtension(not started)" : "RedisExtension(" + backend.describe() + ")";
        }
    }

    synchronized RedisBackend backend() {
        if (backend == null) {
            backend = switch (topology) {
                case STANDALONE -> RedisBackends.open(owned, aof, env);
                case SHARED_CLUSTER -> ClusterRedis.shared();
                case OWNED_CLUSTER -> ClusterRedis.owned();
                case OWNED_SENTINEL -> SentinelRedis.owned();
            };
        }
        return backend;
    }

    /** Stops Redis and deletes what it wrote; the next use would start a fresh one. */
    synchronized void shutdown() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
        cleanupRegistered = false;
    }

    private synchronized void registerCleanup(ExtensionContext context) {
        if (!cleanupRegistered) {
            // Store values are closed after every afterAll/afterEach of that context, so Redis
            // outlives an application that other extensions shut down in their afterAll.
            context.getStore(NAMESPACE).put(this, (AutoCloseable) this::shutdown);
            cleanupRegistered = true;
        }
    }

    /** Options for a {@link RedisExtension}; unset options mean {@link #create()}. */
    public static final class Builder {
        private boolean owned;
        private boolean aof;
        private boolean flushBeforeEach = true;

        private Builder() {}

        /** Always start a Redis the fixture controls, ignoring {@code REDIS_URL}. */
        public Builder owned(boolean owned) {
            this.owned = owned;
            return this;
        }

        /** AOF with {@code appendfsync always}; implies {@link #owned(boolean) owned(true)}. */
        public Builder aof(boolean aof) {
            this.aof = aof;
            return this;
        }

        public Builder flushBeforeEach(boolean flushBeforeEach) {
            this.flushBeforeEach = flushBeforeEach;
            return this;
        }

        /**
         * Honours {@link #BACKEND_ENV} and {@link #BACKEND_PROPERTY} for an extension that is
         * neither owned nor AOF: {@code cluster} makes it the JVM's shared Redis Cluster.
         */
        public RedisExtension build() {
            Topology topology =
                    owned || aof ? Topology.STANDALONE : requestedTopology(System::getProperty, System::getenv);
            return new RedisExtension(owned, aof, flushBeforeEach, System::getenv, topology);
        }
    }

    static Topology requestedTopology(UnaryOperator<String> properties, UnaryOperator<String> env) {
        // The property wins: Surefire sets it for the extra cluster execution of a suite.
        String fromProperty = properties.apply(BACKEND_PROPERTY);
        String requested = fromProperty != null && !fromProperty.isBlank() ? fromProperty : env.apply(BACKEND_ENV);
        if (requested == null || requested.isBlank() || requested.trim().equalsIgnoreCase("standalone")) {
            return Topology.STANDALONE;
        }
        if (requested.trim().equalsIgnoreCase("cluster")) {
            return Topology.SHARED_CLUSTER;
        }
        throw new IllegalArgumentException(
                BACKEND_PROPERTY + "/" + BACKEND_ENV + " must be cluster or standalone, but was " + requested);
    }
}
