package io.agentfleet.tools.bench;

import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisProcess;
import io.agentfleet.tools.aot.AotCache;
import io.agentfleet.tools.aot.AotTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;

/**
 * {@code ./fleet bench [--runs N] [--peers] [W1 W1-lat W1-prio W2 W3 W4 W5 W5-lat W6 W6-orch W7]}: runs the workloads of
 * BENCH.md, each on a fresh Redis without persistence (W5: a node, then a 3+3 Redis Cluster; W5-lat: W1-lat on a 3+3
 * cluster without and with WAIT 1; W6: {@link StartupBench}), with producer and worker as separate JVMs, and prints the
 * median (min–max) of the runs. {@code --peers} adds the peers of {@link PeerBench} to W1 and W1-lat.
 */
public final class BenchMain {
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);
    /** Rounds of each task workload against the same worker: the first is the cold figure, the last the warm one. */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    /** W6's runs unless --runs says otherwise: each run starts the service once with the AOT cache, once without. */
    private static final int STARTS = 10;

    private static final String USAGE = """
            Usage: ./fleet bench [--runs N] [--peers] [WORKLOAD...]   (see BENCHMARKS.md)
              W1 W1-lat W2 W3 W4 W5 W5-lat   the task and workflow workloads (default: all of these), 3 runs each
                                             (W3 on JDK 25+: each run with and without the AOT caches)
              W1-prio                        W1 with every 10th task at high priority (not in the default set):
                                             end to end against W1 of the same run, p99 of high vs normal tasks
              W6                             worker start -> consuming (first XREADGROUP seen by Redis), with and
                                             without the AOT cache; 10 runs
              W6-orch                        orchestrator start -> GET /health 200, with and without the AOT cache
              W7                             10,000 tasks scheduled for one instant: due -> all enqueued (ms)
              --runs N                       runs per workload
              --peers                        also run bench/peers (BullMQ, bare Node loop) after each W1 / W1-lat run
                                             and print AgentFleet ÷ peer ratios of the medians""";

    private final Path logDir;
    private final Map<String, List<Figures>> results = new LinkedHashMap<>();

    private BenchMain(Path logDir) {
        this.logDir = logDir;
    }

    public static void main(String[] args) throws Exception {
        Integer runs = null;
        boolean peers = false;
        List<String> workloads = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--peers" -> peers = true;
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> workloads.add(args[i]);
            }
        }
        if (workloads.isEmpty()) {
            workloads = List.of("W1", "W1-lat", "W2", "W3", "W4", "W5", "W5-lat");
        }
        Path logDir = Files.createDirectories(ServiceJars.root().resolve(".fleet/bench/" + System.currentTimeMillis()));
        BenchMain bench = new BenchMain(logDir);
        System.out.println("AgentFleet benchmark: " + (runs == null ? "3 (W6: 10)" : runs) + " run(s) each of "
                + workloads + "; logs in " + logDir);
        Optional<PeerBench> peerBench = peers ? PeerBench.find(ServiceJars.root(), logDir) : Optional.empty();
        bench.ceiling();
        for (String workload : workloads) {
            int n = runs != null ? runs : workload.startsWith("W6") ? STARTS : 3;
            if (workload.startsWith("W6")) {
                ensureAotCache(workload.equals("W6") ? "worker-service" : "orchestrator-service");
            } else if (workload.equals("W3")) {
                ensureAotCache("orchestrator-service");
                ensureAotCache("worker-service");
            }
            for (int run = 1; run <= n; run++) {
                System.out.print("  " + workload + " run " + run + " ... ");
                System.out.flush();
                Figures figures = bench.run(workload, run);
                bench.results.computeIfAbsent(workload, k -> new ArrayList<>()).add(figures);
                System.out.println(figures.values());
                if (peerBench.isPresent() && PeerBench.matches(workload)) {
                    for (Map.Entry<String, Figures> peer :
                            peerBench.get().run(workload, run).entrySet()) {
                        bench.results
                                .computeIfAbsent(peer.getKey(), k -> new ArrayList<>())
                                .add(peer.getValue());
                        System.out.println("  " + peer.getKey() + " run " + run + " ... "
                                + peer.getValue().values());
                    }
                }
            }
        }
        BenchTable.print(bench.results);
        System.exit(0);
    }

    /** W3 and W6 compare with and without the AOT cache: trains it first when this JDK can and it is missing. */
    private static void ensureAotCache(String service) throws Exception {
        AotCache cache = AotCache.of(ServiceJars.root(), service);
        if (!AotCache.supported()) {
            System.out.println("  (JDK " + Runtime.version().feature() + ": no AOT cache before JDK " + AotCache.MIN_JDK
                    + "; W6 measures starts without one)");
        } else if (!cache.usable()) {
            System.out.println("  training the AOT cache of " + service + " into " + cache.file() + " ...");
            AotTraining.train(service, cache.jar(), cache.file());
        }
    }

    private Figures run(String workload, int run) throws Exception {
        if (workload.equals("W5")) {
            // Starts its own Redis node and clusters, one after the other; even runs in the reverse order.
            return ClusterBench.run(logDir, workload + "-" + run, ROUNDS, run % 2 == 0);
        }
        if (workload.equals("W3")) {
            // Each run with and without the AOT caches, each phase on its own Redis; even runs with the caches first.
            return WorkflowBench.runWithAndWithoutAot(logDir, workload + "-" + run, run);
        }
        if (workload.equals("W5-lat")) {
            return ClusterBench.runLatency(logDir, workload + "-" + run, ROUNDS, run % 2 == 0);
        }
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            return switch (workload) {
                case "W1" ->
                    batchWorkload(
                            redis,
                            "bench",
                            50_000,
                            1_000,
                            0,
                            Map.of("FLEET_AGENTS_BENCH_MAX_IN_FLIGHT", "64"),
                            workload + "-" + run);
                case "W1-prio" ->
                    batchWorkload(
                            redis,
                            "bench",
                            List.of("batch-prio", "50000", "1000", "0", "10"),
                            Map.of("FLEET_AGENTS_BENCH_MAX_IN_FLIGHT", "64"),
                            workload + "-" + run);
                case "W1-lat" -> pacedWorkload(redis, workload + "-" + run);
                case "W2" ->
                    batchWorkload(
                            redis,
                            "sleep",
                            10_000,
                            1_000,
                            2_000,
                            Map.of("FLEET_AGENTS_SLEEP_MAX_IN_FLIGHT", "10000"),
                            workload + "-" + run);
                case "W4" -> CrashBench.run(redis, logDir, workload + "-" + run);
                case "W7" -> delayedWorkload(redis, workload + "-" + run);
                case "W6" ->
                    StartupBench.worker(
                            redis,
                            AotCache.of(ServiceJars.root(), "worker-service"),
                            logDir,
                            workload + "-" + run,
                            run);
                case "W6-orch" ->
                    StartupBench.orchestrator(
                            redis,
                            AotCache.of(ServiceJars.root(), "orchestrator-service"),
                            logDir,
                            workload + "-" + run,
                            run);
                default ->
                    throw new IllegalArgumentException("unknown workload " + workload
                            + " (W1, W1-lat, W1-prio, W2, W3, W4, W5, W5-lat, W6, W6-orch, W7)");
            };
        }
    }

    private Figures batchWorkload(
            RedisProcess redis, String agent, int count, int batch, long sleepMs, Map<String, String> env, String name)
            throws Exception {
        return batchWorkload(redis, agent, List.of("batch", "" + count, "" + batch, "" + sleepMs), env, name);
    }

    /** {@code producerArgs}: the producer's mode and its arguments between the agent type and the round count. */
    private Figures batchWorkload(
            RedisProcess redis, String agent, List<String> producerArgs, Map<String, String> env, String name)
            throws Exception {
        try (JavaProcess worker = startWorker(redis, agent, env, name)) {
            double workerCpu = ProcessCpu.of(worker.pid());
            double redisCpu = ProcessCpu.of(redis);
            List<String> args = new ArrayList<>();
            args.add(producerArgs.getFirst());
            args.add(redis.uri());
            args.add(agent);
            args.addAll(producerArgs.subList(1, producerArgs.size()));
            args.add("" + ROUNDS);
            JavaProcess producer = startProducer(name, args.toArray(String[]::new));
            producer.waitFor(STEP_TIMEOUT);
            Figures figures = Figures.parse(producer.logText())
                    .with("worker_cpu_s", ProcessCpu.of(worker.pid()) - workerCpu)
                    .with("redis_cpu_s", ProcessCpu.of(redis) - redisCpu);
            saveCommandStats(redis, name);
            figures = figures.with("worker_peak_rss_mb", BenchProcesses.peakRssMb(worker.pid()));
            BenchProcesses.stopGracefully(worker);
            return figures;
        }
    }

    /** W7: {@link DelayBench} against one worker of the bench type (its promoter moves the due tasks). */
    private Figures delayedWorkload(RedisProcess redis, String name) throws Exception {
        try (JavaProcess worker = startWorker(redis, "bench", Map.of("FLEET_AGENTS_BENCH_MAX_IN_FLIGHT", "64"), name)) {
            Figures figures = DelayBench.run(redis.uri(), "bench");
            BenchProcesses.stopGracefully(worker);
            return figures;
        }
    }

    private Figures pacedWorkload(RedisProcess redis, String name) throws Exception {
        try (JavaProcess worker = startWorker(redis, "bench", Map.of("FLEET_AGENTS_BENCH_MAX_IN_FLIGHT", "64"), name)) {
            JavaProcess producer = startProducer(name, "paced", redis.uri(), "bench", "2000", "10", "" + ROUNDS);
            producer.waitFor(STEP_TIMEOUT);
            Figures figures = Figures.parse(producer.logText());
            saveCommandStats(redis, name);
            BenchProcesses.stopGracefully(worker);
            return figures;
        }
    }

    private JavaProcess startWorker(RedisProcess redis, String agent, Map<String, String> env, String name)
            throws Exception {
        return BenchProcesses.startWorker(redis, agent, env, name, logDir);
    }

    private JavaProcess startProducer(String name, String... args) {
        return BenchProcesses.startProducer(logDir, name, Map.of(), args);
    }

    /** Keeps Redis' per-command counts of the run next to its logs: the round trips a task cost. */
    private void saveCommandStats(RedisProcess redis, String name) {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            Files.writeString(logDir.resolve(name + "-redis-commandstats.txt"), jedis.info("commandstats"));
        } catch (Exception e) {
            System.out.print("(no command stats: " + e.getMessage() + ") ");
        }
    }

    private void ceiling() {
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            Path benchmark = redis.binary().resolveSibling("redis-benchmark");
            if (!Files.isExecutable(benchmark)) {
                System.out.println("  (no redis-benchmark next to " + redis.binary() + ": XADD ceiling not measured)");
                return;
            }
            Process p = new ProcessBuilder(
                            benchmark.toString(),
                            "-p",
                            "" + redis.port(),
                            "-P",
                            "16",
                            "-n",
                            "300000",
                            "-q",
                            "XADD",
                            "ceiling",
                            "*",
                            "msg",
                            "x".repeat(1000))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            String[] lines = out.split("[\r\n]");
            String last = lines[lines.length - 1];
            double opsPerSecond = Double.parseDouble(last.replaceAll(".*?: ([0-9.]+) requests per second.*", "$1"));
            results.put("ceiling", List.of(new Figures(Map.of("xadd_per_s", opsPerSecond))));
            System.out.printf("  ceiling: redis-benchmark -P 16 XADD 1 KB = %.0f ops/s%n", opsPerSecond);
        } catch (Exception e) {
            System.out.println("  (ceiling not measured: " + e.getMessage() + ")");
        }
    }
}
