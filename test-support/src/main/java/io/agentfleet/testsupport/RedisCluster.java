package io.agentfleet.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A real Redis Cluster of {@code redis-server} processes on loopback ports (3 primaries with one
 * replica each by default), owned by the caller and usable with or without JUnit.
 *
 * <p>Guarantees: {@link #start(Options)} returns only once every node reports {@code
 * cluster_state:ok}, every node sees the same owner for each of the 16384 slots, and every replica
 * has {@code master_link_status:up}. Each node keeps its port and data directory (with its {@code
 * redis.conf} and {@code nodes.conf}) for the whole life of the cluster, so {@link #restart(Node)}
 * after {@link #kill(Node)} brings back the same node id, which rejoins (as a replica once its
 * slots were taken over). The binary is the one {@link RedisProcess} picks (Debian's on PATH, else
 * embedded-redis 6.2, where {@code CLUSTER ADDSLOTSRANGE} falls back to {@code ADDSLOTS}). {@link
 * #close()} (and, failing that, a JVM shutdown hook) kills every node and deletes the data.
 *
 * <p>Settings chosen for a fast, reliable failover on loopback:
 *
 * <ul>
 *   <li>{@code cluster-node-timeout} 2000 ms (an option): a dead or paused primary is flagged
 *       FAIL after that, and its replica is elected about a second later.
 *   <li>{@code cluster-replica-validity-factor 0}: a replica always stands for election, however
 *       long its link to the primary has been down (with the default 10, a replica whose primary
 *       was paused is refused as "too old" once the link timed out).
 *   <li>{@code repl-diskless-sync yes} with {@code repl-diskless-sync-delay 0}: a replica (and a
 *       restarted former primary) is synchronised at once instead of after the default 5 s wait.
 *   <li>{@code repl-ping-replica-period 1}: replicas notice a silent primary sooner.
 *   <li>{@code cluster-require-full-coverage} stays {@code yes} (Redis' default, and what
 *       production runs): while a primary is down and not yet replaced the whole cluster refuses
 *       commands, which is the harsher case for clients. {@code cluster-allow-reads-when-down}
 *       stays {@code no}.
 *   <li>No RDB snapshots; AOF only with {@link Options#aof()} ({@code appendfsync always}).
 * </ul>
 */
public final class RedisCluster implements AutoCloseable {

    public static final String HOST = RedisProcess.HOST;

    private static final String CONFIG_FILE = "redis.conf";
    private static final Duration CLIENT_TIMEOUT = RedisNodes.CLIENT_TIMEOUT;
    private static final Duration PROBE_TIMEOUT = RedisNodes.PROBE_TIMEOUT;

    /**
     * How to build the cluster.
     *
     * @param primaries number of primaries (slots are split evenly), at least 3 as Redis requires
     *     for a failover vote with one node down
     * @param replicasPerPrimary replicas of each primary
     * @param nodeTimeout {@code cluster-node-timeout}
     * @param aof append-only persistence with {@code appendfsync always}
     * @param binary the {@code redis-server} to run, or null to pick one as {@link RedisProcess} does
     * @param readyTimeout how long start-up and each internal wait may take
     * @param security TLS (client port, cluster bus and replication: {@code tls-cluster yes}) and/or
     *     an ACL user (also what replicas authenticate with)
     */
    public record Options(
            int primaries,
            int replicasPerPrimary,
            Duration nodeTimeout,
            boolean aof,
            Path binary,
            Duration readyTimeout,
            RedisSecurity security) {

        public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(2_000);
        public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

        public Options {
            if (primaries < 3) {
                throw new IllegalArgumentException("primaries must be >= 3, but was " + primaries);
            }
            if (replicasPerPrimary < 0) {
                throw new IllegalArgumentException("replicasPerPrimary must be >= 0, but was " + replicasPerPrimary);
            }
            RedisNodes.requirePositive(nodeTimeout, "nodeTimeout");
            RedisNodes.requirePositive(readyTimeout, "readyTimeout");
            Objects.requireNonNull(security, "security");
        }

        public Options(
                int primaries,
                int replicasPerPrimary,
                Duration nodeTimeout,
                boolean aof,
                Path binary,
                Duration readyTimeout) {
            this(primaries, replicasPerPrimary, nodeTimeout, aof, binary, readyTimeout, RedisSecurity.none());
        }

        /** 3 primaries + 3 replicas, 2 s node timeout, no AOF, the best binary, 60 s to get ready. */
        public static Options defaults() {
            return new Options(3, 1, DEFAULT_NODE_TIMEOUT, false, null, DEFAULT_READY_TIMEOUT);
        }

        public Options withPrimaries(int primaries) {
            return new Options(primaries, replicasPerPrimary, nodeTimeout, aof, binary, readyTimeout, security);
        }

        public Options withReplicasPerPrimary(int replicasPerPrimary) {
            return new Options(primaries, replicasPerPrimary, nodeTimeout, aof, binary, readyTimeout, security);
        }

        public Options withNodeTimeout(Duration nodeTimeout) {
            return new Options(primaries, replicasPerPrimary, nodeTimeout, aof, binary, readyTimeout, security);
        }

        public Options withAof(boolean aof) {
            return new Options(primaries, replicasPerPrimary, nodeTimeout, aof, binary, readyTimeout, security);
        }

        public Options withBinary(Path binary) {
            return new Options(primaries, replicasPerPrimary, nodeTimeout, aof, binary, readyTimeout, security);
        }

        public Options withReadyTimeout(Duration readyTimeout) {
            return new Options(primaries, replicasPerPrimary, nodeTimeout, aof, binary, readyTimeout, security);
        }

        /** Every node TLS-only (client port, cluster bus, replication) with these certificates. */
        public Options withTls(TlsFiles tls) {
            return withSecurity(security.withTls(tls));
        }

        /** An ACL user with all rights on every node; replicas authenticate as it. */
        public Options withUser(String user, String password) {
            return withSecurity(security.withUser(user, password));
        }

        public Options withSecurity(RedisSecurity security) {
            return new Options(primaries, replicasPerPrimary, nodeTimeout, aof, binary, readyTimeout, security);
        }

        int nodeCount() {
            return primaries * (1 + replicasPerPrimary);
        }
    }

    /**
     * A node as the cluster saw it when asked; {@code id} and {@code port} never change, {@code
     * role} and {@code primaryId} (null for a primary) do on failover.
     */
    public record Node(String id, int port, RedisRole role, String primaryId) {

        public Node {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(role, "role");
        }

        /** {@code redis://127.0.0.1:PORT}. */
        public String uri() {
            return "redis://" + HOST + ":" + port;
        }

        /** This node's URL as a client of a TLS and/or ACL cluster must use it. */
        public String uri(RedisSecurity security) {
            return security.uriPrefix("") + HOST + ":" + port;
        }

        public HostAndPort hostAndPort() {
            return new HostAndPort(HOST, port);
        }
    }

    private final Options options;
    private final Path root;
    private final RedisNodes processes = new RedisNodes();
    private final Map<String, int[]> slotsAtFault = new ConcurrentHashMap<>();

    private RedisCluster(Options options, Path root) {
        this.options = options;
        this.root = root;
    }

    /** Starts the nodes, assigns the slots, joins them and waits until the cluster is healthy. */
    public static RedisCluster start(Options options) {
        Objects.requireNonNull(options, "options");
        RedisCluster cluster =
                new RedisCluster(options, RedisNodes.createRoot("agentfleet-redis-cluster-", "Redis Cluster"));
        RedisNodes.startOrClose(cluster::startUp, cluster::close);
        return cluster;
    }

    /** {@link #start(Options)} with {@link Options#defaults()}. */
    public static RedisCluster start() {
        return start(Options.defaults());
    }

    /** Seed list of the current live primaries: {@code redis://127.0.0.1:p1,127.0.0.1:p2,…}. */
    public String seedUri() {
        return options.security().uriPrefix("")
                + nodes().stream()
                        .filter(node -> node.role() == RedisRole.PRIMARY && isLive(node.port()))
                        .map(node -> HOST + ":" + node.port())
                        .collect(Collectors.joining(","));
    }

    /** One live primary's {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return nodes().stream()
                .filter(node -> node.role() == RedisRole.PRIMARY && isLive(node.port()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no live primary in " + describe()))
                .uri(options.security());
    }

    /** Every node of the cluster (live or not), ordered by port, as a live node sees them now. */
    public List<Node> nodes() {
        ClusterNodesView view = anyLiveView();
        return view.entries().stream()
                .map(entry -> new Node(entry.id(), entry.port(), entry.role(), entry.primaryId()))
                .sorted(Comparator.comparingInt(Node::port))
                .toList();
    }

    /** The primary serving {@code key}'s slot (hash tags respected). */
    public Node primaryForKey(String key) {
        return primaryForSlot(JedisClusterCRC16.getSlot(key));
    }

    public Node primaryForSlot(int slot) {
        if (slot < 0 || slot >= ClusterNodesView.SLOTS) {
            throw new IllegalArgumentException("slot must be in 0..16383, but was " + slot);
        }
        String owner = anyLiveView().ownerOf(slot);
        if (owner == null) {
            throw new IllegalStateException("no node serves slot " + slot + " in " + describe());
        }
        return node(owner);
    }

    /**
     * Names {@code prefix0}, {@code prefix1}, … (at most 200 tried) whose {@code keyOf} keys are served
     * by different primaries, at most {@code count}: the port of each primary to the first such name, in
     * the order found. Fewer than {@code count} only when the cluster has fewer primaries.
     */
    public Map<Integer, String> namesOnDistinctPrimaries(int count, String prefix, UnaryOperator<String> keyOf) {
        Map<Integer, String> byPort = new LinkedHashMap<>();
        for (int i = 0; i < 200 && byPort.size() < count; i++) {
            String name = prefix + i;
            byPort.putIfAbsent(primaryForKey(keyOf.apply(name)).port(), name);
        }
        return byPort;
    }

    /** A replica of {@code primary}, as the cluster sees it now. */
    public Node replicaOf(Node primary) {
        return nodes().stream()
                .filter(node -> primary.id().equals(node.primaryId()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("node " + primary + " has no replica in " + describe()));
    }

    /** {@code kill -9}; returns once the process is gone. */
    public synchronized void kill(Node node) {
        rememberSlots(node);
        process(node).kill();
    }

    /** Starts a killed node again on its port and data directory; returns once it answers PING. */
    public synchronized void restart(Node node) {
        RedisNodes.restart(process(node));
    }

    /** SIGSTOP: the node keeps its connections but answers nothing (nor gossips) until resumed. */
    public synchronized void pause(Node node) {
        rememberSlots(node);
        process(node).pause();
    }

    /** SIGCONT; a no-op when not paused. */
    public synchronized void resume(Node node) {
        process(node).resume();
    }

    /** True while the node's process is alive (paused or not). */
    public synchronized boolean isRunning(Node node) {
        return process(node).isRunning();
    }

    /** The node's pid (it changes with every restart). */
    public synchronized long pid(Node node) {
        return process(node).pid();
    }

    /**
     * Resumes every paused node, restarts every killed one and waits until the cluster is healthy
     * again (former primaries whose slots were taken over stay replicas).
     */
    public synchronized void recover() {
        processes.revive();
        awaitHealthy();
    }

    /**
     * Waits until a replica of {@code failedPrimary} (killed or paused) serves its slots as seen by
     * every live node, and every live node reports {@code cluster_state:ok}; returns that node.
     */
    public Node awaitFailover(Node failedPrimary, Duration timeout) {
        int[] slots = slotsAtFault.getOrDefault(failedPrimary.id(), new int[0]);
        if (slots.length == 0) {
            throw new IllegalArgumentException(
                    failedPrimary + " served no slots when it was killed or paused: nothing to fail over");
        }
        int slot = slots[0];
        Await.until(
                timeout,
                () -> isHealthy() && !failedPrimary.id().equals(anyLiveView().ownerOf(slot)),
                "a replica of " + failedPrimary + " to take over slot " + slot + " in " + describe());
        return primaryForSlot(slot);
    }

    /** {@link #awaitHealthy(Duration)} with the ready timeout of the options. */
    public void awaitHealthy() {
        awaitHealthy(options.readyTimeout());
    }

    /**
     * Waits until every live node (running, not paused) reports {@code cluster_state:ok}, they
     * agree on the owner of every slot, none of them flags another live node as failing, and every
     * live replica's link to its primary is up.
     */
    public void awaitHealthy(Duration timeout) {
        Await.until(timeout, this::isHealthy, "Redis Cluster to be healthy: " + describe());
    }

    /** {@code FLUSHALL} on every live primary. */
    public void flushAll() {
        for (Node node : nodes()) {
            if (node.role() == RedisRole.PRIMARY && isLive(node.port())) {
                try (Jedis jedis = open(node.port(), CLIENT_TIMEOUT)) {
                    jedis.flushAll();
                }
            }
        }
    }

    /** A new cluster client seeded with every live node; the caller closes it. */
    public JedisCluster client() {
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        for (RedisProcess process : processes.live()) {
            seeds.add(new HostAndPort(HOST, process.port()));
        }
        return new JedisCluster(seeds, RedisNodes.clientConfig(CLIENT_TIMEOUT, options.security()));
    }

    /** Ports and states of every node, for error messages. */
    public synchronized String describe() {
        return "Redis Cluster " + processes.describe() + " in " + root;
    }

    /** Kills every node and deletes the data directories. */
    @Override
    public synchronized void close() {
        processes.close();
        Reaper.deleteNow(root);
    }

    @Override
    public String toString() {
        return describe();
    }

    // --- start-up -------------------------------------------------------------------------

    private void startUp() {
        startNodes();
        List<String> primaryIds = assignSlots();
        meetAll();
        attachReplicas(primaryIds);
        awaitHealthy();
    }

    private void startNodes() {
        Path binary = options.binary();
        for (int index = 0; index < options.nodeCount(); index++) {
            RedisProcess process = startNode(index, binary);
            binary = process.binary();
            processes.add(process);
        }
    }

    private RedisProcess startNode(int index, Path binary) {
        Path dir = root.resolve("node-" + index);
        Path config = writeConfig(dir);
        RedisProcess.Options nodeOptions = RedisNodes.dataNodeOptions(dir, binary, options.aof(), options.security());
        // A port whose bus port (port + 10000) is free as well; another one when either was taken before Redis bound
        // it.
        return RedisProcess.start(nodeOptions, List.of(config.toString()), FreePort::pickWithBusPort);
    }

    private Path writeConfig(Path dir) {
        List<String> lines = new ArrayList<>(List.of(
                "cluster-enabled yes",
                "cluster-config-file nodes.conf",
                "cluster-node-timeout " + options.nodeTimeout().toMillis(),
                "cluster-replica-validity-factor 0",
                "cluster-require-full-coverage yes",
                "repl-diskless-sync yes",
                "repl-diskless-sync-delay 0",
                "repl-ping-replica-period 1"));
        if (options.security().isTls()) {
            lines.add("tls-cluster yes");
        }
        return RedisNodes.writeConfig(dir, CONFIG_FILE, lines);
    }

    private List<String> assignSlots() {
        List<String> ids = new ArrayList<>();
        int primaries = options.primaries();
        for (int index = 0; index < primaries; index++) {
            int from = index * ClusterNodesView.SLOTS / primaries;
            int to = (index + 1) * ClusterNodesView.SLOTS / primaries - 1;
            try (Jedis jedis = open(processes.get(index).port(), CLIENT_TIMEOUT)) {
                addSlots(jedis, from, to);
                // Distinct epochs up front, as redis-cli does, so no epoch collision has to be resolved.
                jedis.sendCommand(Protocol.Command.CLUSTER, "SET-CONFIG-EPOCH", Integer.toString(index + 1));
                ids.add(jedis.clusterMyId());
            }
        }
        return ids;
    }

    private static void addSlots(Jedis jedis, int from, int to) {
        try {
            jedis.sendCommand(Protocol.Command.CLUSTER, "ADDSLOTSRANGE", Integer.toString(from), Integer.toString(to));
        } catch (JedisDataException e) {
            // Redis < 7.0 (the embedded 6.2 binary) has no ADDSLOTSRANGE.
            jedis.clusterAddSlots(IntStream.rangeClosed(from, to).toArray());
        }
    }

    private void meetAll() {
        try (Jedis first = open(processes.get(0).port(), CLIENT_TIMEOUT)) {
            List<RedisProcess> all = processes.all();
            for (RedisProcess other : all.subList(1, all.size())) {
                first.clusterMeet(HOST, other.port());
            }
        }
        Await.until(options.readyTimeout(), this::everyNodeKnowsEveryOther, "cluster nodes to meet: " + describe());
    }

    private boolean everyNodeKnowsEveryOther() {
        List<RedisProcess> all = processes.all();
        for (RedisProcess process : all) {
            ClusterNodesView view = view(process.port());
            if (view.entries().size() != all.size()
                    || view.entries().stream().anyMatch(ClusterNodesView.Entry::isFailing)) {
                return false;
            }
        }
        return true;
    }

    private void attachReplicas(List<String> primaryIds) {
        for (int index = options.primaries(); index < options.nodeCount(); index++) {
            String primaryId = primaryIds.get(index % options.primaries());
            int port = processes.get(index).port();
            Await.until(
                    options.readyTimeout(),
                    () -> {
                        try (Jedis jedis = open(port, CLIENT_TIMEOUT)) {
                            return "OK".equals(jedis.clusterReplicate(primaryId));
                        }
                    },
                    "node on port " + port + " to become a replica of " + primaryId);
        }
    }

    // --- state ----------------------------------------------------------------------------

    private boolean isHealthy() {
        List<RedisProcess> live = processes.live();
        if (live.isEmpty()) {
            return false;
        }
        List<ClusterNodesView> views = new ArrayList<>();
        for (RedisProcess process : live) {
            try (Jedis jedis = open(process.port(), PROBE_TIMEOUT)) {
                if (!jedis.clusterInfo().contains("cluster_state:ok")) {
                    return false;
                }
                ClusterNodesView view = ClusterNodesView.parse(jedis.clusterNodes());
                ClusterNodesView.Entry myself = view.myself().orElseThrow();
                if (!myself.isPrimary() && !jedis.info("replication").contains("master_link_status:up")) {
                    return false;
                }
                views.add(view);
            }
        }
        ClusterNodesView first = views.get(0);
        if (!first.coversEverySlot()) {
            return false;
        }
        for (ClusterNodesView view : views) {
            if (!view.sameSlotOwners(first) || !agreesOnLiveNodes(view, first, live)) {
                return false;
            }
        }
        return true;
    }

    private static boolean agreesOnLiveNodes(ClusterNodesView view, ClusterNodesView first, List<RedisProcess> live) {
        for (RedisProcess process : live) {
            Optional<ClusterNodesView.Entry> entry = view.byPort(process.port());
            Optional<ClusterNodesView.Entry> reference = first.byPort(process.port());
            if (entry.isEmpty()
                    || reference.isEmpty()
                    || entry.get().isFailing()
                    || entry.get().role() != reference.get().role()
                    || !Objects.equals(entry.get().primaryId(), reference.get().primaryId())) {
                return false;
            }
        }
        return true;
    }

    private ClusterNodesView anyLiveView() {
        return RedisNodes.firstAnswer(
                processes.live(),
                jedis -> ClusterNodesView.parse(jedis.clusterNodes()),
                () -> "no live node answers CLUSTER NODES in " + describe());
    }

    private ClusterNodesView view(int port) {
        try (Jedis jedis = open(port, PROBE_TIMEOUT)) {
            return ClusterNodesView.parse(jedis.clusterNodes());
        }
    }

    private Node node(String id) {
        return nodes().stream()
                .filter(node -> node.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown node id " + id + " in " + describe()));
    }

    private void rememberSlots(Node node) {
        int[] slots = anyLiveView().slotsOf(node.id());
        if (slots.length > 0) {
            slotsAtFault.put(node.id(), slots);
        }
    }

    private boolean isLive(int port) {
        return processes.isLive(port);
    }

    private RedisProcess process(Node node) {
        return processes
                .byPort(node.port())
                .orElseThrow(() -> new IllegalArgumentException(node + " is not a node of " + describe()));
    }

    private Jedis open(int port, Duration timeout) {
        return RedisNodes.connect(port, timeout, options.security());
    }

    /** A plain, password-less connection (the default options' nodes). */
    static Jedis connect(int port, Duration timeout) {
        return RedisNodes.connect(port, timeout);
    }

    /** How the nodes are reached (TLS, ACL user). */
    public RedisSecurity security() {
        return options.security();
    }
}
