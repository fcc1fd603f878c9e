package io.agentfleet.tools.bench;

import io.agentfleet.messages.Ids;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisProcess;
import io.agentfleet.tools.aot.AotCache;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * W3: workflow runs through the orchestrator. One orchestrator process, one worker process serving agent type
 * {@code bench} (instant handler, 64 in flight) and a {@link WorkflowProducer} process that submits the runs over the
 * orchestrator's HTTP API with fleet-client and watches them complete.
 *
 * <p>The orchestrator runs with {@code -Xmx512m -XX:+UseParallelGC -XX:TieredStopAtLevel=1} like the worker
 * (C1 only: on 2 shared cores, C2 compilation competes with the measured work); {@code -Dbench.orchestrator.c2=true}
 * drops the C1-only flag, {@code -Dbench.orchestrator.jvmArgs=...} adds options. The API key's rate limit is raised
 * so that the harness measures the run engine, not the limiter.
 */
final class WorkflowBench {
    static final int RUNS = 1_000;
    static final int CONCURRENCY = 64;
    /** Unmeasured chain runs first; {@code -Dbench.w3.warmup=N} changes it, e.g. to measure a warm orchestrator. */
    static final int WARMUP = Integer.getInteger("bench.w3.warmup", 100);

    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private WorkflowBench() {}

    /**
     * One W3 run twice, each on a fresh Redis: with the orchestrator's and worker's AOT caches ({@code -XX:AOTMode=on},
     * so a cache the JVM cannot use fails the run instead of measuring one without it) and without them, whose
     * figures get the prefix {@code no_aot_}. Odd runs go without first, even runs with first. Without usable caches
     * (JDK < 25, training failed) only the run without them.
     */
    static Figures runWithAndWithoutAot(Path logDir, String name, int run) throws Exception {
        AotCache orchestratorCache = AotCache.of(ServiceJars.root(), "orchestrator-service");
        AotCache workerCache = AotCache.of(ServiceJars.root(), "worker-service");
        boolean cached = orchestratorCache.usable() && workerCache.usable();
        List<Boolean> order = !cached ? List.of(false) : run % 2 == 1 ? List.of(false, true) : List.of(true, false);
        Map<String, Double> values = new HashMap<>();
        for (boolean aot : order) {
            try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
                Figures figures = aot
                        ? run(redis, logDir, name + "-aot", aotOptions(orchestratorCache), aotOptions(workerCache))
                        : run(redis, logDir, name + "-no-aot", List.of(), List.of());
                figures.values().forEach((key, value) -> values.put(aot ? key : "no_aot_" + key, value));
            }
        }
        return new Figures(values);
    }

    private static List<String> aotOptions(AotCache cache) {
        List<String> options = new ArrayList<>(cache.useOptions());
        options.add("-XX:AOTMode=on");
        return options;
    }

    private static Figures run(
            RedisProcess redis, Path logDir, String name, List<String> orchestratorJvmArgs, List<String> workerJvmArgs)
            throws Exception {
        String apiKey = Ids.newId();
        int port = freePort();
        String api = "http://127.0.0.1:" + port;
        try (JavaProcess orchestrator = startOrchestrator(redis, port, apiKey, logDir, name, orchestratorJvmArgs);
                JavaProcess worker = BenchProcesses.startWorker(
                        redis.uri(),
                        "bench",
                        Map.of("FLEET_AGENTS_BENCH_MAX_IN_FLIGHT", "64"),
                        name,
                        logDir,
                        workerJvmArgs)) {
            orchestrator.awaitLog("Startup completed", STARTUP);
            double orchestratorCpu = ProcessCpu.of(orchestrator.pid());
            double orchestratorJit = jitCpu(orchestrator.pid());
            double orchestratorGc = ProcessCpu.ofThreads(orchestrator.pid(), "GC Thread");
            double workerCpu = ProcessCpu.of(worker.pid());
            double redisCpu = ProcessCpu.of(redis);
            JavaProcess producer = JavaProcess.builder(WorkflowProducer.class.getName())
                    .classPath(ServiceJars.tools())
                    // C1 only here too: with C2 the producer spent ~7 s compiling (JFR jdk.Compilation) during a ~20 s
                    // workload, CPU taken from the orchestrator on 2 shared cores.
                    .jvmArg("-Xmx1g", "-XX:TieredStopAtLevel=1")
                    .jvmArg(BenchProcesses.extraJvmArgs("bench.producer.jvmArgs"))
                    .env("FLEET_BENCH_API_KEY", apiKey)
                    .arg(redis.uri(), api, "" + RUNS, "" + CONCURRENCY, "" + WARMUP, "" + orchestrator.pid())
                    .logTo(logDir.resolve(name + "-producer.log"))
                    .start();
            int exit = producer.waitFor(STEP_TIMEOUT);
            if (exit != 0) {
                throw new IllegalStateException("workflow producer exited with " + exit + ":\n" + producer.logText());
            }
            // CPU the services spent on the workload (start-up excluded), warm-up runs included: where the time goes.
            // The
            // orchestrator's JIT compiler and GC threads are shown apart, and the producer reports the orchestrator's
            // CPU per task of each phase.
            Figures figures = Figures.parse(producer.logText())
                    .with("orchestrator_cpu_s", ProcessCpu.of(orchestrator.pid()) - orchestratorCpu)
                    .with("orchestrator_jit_cpu_s", jitCpu(orchestrator.pid()) - orchestratorJit)
                    .with(
                            "orchestrator_gc_cpu_s",
                            ProcessCpu.ofThreads(orchestrator.pid(), "GC Thread") - orchestratorGc)
                    .with("worker_cpu_s", ProcessCpu.of(worker.pid()) - workerCpu)
                    .with("redis_cpu_s", ProcessCpu.of(redis) - redisCpu);
            saveCommandStats(redis, logDir, name);
            // SIGTERM first, so a flight recording asked for with bench.*.jvmArgs is written.
            BenchProcesses.stopGracefully(orchestrator);
            BenchProcesses.stopGracefully(worker);
            return figures;
        }
    }

    /** CPU of the JIT compiler threads: compiling the code paths a workload reaches first is part of its CPU. */
    private static double jitCpu(long pid) {
        return ProcessCpu.ofThreads(pid, "C1 Compiler") + ProcessCpu.ofThreads(pid, "C2 Compiler");
    }

    private static JavaProcess startOrchestrator(
            RedisProcess redis, int port, String apiKey, Path logDir, String name, List<String> jvmArgs) {
        JavaProcess.Builder builder = JavaProcess.builder("io.agentfleet.orchestrator.OrchestratorApplication")
                .classPath(ServiceJars.orchestrator())
                .jvmArg("-Xmx512m", "-XX:+UseParallelGC")
                .jvmArg(jvmArgs.toArray(String[]::new))
                .env("REDIS_URL", redis.uri())
                .env("MICRONAUT_SERVER_PORT", Integer.toString(port))
                .env("FLEET_API_KEYS_PLAIN", "bench:" + apiKey)
                .env("FLEET_ORCHESTRATOR_RATE_LIMIT", "1000000")
                .env("FLEET_ORCHESTRATOR_ALLOWED_AGENTS", "bench")
                .logTo(logDir.resolve(name + "-orchestrator.log"));
        if (!Boolean.getBoolean("bench.orchestrator.c2")) {
            builder.jvmArg("-XX:TieredStopAtLevel=1");
        }
        builder.jvmArg(BenchProcesses.extraJvmArgs("bench.orchestrator.jvmArgs"));
        return builder.start();
    }

    private static void saveCommandStats(RedisProcess redis, Path logDir, String name) {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            Files.writeString(logDir.resolve(name + "-redis-commandstats.txt"), jedis.info("commandstats"));
        } catch (Exception e) {
            System.out.print("(no command stats: " + e.getMessage() + ") ");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
