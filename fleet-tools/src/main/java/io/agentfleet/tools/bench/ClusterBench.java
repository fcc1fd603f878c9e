package io.agentfleet.tools.bench;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisCluster;
import io.agentfleet.testsupport.RedisProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * W5: W1's workload (50,000 tasks in batches of 1,000, handler {@code bench}, 64 in flight, the same producer) in one
 * sitting on (a) one node, (b) a Redis Cluster of 3 primaries + 3 replicas with the agent type partitioned over the 3
 * primaries, (c) the same cluster with {@code FLEET_REDIS_WAIT_REPLICAS=1} on worker and producer, and (d) a cluster of
 * 3 primaries without replicas. Reports each one's tasks/s, the ratios cluster ÷ one node and WAIT ÷ no WAIT, and µs
 * of Redis CPU per task (from /proc, per node: each primary, their sum, the replicas).
 *
 * <p>Figures are prefixed {@code a_one_node_}, {@code b_cluster_}, {@code c_cluster_wait1_}, {@code
 * d_cluster_no_replicas_} and {@code ratio_}, so the table lists them in that order.
 */
final class ClusterBench {
    static final int TASKS = 50_000;
    static final int BATCH = 1_000;
    static final int PARTITIONS = 3;
    /** Agent type names tried in order: the first whose 3 partitions' hash tags hash to 3 different primaries. */
    private static final List<String> CANDIDATE_TYPES = List.of("bench", "bench3", "bench2", "sharded");

    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);
    /** W5-lat's pace, as W1-lat's. */
    static final int LATENCY_RATE = 2_000;

    static final int LATENCY_SECONDS = 10;

    private ClusterBench() {}

    /** A Redis process measured by its pid, with the label its figures get. */
    private record Measured(String label, long pid, boolean primary) {}

    /** The Redis processes that serve the partitions of {@code agent}, measured per node, and the primaries' ports. */
    private record Placement(List<Measured> nodes, List<Integer> primaryPorts) {
        static Placement of(RedisCluster cluster, String agent, boolean withReplicas) {
            List<Measured> nodes = new ArrayList<>();
            List<Integer> primaryPorts = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                RedisCluster.Node primary = cluster.primaryForKey(StreamKeys.DEFAULT.tasks(agent, p));
                nodes.add(new Measured("primary_p" + p + "_", cluster.pid(primary), true));
                primaryPorts.add(primary.port());
                if (withReplicas) {
                    nodes.add(new Measured("replica_p" + p + "_", cluster.pid(cluster.replicaOf(primary)), false));
                }
            }
            return new Placement(nodes, primaryPorts);
        }
    }

    /**
     * One W5 run; {@code reversed} (the harness sets it on even runs) runs the phases in the opposite order, (d) (c)
     * (b) (a), so that over several runs no phase always comes first on a fresh cluster or after the others.
     */
    static Figures run(Path logDir, String name, int rounds, boolean reversed) throws Exception {
        Map<String, Double> figures = new HashMap<>();
        if (reversed) {
            figures.putAll(clusterWithoutReplicas(logDir, name, rounds));
            figures.putAll(replicatedCluster(logDir, name, rounds, true));
            figures.putAll(oneNode(logDir, name, rounds));
        } else {
            figures.putAll(oneNode(logDir, name, rounds));
            figures.putAll(replicatedCluster(logDir, name, rounds, false));
            figures.putAll(clusterWithoutReplicas(logDir, name, rounds));
        }
        ratio(figures, "ratio_cluster_vs_one_node", "b_cluster_end_to_end_per_s", "a_one_node_end_to_end_per_s");
        ratio(
                figures,
                "ratio_warm_cluster_vs_one_node",
                "b_cluster_warm_end_to_end_per_s",
                "a_one_node_warm_end_to_end_per_s");
        ratio(figures, "ratio_wait1_vs_cluster", "c_cluster_wait1_end_to_end_per_s", "b_cluster_end_to_end_per_s");
        ratio(
                figures,
                "ratio_warm_wait1_vs_cluster",
                "c_cluster_wait1_warm_end_to_end_per_s",
                "b_cluster_warm_end_to_end_per_s");
        ratio(
                figures,
                "ratio_no_replicas_cluster_vs_one_node",
                "d_cluster_no_replicas_end_to_end_per_s",
                "a_one_node_end_to_end_per_s");
        ratio(
                figures,
                "ratio_warm_no_replicas_cluster_vs_one_node",
                "d_cluster_no_replicas_warm_end_to_end_per_s",
                "a_one_node_warm_end_to_end_per_s");
        return new Figures(figures);
    }

    private static Map<String, Double> oneNode(Path logDir, String name, int rounds) throws Exception {
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            List<Measured> nodes = List.of(new Measured("", redis.pid(), true));
            return phase(
                    logDir,
                    name + "-one-node",
                    redis.uri(),
                    "bench",
                    1,
                    Map.of(),
                    nodes,
                    rounds,
                    "a_one_node_",
                    List.of(redis.port()));
        }
    }

    /** (b) and (c) on one 3+3 cluster, flushed between them; {@code waitFirst} runs (c) first. */
    private static Map<String, Double> replicatedCluster(Path logDir, String name, int rounds, boolean waitFirst)
            throws Exception {
        Map<String, Double> figures = new HashMap<>();
        try (RedisCluster cluster = RedisCluster.start(RedisCluster.Options.defaults())) {
            String agent = spreadType(cluster, true);
            Placement placement = Placement.of(cluster, agent, true);
            List<Measured> nodes = placement.nodes();
            List<Integer> primaryPorts = placement.primaryPorts();
            String url = cluster.seedUri();
            for (boolean wait : waitFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                figures.putAll(phase(
                        logDir,
                        name + (wait ? "-cluster-wait1" : "-cluster"),
                        url,
                        agent,
                        PARTITIONS,
                        wait ? Map.of("FLEET_REDIS_WAIT_REPLICAS", "1") : Map.of(),
                        nodes,
                        rounds,
                        wait ? "c_cluster_wait1_" : "b_cluster_",
                        primaryPorts));
                cluster.flushAll();
            }
        }
        return figures;
    }

    /**
     * (d): 3 primaries without replicas, what routing and partitioning cost by themselves, since in (b) the replicas
     * share the 2 cores with everything else (in production they run on machines of their own).
     */
    private static Map<String, Double> clusterWithoutReplicas(Path logDir, String name, int rounds) throws Exception {
        try (RedisCluster cluster =
                RedisCluster.start(RedisCluster.Options.defaults().withReplicasPerPrimary(0))) {
            String agent = spreadType(cluster, false);
            Placement placement = Placement.of(cluster, agent, false);
            List<Measured> nodes = placement.nodes();
            List<Integer> primaryPorts = placement.primaryPorts();
            return phase(
                    logDir,
                    name + "-cluster-no-replicas",
                    cluster.seedUri(),
                    agent,
                    PARTITIONS,
                    Map.of(),
                    nodes,
                    rounds,
                    "d_cluster_no_replicas_",
                    primaryPorts);
        }
    }

    /**
     * The first candidate agent type whose partitions 0..2 are served by 3 different primaries (hash slots of
     * {@code {A}}, {@code {A:1}}, {@code {A:2}} as the cluster assigns them now). With the fixture's even split
     * {@code bench} puts partitions 0 and 2 on one primary (slots 2933 and 5407), so {@code bench3} is used.
     */
    static String spreadType(RedisCluster cluster, boolean announce) {
        for (String agent : CANDIDATE_TYPES) {
            Set<Integer> primaries = new LinkedHashSet<>();
            List<String> slots = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                String key = StreamKeys.DEFAULT.tasks(agent, p);
                primaries.add(cluster.primaryForKey(key).port());
                slots.add(key + " slot " + JedisClusterCRC16.getSlot(key) + " on :"
                        + cluster.primaryForKey(key).port());
            }
            if (primaries.size() == PARTITIONS) {
                if (announce) {
                    System.out.print("(W5 agent type '" + agent + "': " + String.join(", ", slots) + ") ");
                }
                return agent;
            }
        }
        throw new IllegalStateException("none of " + CANDIDATE_TYPES + " spreads its " + PARTITIONS
                + " partitions over 3 primaries of " + cluster.describe());
    }

    private static Map<String, Double> phase(
            Path logDir,
            String name,
            String url,
            String agent,
            int partitions,
            Map<String, String> extraEnv,
            List<Measured> nodes,
            int rounds,
            String prefix,
            List<Integer> primaryPorts)
            throws Exception {
        Map<String, String> env = workerEnv(agent, partitions, extraEnv);
        Map<String, String> producerEnv = producerEnv(agent, partitions, extraEnv);
        Map<String, Double> out = new HashMap<>();
        try (JavaProcess worker = BenchProcesses.startWorker(url, agent, env, name, logDir)) {
            resetStats(primaryPorts);
            double workerCpu = ProcessCpu.of(worker.pid());
            double[] before =
                    nodes.stream().mapToDouble(n -> ProcessCpu.of(n.pid())).toArray();
            JavaProcess producer = BenchProcesses.startProducer(
                    logDir, name, producerEnv, "batch", url, agent, "" + TASKS, "" + BATCH, "0", "" + rounds);
            int exit = producer.waitFor(STEP_TIMEOUT);
            if (exit != 0) {
                throw new IllegalStateException(name + ": producer exited with " + exit + ":\n" + producer.logText());
            }
            Figures.parse(producer.logText()).values().forEach((k, v) -> out.put(prefix + k, v));
            out.put(prefix + "worker_cpu_s", ProcessCpu.of(worker.pid()) - workerCpu);
            double tasks = (double) TASKS * rounds;
            double primariesSum = 0;
            double replicasSum = 0;
            boolean cluster = nodes.size() > 1;
            boolean replicas = nodes.stream().anyMatch(n -> !n.primary());
            for (int i = 0; i < nodes.size(); i++) {
                Measured node = nodes.get(i);
                double usPerTask = (ProcessCpu.of(node.pid()) - before[i]) * 1e6 / tasks;
                if (node.primary()) {
                    primariesSum += usPerTask;
                } else {
                    replicasSum += usPerTask;
                }
                if (cluster) {
                    out.put(prefix + "redis_us_per_task_" + node.label().replaceAll("_$", ""), usPerTask);
                }
            }
            out.put(prefix + "redis_us_per_task" + (cluster ? "_primaries_sum" : ""), primariesSum);
            if (replicas) {
                out.put(prefix + "redis_us_per_task_replicas_sum", replicasSum);
            }
            saveCommandStats(logDir, name, primaryPorts);
            BenchProcesses.stopGracefully(worker);
        }
        return out;
    }

    /** The worker's settings in every phase: handler {@code bench}, 64 in flight, the partition count. */
    private static Map<String, String> workerEnv(String agent, int partitions, Map<String, String> extraEnv) {
        String type = agent.toUpperCase(Locale.ROOT).replace('-', '_');
        Map<String, String> env = new LinkedHashMap<>(extraEnv);
        env.put("FLEET_AGENTS_" + type + "_MAX_IN_FLIGHT", "64");
        env.put("FLEET_AGENTS_" + type + "_HANDLER", "bench");
        if (partitions > 1) {
            env.put(StreamKeys.partitionsVariable(agent), Integer.toString(partitions));
        }
        return env;
    }

    private static Map<String, String> producerEnv(String agent, int partitions, Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>(extraEnv);
        if (partitions > 1) {
            env.put(StreamKeys.partitionsVariable(agent), Integer.toString(partitions));
        }
        return env;
    }

    /**
     * W5-lat: W1-lat's paced workload (one task at a time, {@value #LATENCY_RATE}/s for {@value #LATENCY_SECONDS} s,
     * enqueue-to-result latency) on the 3+3 cluster of (b) without and (c) with {@code FLEET_REDIS_WAIT_REPLICAS=1} on
     * worker and producer, flushed in between; {@code reversed} runs (c) first. Figures are prefixed {@code
     * b_cluster_} and {@code c_cluster_wait1_}; {@code ratio_wait1_vs_cluster_p50} / {@code _p99} (and their {@code
     * warm_} variants) are (c) ÷ (b): what the durability setting adds to a task's latency.
     */
    static Figures runLatency(Path logDir, String name, int rounds, boolean reversed) throws Exception {
        Map<String, Double> figures = new HashMap<>();
        try (RedisCluster cluster = RedisCluster.start(RedisCluster.Options.defaults())) {
            String agent = spreadType(cluster, true);
            List<Integer> primaryPorts = Placement.of(cluster, agent, false).primaryPorts();
            String url = cluster.seedUri();
            for (boolean wait : reversed ? new boolean[] {true, false} : new boolean[] {false, true}) {
                Map<String, String> extraEnv = wait ? Map.of("FLEET_REDIS_WAIT_REPLICAS", "1") : Map.of();
                String phase = name + (wait ? "-cluster-wait1" : "-cluster");
                String prefix = wait ? "c_cluster_wait1_" : "b_cluster_";
                try (JavaProcess worker =
                        BenchProcesses.startWorker(url, agent, workerEnv(agent, PARTITIONS, extraEnv), phase, logDir)) {
                    resetStats(primaryPorts);
                    JavaProcess producer = BenchProcesses.startProducer(
                            logDir,
                            phase,
                            producerEnv(agent, PARTITIONS, extraEnv),
                            "paced",
                            url,
                            agent,
                            "" + LATENCY_RATE,
                            "" + LATENCY_SECONDS,
                            "" + rounds);
                    int exit = producer.waitFor(STEP_TIMEOUT);
                    if (exit != 0) {
                        throw new IllegalStateException(
                                phase + ": producer exited with " + exit + ":\n" + producer.logText());
                    }
                    Figures.parse(producer.logText()).values().forEach((k, v) -> figures.put(prefix + k, v));
                    saveCommandStats(logDir, phase, primaryPorts);
                    BenchProcesses.stopGracefully(worker);
                }
                cluster.flushAll();
            }
        }
        for (String warm : List.of("", "warm_")) {
            for (String p : List.of("p50", "p99")) {
                ratio(
                        figures,
                        "ratio_" + warm + "wait1_vs_cluster_" + p,
                        "c_cluster_wait1_" + warm + p + "_ms",
                        "b_cluster_" + warm + p + "_ms");
            }
        }
        return new Figures(figures);
    }

    private static void ratio(Map<String, Double> figures, String key, String numerator, String denominator) {
        Double n = figures.get(numerator);
        Double d = figures.get(denominator);
        if (n != null && d != null && d > 0) {
            figures.put(key, n / d);
        }
    }

    /** Per-command counts from here on only (a cluster's nodes serve several phases). */
    private static void resetStats(List<Integer> ports) {
        for (int port : ports) {
            try (Jedis jedis = new Jedis(RedisProcess.HOST, port)) {
                jedis.configResetStat();
            }
        }
    }

    /** Each primary's per-command counts, next to the logs. */
    private static void saveCommandStats(Path logDir, String name, List<Integer> ports) {
        for (int port : ports) {
            try (Jedis jedis = new Jedis(RedisProcess.HOST, port)) {
                Files.writeString(
                        logDir.resolve(name + "-redis-" + port + "-commandstats.txt"), jedis.info("commandstats"));
            } catch (Exception e) {
                System.out.print("(no command stats of :" + port + ": " + e.getMessage() + ") ");
            }
        }
    }
}
