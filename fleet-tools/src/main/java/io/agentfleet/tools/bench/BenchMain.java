package io.agentfleet.tools.bench;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisProcess;
import io.agentfleet.tools.aot.AotCache;
import io.agentfleet.tools.aot.AotTraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

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
        bench.printTable();
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
            figures = figures.with("worker_peak_rss_mb", peakRssMb(worker.pid()));
            stopGracefully(worker);
            return figures;
        }
    }

    /** W7: {@link DelayBench} against one worker of the bench type (its promoter moves the due tasks). */
    private Figures delayedWorkload(RedisProcess redis, String name) throws Exception {
        try (JavaProcess worker = startWorker(redis, "bench", Map.of("FLEET_AGENTS_BENCH_MAX_IN_FLIGHT", "64"), name)) {
            Figures figures = DelayBench.run(redis.uri(), "bench");
            stopGracefully(worker);
            return figures;
        }
    }

    private Figures pacedWorkload(RedisProcess redis, String name) throws Exception {
        try (JavaProcess worker = startWorker(redis, "bench", Map.of("FLEET_AGENTS_BENCH_MAX_IN_FLIGHT", "64"), name)) {
            JavaProcess producer = startProducer(name, "paced", redis.uri(), "bench", "2000", "10", "" + ROUNDS);
            producer.waitFor(STEP_TIMEOUT);
            Figures figures = Figures.parse(producer.logText());
            saveCommandStats(redis, name);
            stopGracefully(worker);
            return figures;
        }
    }

    static JavaProcess startWorker(RedisProcess redis, String agents, Map<String, String> env, String name, Path logDir)
            throws Exception {
        return startWorker(redis.uri(), agents, env, name, logDir);
    }

    /**
     * A worker process on {@code redisUrl} (a node, a cluster node or a seed list), returned once it consumes every
     * partition ({@code FLEET_AGENTS_<TYPE>_PARTITIONS} in {@code env}, else 1) of each of {@code agents}.
     */
    static JavaProcess startWorker(String redisUrl, String agents, Map<String, String> env, String name, Path logDir)
            throws Exception {
        return startWorker(redisUrl, agents, env, name, logDir, List.of());
    }

    /** {@link #startWorker(String, String, Map, String, Path)} with extra JVM options, e.g. an AOT cache. */
    static JavaProcess startWorker(
            String redisUrl, String agents, Map<String, String> env, String name, Path logDir, List<String> jvmArgs)
            throws Exception {
        JavaProcess.Builder builder = JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                .classPath(ServiceJars.worker())
                // C1 only: on 2 shared cores C2 compiled for ~5 s of CPU during a 10 s run (JFR, per-thread CPU),
                // taking
                // it from Redis and the handlers; C1 code is fast enough here and warm within the first second.
                .jvmArg("-Xmx512m", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1")
                .jvmArg(jvmArgs.toArray(String[]::new))
                .jvmArg(extraJvmArgs("bench.worker.jvmArgs"))
                .env("REDIS_URL", redisUrl)
                .env("FLEET_AGENTS", agents)
                .env("MICRONAUT_SERVER_PORT", "-1")
                .logTo(logDir.resolve(name + "-worker-" + agents.replace(',', '_') + ".log"));
        env.forEach(builder::env);
        JavaProcess worker = builder.start();
        for (String agent : agents.split(",")) {
            String partitions = env.get(StreamKeys.partitionsVariable(agent));
            awaitConsumer(redisUrl, worker, agent, partitions == null ? 1 : Integer.parseInt(partitions));
        }
        return worker;
    }

    private JavaProcess startWorker(RedisProcess redis, String agent, Map<String, String> env, String name)
            throws Exception {
        return startWorker(redis, agent, env, name, logDir);
    }

    private JavaProcess startProducer(String name, String... args) {
        return startProducer(logDir, name, Map.of(), args);
    }

    static JavaProcess startProducer(Path logDir, String name, Map<String, String> env, String... args) {
        JavaProcess.Builder builder = JavaProcess.builder(BenchProducer.class.getName())
                .classPath(ServiceJars.tools())
                // C1 only, like the services: with C2 the producer's own compilations, on the 2 cores it shares with
                // the worker and Redis, doubled W1-lat's cold p99 (6.2-6.5 vs 2.7-2.9 ms, alternating runs).
                .jvmArg("-Xmx1g", "-XX:TieredStopAtLevel=1")
                .jvmArg(extraJvmArgs("bench.producer.jvmArgs"))
                .arg(args)
                .logTo(logDir.resolve(name + "-producer.log"));
        env.forEach(builder::env);
        return builder.start();
    }

    /**
     * Extra JVM options for the worker or producer JVMs (space separated), e.g. to profile one with
     * {@code -Dbench.worker.jvmArgs=-XX:StartFlightRecording=filename=/tmp/w.jfr,settings=profile}.
     */
    static String[] extraJvmArgs(String property) {
        String value = System.getProperty(property, "").trim();
        return value.isEmpty() ? new String[0] : value.split("\\s+");
    }

    /** A worker is ready once its consumer exists in the agent type's group (of every partition). */
    static void awaitConsumer(String redisUrl, JavaProcess worker, String agent, int partitions)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try (UnifiedJedis jedis = BenchRedis.open(redisUrl)) {
            while (System.nanoTime() < deadline) {
                if (!worker.isAlive()) {
                    throw new IllegalStateException("worker died at start-up:\n" + worker.logText());
                }
                if (consuming(jedis, agent, partitions)) {
                    return;
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("worker did not start consuming the " + partitions + " partition(s) of " + agent
                + " within 90 s:\n" + worker.logText());
    }

    private static boolean consuming(UnifiedJedis jedis, String agent, int partitions) {
        for (int p = 0; p < partitions; p++) {
            String stream = StreamKeys.DEFAULT.tasks(agent, p);
            if (!jedis.exists(stream) || jedis.xinfoGroups(stream).stream().noneMatch(g -> g.getConsumers() > 0)) {
                return false;
            }
        }
        return true;
    }

    /** SIGTERM first, so a worker's flight recording (see {@link #extraJvmArgs}) is written; kill -9 follows on close. */
    static void stopGracefully(JavaProcess worker) {
        worker.sigterm();
        try {
            worker.waitFor(Duration.ofSeconds(20));
        } catch (AssertionError stillRunning) {
            // close() kills it.
        }
    }

    /** Keeps Redis' per-command counts of the run next to its logs: the round trips a task cost. */
    private void saveCommandStats(RedisProcess redis, String name) {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            Files.writeString(logDir.resolve(name + "-redis-commandstats.txt"), jedis.info("commandstats"));
        } catch (Exception e) {
            System.out.print("(no command stats: " + e.getMessage() + ") ");
        }
    }

    private static double peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // Not Linux: no figure.
        }
        return Double.NaN;
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

    private void printTable() {
        System.out.println();
        System.out.println("| workload | figure | median | min | max |");
        System.out.println("|---|---|---|---|---|");
        results.forEach((workload, runs) -> {
            for (String key : runs.get(0).values().keySet().stream().sorted().toList()) {
                double[] v = runs.stream()
                        .mapToDouble(f -> f.values().getOrDefault(key, Double.NaN))
                        .sorted()
                        .toArray();
                System.out.printf(
                        "| %s | %s | %s | %s | %s |%n",
                        workload, key, fmt(v[v.length / 2]), fmt(v[0]), fmt(v[v.length - 1]));
            }
        });
        double ceiling = results.containsKey("ceiling")
                ? results.get("ceiling").get(0).values().get("xadd_per_s")
                : Double.NaN;
        if (results.containsKey("W1") && !Double.isNaN(ceiling)) {
            double[] e2e = results.get("W1").stream()
                    .mapToDouble(f -> f.values().get("end_to_end_per_s"))
                    .sorted()
                    .toArray();
            System.out.printf(
                    "W1 end to end (median) = %.1f%% of the XADD ceiling%n", 100 * e2e[e2e.length / 2] / ceiling);
        }
        BenchSummary.print(results);
    }

    static double median(List<Figures> runs, String key) {
        double[] v = runs.stream()
                .mapToDouble(f -> f.values().getOrDefault(key, Double.NaN))
                .sorted()
                .toArray();
        return v[v.length / 2];
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : v >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
