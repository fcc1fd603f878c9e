package io.agentfleet.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSentineled;

/**
 * A real Redis Sentinel set-up on loopback ports: one primary, one replica and three sentinels
 * ({@code redis-server --sentinel}) watching them under {@link #MASTER_NAME}; owned by the caller
 * and usable with or without JUnit.
 *
 * <p>Guarantees: {@link #start(Options)} returns only once the replica's link is up and every
 * sentinel sees the primary (not down), the replica and the two other sentinels. Data nodes keep
 * their port and data directory for the whole life of the set-up; each has a {@code redis.conf}
 * there that Sentinel rewrites ({@code CONFIG REWRITE}) when it changes the node's role, so a
 * restarted node comes back with the role Sentinel last gave it. A former primary restarted after
 * a failover still believes it is the primary until the sentinels turn it into a replica, which
 * they do only after it has reported the wrong role for a while (several seconds). {@link #close()}
 * (and, failing that, a JVM shutdown hook) kills every process and deletes the data.
 *
 * <p>Settings chosen for a fast failover on loopback: {@code down-after-milliseconds} 2000 and
 * {@code failover-timeout} 3000 (options), quorum 2 of 3, {@code sentinel resolve-hostnames no}
 * (addresses are IPs), {@code repl-diskless-sync-delay 0} so the replica is synchronised at once.
 */
public final class RedisSentinelSetup implements AutoCloseable {

    public static final String HOST = RedisProcess.HOST;
    public static final String MASTER_NAME = "fleet-primary";

    private static final int QUORUM = 2;
    private static final Duration CLIENT_TIMEOUT = RedisNodes.CLIENT_TIMEOUT;
    private static final Duration PROBE_TIMEOUT = RedisNodes.PROBE_TIMEOUT;

    /**
     * How to build the set-up.
     *
     * @param sentinels number of sentinels (quorum 2)
     * @param downAfter {@code sentinel down-after-milliseconds}
     * @param failoverTimeout {@code sentinel failover-timeout}
     * @param aof append-only persistence on the data nodes with {@code appendfsync always}
     * @param binary the {@code redis-server} to run, or null to pick one as {@link RedisProcess} does
     * @param readyTimeout how long start-up may take
     * @param security TLS (data nodes, replication and the sentinels themselves, all TLS-only) and/or
     *     an ACL user on the data nodes (the sentinels authenticate to them as it; the sentinels
     *     themselves take no password)
     */
    public record Options(
            int sentinels,
            Duration downAfter,
            Duration failoverTimeout,
            boolean aof,
            Path binary,
            Duration readyTimeout,
            RedisSecurity security) {

        // 2 s, not less: on a loaded 2-core CI machine 1 s made the sentinels fail over a healthy primary now and then.
        public static final Duration DEFAULT_DOWN_AFTER = Duration.ofMillis(2_000);
        public static final Duration DEFAULT_FAILOVER_TIMEOUT = Duration.ofMillis(3_000);
        public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

        public Options {
            if (sentinels < QUORUM) {
                throw new IllegalArgumentException("sentinels must be >= " + QUORUM + ", but was " + sentinels);
            }
            RedisNodes.requirePositive(downAfter, "downAfter");
            RedisNodes.requirePositive(failoverTimeout, "failoverTimeout");
            RedisNodes.requirePositive(readyTimeout, "readyTimeout");
            Objects.requireNonNull(security, "security");
        }

        public Options(
                int sentinels,
                Duration downAfter,
                Duration failoverTimeout,
                boolean aof,
                Path binary,
                Duration readyTimeout) {
            this(sentinels, downAfter, failoverTimeout, aof, binary, readyTimeout, RedisSecurity.none());
        }

        /** 3 sentinels, 1 s down-after, 3 s failover timeout, no AOF, the best binary, 60 s to get ready. */
        public static Options defaults() {
            return new Options(3, DEFAULT_DOWN_AFTER, DEFAULT_FAILOVER_TIMEOUT, false, null, DEFAULT_READY_TIMEOUT);
        }

        public Options withSentinels(int sentinels) {
            return new Options(sentinels, downAfter, failoverTimeout, aof, binary, readyTimeout, security);
        }

        public Options withDownAfter(Duration downAfter) {
            return new Options(sentinels, downAfter, failoverTimeout, aof, binary, readyTimeout, security);
        }

        public Options withFailoverTimeout(Duration failoverTimeout) {
            return new Options(sentinels, downAfter, failoverTimeout, aof, binary, readyTimeout, security);
        }

        public Options withAof(boolean aof) {
            return new Options(sentinels, downAfter, failoverTimeout, aof, binary, readyTimeout, security);
        }

        public Options withBinary(Path binary) {
            return new Options(sentinels, downAfter, failoverTimeout, aof, binary, readyTimeout, security);
        }

        public Options withReadyTimeout(Duration readyTimeout) {
            return new Options(sentinels, downAfter, failoverTimeout, aof, binary, readyTimeout, security);
        }

        /** Data nodes and sentinels TLS-only (replication and sentinel links too) with these certificates. */
        public Options withTls(TlsFiles tls) {
            return withSecurity(security.withTls(tls));
        }

        /** An ACL user with all rights on the data nodes; the replica and the sentinels authenticate as it. */
        public Options withUser(String user, String password) {
            return withSecurity(security.withUser(user, password));
        }

        public Options withSecurity(RedisSecurity security) {
            return new Options(sentinels, downAfter, failoverTimeout, aof, binary, readyTimeout, security);
        }
    }

    /** A data node (primary or replica) as the sentinels saw it when asked; {@code port} never changes. */
    public record Node(int port, RedisRole role) {

        public Node {
            Objects.requireNonNull(role, "role");
        }

        /** {@code redis://127.0.0.1:PORT}. */
        public String uri() {
            return "redis://" + HOST + ":" + port;
        }

        /** This node's URL as a client of a TLS and/or ACL set-up must use it. */
        public String uri(RedisSecurity security) {
            return security.uriPrefix("") + HOST + ":" + port;
        }

        public HostAndPort hostAndPort() {
            return new HostAndPort(HOST, port);
        }
    }

    private final Options options;
    private final Path root;
    private final RedisNodes dataNodes = new RedisNodes();
    private final RedisNodes sentinels = new RedisNodes();
    private int failedPrimaryPort = -1;

    private RedisSentinelSetup(Options options, Path root) {
        this.options = options;
        this.root = root;
    }

    /** Starts primary, replica and sentinels and waits until they all see each other. */
    public static RedisSentinelSetup start(Options options) {
        Objects.requireNonNull(options, "options");
        RedisSentinelSetup setup =
                new RedisSentinelSetup(options, RedisNodes.createRoot("agentfleet-redis-sentinel-", "Redis Sentinel"));
        RedisNodes.startOrClose(setup::startUp, setup::close);
        return setup;
    }

    /** {@link #start(Options)} with {@link Options#defaults()}. */
    public static RedisSentinelSetup start() {
        return start(Options.defaults());
    }

    /** {@code redis-sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3#fleet-primary} (Lettuce's syntax). */
    public String uri() {
        return options.security().uriPrefix("-sentinel")
                + sentinelPorts().stream().map(port -> HOST + ":" + port).collect(Collectors.joining(","))
                + "#" + MASTER_NAME;
    }

    public String masterName() {
        return MASTER_NAME;
    }

    public synchronized List<Integer> sentinelPorts() {
        return sentinels.ports();
    }

    /** The primary the sentinels report now. */
    public Node primary() {
        return new Node(reportedPrimaryPort(), RedisRole.PRIMARY);
    }

    /** The data node that is not {@link #primary()}. */
    public synchronized Node replica() {
        int primary = reportedPrimaryPort();
        return dataNodes.all().stream()
                .filter(p -> p.port() != primary)
                .findFirst()
                .map(p -> new Node(p.port(), RedisRole.REPLICA))
                .orElseThrow();
    }

    /** {@code kill -9} of a data node; returns once the process is gone. */
    public synchronized void kill(Node node) {
        rememberIfPrimary(node);
        process(node).kill();
    }

    /**
     * Starts a killed data node again on its port and data directory. A former primary whose place the sentinels have
     * given to another node comes back as a replica of the current primary, as the start scripts of Sentinel
     * deployments on Kubernetes do: started as it was, it would take writes as an empty primary until the sentinels
     * demote it (after ~20 s), and clients still connected to its address would lose them.
     */
    public synchronized void restart(Node node) {
        RedisProcess process = process(node);
        process.kill();
        int primary = awaitAgreedPrimaryPort();
        if (primary != node.port()) {
            followPrimary(process, primary);
        }
        process.start();
    }

    /** Rewrites a stopped data node's config so that it starts as a replica of {@code primaryPort}. */
    private static void followPrimary(RedisProcess process, int primaryPort) {
        Path config = process.dataDir().resolve("redis.conf");
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(config).stream()
                    .filter(line -> !line.startsWith("replicaof ") && !line.startsWith("slaveof "))
                    .toList());
            lines.add("replicaof " + HOST + " " + primaryPort);
            Files.write(config, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + config, e);
        }
    }

    /** SIGSTOP of a data node. */
    public synchronized void pause(Node node) {
        rememberIfPrimary(node);
        process(node).pause();
    }

    /** SIGCONT; a no-op when not paused. */
    public synchronized void resume(Node node) {
        process(node).resume();
    }

    public synchronized boolean isRunning(Node node) {
        return process(node).isRunning();
    }

    public synchronized long pid(Node node) {
        return process(node).pid();
    }

    /** Pids of every process of the set-up (data nodes and sentinels) that is running now. */
    public synchronized List<Long> pids() {
        List<Long> pids = new ArrayList<>(dataNodes.pids());
        pids.addAll(sentinels.pids());
        return pids;
    }

    /**
     * Resumes paused data nodes, restarts killed ones and waits until the set-up is healthy again;
     * a restarted former primary is turned into a replica by the sentinels first, which takes them
     * several seconds.
     */
    public synchronized void recover() {
        dataNodes.revive();
        sentinels.revive();
        awaitHealthy(options.readyTimeout());
    }

    /**
     * After {@link #kill(Node)} or {@link #pause(Node)} of the primary: waits until every running
     * sentinel reports another node as primary and that node says {@code role:master}; returns it.
     */
    public Node awaitFailover(Duration timeout) {
        int failed;
        synchronized (this) {
            failed = failedPrimaryPort;
        }
        if (failed < 0) {
            throw new IllegalStateException("no primary was killed or paused: nothing to fail over");
        }
        Await.until(
                timeout,
                () -> {
                    int reported = agreedPrimaryPort();
                    return reported > 0 && reported != failed && isMaster(reported);
                },
                "sentinels to promote a new primary instead of port " + failed);
        return primary();
    }

    /**
     * Waits until every running sentinel sees the primary up, every running replica linked to it,
     * and the other sentinels.
     */
    public void awaitHealthy(Duration timeout) {
        Await.until(timeout, this::isHealthy, "Sentinel set-up to be healthy: " + describe());
    }

    /** A new client that finds the primary through the sentinels; the caller closes it. */
    public JedisSentineled client() {
        Set<HostAndPort> addresses = new LinkedHashSet<>();
        for (int port : sentinelPorts()) {
            addresses.add(new HostAndPort(HOST, port));
        }
        JedisClientConfig config = RedisNodes.clientConfig(CLIENT_TIMEOUT, options.security());
        JedisClientConfig sentinelConfig =
                RedisNodes.clientConfig(CLIENT_TIMEOUT, options.security().withoutUser());
        return new JedisSentineled(MASTER_NAME, config, addresses, sentinelConfig);
    }

    public synchronized String describe() {
        return "Redis Sentinel set-up, data nodes "
                + dataNodes.describe()
                + ", sentinels "
                + sentinels.describe()
                + " in " + root;
    }

    /** Kills every process and deletes the data directories. */
    @Override
    public synchronized void close() {
        dataNodes.close();
        sentinels.close();
        Reaper.deleteNow(root);
    }

    @Override
    public String toString() {
        return describe();
    }

    // --- start-up -------------------------------------------------------------------------

    private void startUp() {
        startDataNodes();
        startSentinels();
        awaitHealthy(options.readyTimeout());
    }

    private void startDataNodes() {
        RedisProcess primary = startDataNode("primary", options.binary(), null);
        dataNodes.add(primary);
        dataNodes.add(startDataNode("replica", primary.binary(), primary.port()));
    }

    private RedisProcess startDataNode(String name, Path binary, Integer primaryPort) {
        Path dir = root.resolve(name);
        List<String> lines = new ArrayList<>(List.of("repl-diskless-sync yes", "repl-diskless-sync-delay 0"));
        if (primaryPort != null) {
            lines.add("replicaof " + HOST + " " + primaryPort);
        }
        Path config = RedisNodes.writeConfig(dir, "redis.conf", lines);
        return RedisProcess.start(
                RedisNodes.dataNodeOptions(dir, binary, options.aof(), options.security()), List.of(config.toString()));
    }

    private void startSentinels() {
        int primaryPort = dataNodes.get(0).port();
        Path binary = dataNodes.get(0).binary();
        for (int index = 0; index < options.sentinels(); index++) {
            Path dir = root.resolve("sentinel-" + index);
            List<String> lines = new ArrayList<>(List.of(
                    "sentinel resolve-hostnames no",
                    "sentinel monitor " + MASTER_NAME + " " + HOST + " " + primaryPort + " " + QUORUM,
                    "sentinel down-after-milliseconds " + MASTER_NAME + " "
                            + options.downAfter().toMillis(),
                    "sentinel failover-timeout " + MASTER_NAME + " "
                            + options.failoverTimeout().toMillis(),
                    "sentinel parallel-syncs " + MASTER_NAME + " 1"));
            if (options.security().hasUser()) {
                lines.add("sentinel auth-user " + MASTER_NAME + " "
                        + options.security().user());
                lines.add("sentinel auth-pass " + MASTER_NAME + " "
                        + options.security().password());
            }
            Path config = RedisNodes.writeConfig(dir, "sentinel.conf", lines);
            RedisProcess.Options sentinelOptions = RedisProcess.Options.defaults()
                    .withDataDir(dir)
                    .withBinary(binary)
                    .withSecurity(options.security().withoutUser());
            sentinels.add(RedisProcess.start(sentinelOptions, List.of(config.toString(), "--sentinel")));
        }
    }

    // --- state ----------------------------------------------------------------------------

    private boolean isHealthy() {
        int primary = agreedPrimaryPort();
        if (primary < 0 || !isMaster(primary)) {
            return false;
        }
        int otherSentinels = options.sentinels() - 1;
        for (RedisProcess sentinel : sentinels.running()) {
            try (Jedis jedis = RedisNodes.connect(sentinel.port(), PROBE_TIMEOUT, sentinel.security())) {
                Map<String, String> master = jedis.sentinelMaster(MASTER_NAME);
                if (!master.getOrDefault("flags", "").equals("master")
                        || Integer.parseInt(master.getOrDefault("num-other-sentinels", "0")) < otherSentinels
                        || !replicasUp(jedis)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean replicasUp(Jedis sentinel) {
        Set<Integer> seen = sentinel.sentinelReplicas(MASTER_NAME).stream()
                .filter(replica -> replica.getOrDefault("flags", "").equals("slave"))
                .filter(replica -> "ok".equals(replica.get("master-link-status")))
                .map(replica -> Integer.parseInt(replica.get("port")))
                .collect(Collectors.toSet());
        for (RedisProcess node : dataNodes.live()) {
            if (node.port() != reportedPrimaryPort() && !seen.contains(node.port())) {
                return false;
            }
        }
        return true;
    }

    /** The primary every running sentinel reports, once they agree (a lagging sentinel may still name the old one). */
    private int awaitAgreedPrimaryPort() {
        long deadline = System.nanoTime() + options.readyTimeout().toNanos();
        while (true) {
            int agreed = agreedPrimaryPort();
            if (agreed > 0) {
                return agreed;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the sentinels do not agree on a primary in " + describe());
            }
            Await.sleep(Await.POLL_INTERVAL);
        }
    }

    /** The primary's port if every running sentinel reports the same one, else -1. */
    private int agreedPrimaryPort() {
        Set<Integer> reported = new LinkedHashSet<>();
        for (RedisProcess sentinel : sentinels.running()) {
            try (Jedis jedis = RedisNodes.connect(sentinel.port(), PROBE_TIMEOUT, sentinel.security())) {
                List<String> address = jedis.sentinelGetMasterAddrByName(MASTER_NAME);
                reported.add(Integer.parseInt(address.get(1)));
            }
        }
        return reported.size() == 1 ? reported.iterator().next() : -1;
    }

    private int reportedPrimaryPort() {
        return RedisNodes.firstAnswer(
                sentinels.running(),
                jedis -> Integer.parseInt(
                        jedis.sentinelGetMasterAddrByName(MASTER_NAME).get(1)),
                () -> "no sentinel answers in " + describe());
    }

    private boolean isMaster(int port) {
        try (Jedis jedis = RedisNodes.connect(port, PROBE_TIMEOUT, options.security())) {
            return jedis.info("replication").contains("role:master");
        }
    }

    private void rememberIfPrimary(Node node) {
        if (node.port() == reportedPrimaryPort()) {
            failedPrimaryPort = node.port();
        }
    }

    private RedisProcess process(Node node) {
        return dataNodes
                .byPort(node.port())
                .orElseThrow(() -> new IllegalArgumentException(node + " is not a data node of " + describe()));
    }
}
