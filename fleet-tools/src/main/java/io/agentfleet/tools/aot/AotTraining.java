package io.agentfleet.tools.aot;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.TaskHandle;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code AotTraining worker-service|orchestrator-service <jar> <cache>}: writes a service's AOT cache by a training
 * run. It starts a private Redis, starts the service from {@code jar} with {@code -XX:AOTCacheOutput}, waits until it
 * is ready (the worker consuming, the orchestrator's {@code /health} answering 200), lets the worker run a few hundred
 * tasks, or the orchestrator a few hundred workflow runs ({@link WorkflowTraining}), so their code path is in the cache
 * too, and stops it with SIGTERM, on which the JVM writes the cache. The file
 * appears only complete (written aside, then moved). Exits 1 with the service's log when the run fails; a service
 * started without a cache works the same, only slower to start.
 */
public final class AotTraining {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** Writing the cache (~70 MB) happens at exit; on a loaded 2-core machine that took over 2 minutes. */
    private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(10);

    private static final String TRAINING_AGENT = "bench";
    private static final String TRAINING_API_KEY = "aot-training-key-0123456789";

    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[0].equals("worker-service") || args[0].equals("orchestrator-service"))) {
            System.err.println("usage: AotTraining worker-service|orchestrator-service <jar> <cache file>");
            System.exit(2);
        }
        if (!AotCache.supported()) {
            System.err.println("AOT cache not written: JDK " + Runtime.version().feature() + " < " + AotCache.MIN_JDK);
            System.exit(1);
        }
        try {
            train(args[0], Path.of(args[1]).toAbsolutePath(), Path.of(args[2]).toAbsolutePath());
            System.exit(0);
        } catch (Exception | AssertionError e) {
            // AssertionError: JavaProcess' timeouts (it is the tests' process fixture).
            System.err.println("AOT cache of " + args[0] + " not written: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * How much a training run does once the service is ready: tasks through the worker, chain and fan-out runs through
     * the orchestrator. {@link #FULL} is what the bench and the build use; {@link #SMOKE} still takes every path of the
     * training and yields a valid cache, in a fraction of the time, for tests that need a cache, not its profiles.
     */
    public record Workload(int tasks, int chainRuns, int fanoutRuns) {
        public static final Workload FULL = new Workload(500, 300, 100);
        public static final Workload SMOKE = new Workload(50, 20, 5);
    }

    /** Trains {@code service} from {@code jar} with the {@link Workload#FULL} workload; the cache ends at {@code cache}. */
    public static void train(String service, Path jar, Path cache) throws Exception {
        train(service, jar, cache, Workload.FULL);
    }

    /** Trains {@code service} from {@code jar} with {@code workload} and leaves the cache at {@code cache}. */
    public static void train(String service, Path jar, Path cache, Workload workload) throws Exception {
        Path partial = cache.resolveSibling(
                cache.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        Files.deleteIfExists(partial);
        Path log = Files.createTempFile("aot-training-" + service, ".log");
        try {
            trainRun(service, jar, cache, partial, log, workload);
        } finally {
            // A failed or interrupted run leaves no half-written cache (nor the JVM's temporary .config) behind.
            Files.deleteIfExists(partial);
            Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".config"));
        }
    }

    private static void trainRun(String service, Path jar, Path cache, Path partial, Path log, Workload workload)
            throws Exception {
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            boolean worker = service.equals("worker-service");
            int port = freePort();
            JavaProcess.Builder builder = JavaProcess.builder(
                            worker
                                    ? "io.agentfleet.worker.WorkerApplication"
                                    : "io.agentfleet.orchestrator.OrchestratorApplication")
                    .classPath(jar.toString())
                    .jvmArg(AotCache.trainOptions(partial).toArray(String[]::new))
                    .env("REDIS_URL", redis.uri())
                    .env("MICRONAUT_SERVER_PORT", Integer.toString(port))
                    .env("FLEET_AGENTS", TRAINING_AGENT)
                    .env("FLEET_API_KEYS_PLAIN", "aot-training:" + TRAINING_API_KEY)
                    .env("FLEET_ORCHESTRATOR_RATE_LIMIT", "1000000")
                    .env("FLEET_ORCHESTRATOR_ALLOWED_AGENTS", TRAINING_AGENT)
                    .logTo(log);
            try (JavaProcess process = builder.start()) {
                if (worker) {
                    await(process, () -> consuming(redis.uri()));
                    runTasks(redis.uri(), workload.tasks());
                } else {
                    await(process, () -> healthy(port));
                    runWorkflows(jar, redis.uri(), port, log, workload);
                }
                process.sigterm();
                int exit = process.waitFor(EXIT_TIMEOUT);
                if (!Files.isRegularFile(partial)) {
                    throw new IllegalStateException(
                            "the training run (exit " + exit + ") wrote no cache; its log:\n" + process.logText());
                }
            }
            Files.move(partial, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(log);
        }
    }

    private static void await(JavaProcess process, BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the training run exited at start-up; its log:\n" + process.logText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the training run was not ready within " + READY_TIMEOUT.toSeconds()
                        + " s; its log:\n" + process.logText());
            }
            Thread.sleep(100);
        }
    }

    private static boolean consuming(String redisUrl) {
        String stream = StreamKeys.DEFAULT.tasks(TRAINING_AGENT, 0);
        try (UnifiedJedis jedis = new UnifiedJedis(URI.create(redisUrl))) {
            return jedis.exists(stream) && jedis.xinfoGroups(stream).stream().anyMatch(g -> g.getConsumers() > 0);
        }
    }

    private static boolean healthy(int port) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /** A few hundred tasks through the worker, so the per-task classes are in the cache as well. */
    private static void runTasks(String redisUrl, int count) {
        try (FleetClient client = FleetClient.connect(redisUrl)) {
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                tasks.add(AgentMessage.request(
                                TRAINING_AGENT,
                                JsonNodeFactory.instance.objectNode().put("input", "training " + i))
                        .build());
            }
            List<TaskHandle> handles = client.submitAll(tasks);
            client.awaitAll(handles, READY_TIMEOUT);
        }
    }

    /** Workflow runs through the orchestrator, when this build has a worker jar to complete their tasks. */
    private static void runWorkflows(Path orchestratorJar, String redisUrl, int port, Path log, Workload workload)
            throws Exception {
        Optional<Path> workerJar = WorkflowTraining.workerJar(orchestratorJar);
        if (workerJar.isEmpty()) {
            System.err.println("AOT training: no worker jar next to " + orchestratorJar
                    + "; the orchestrator's cache covers its start-up only");
            return;
        }
        Path workerLog = log.resolveSibling(log.getFileName() + ".worker");
        try (JavaProcess worker = WorkflowTraining.startWorker(workerJar.get(), redisUrl, TRAINING_AGENT, workerLog)) {
            await(worker, () -> consuming(redisUrl));
            WorkflowTraining.run(redisUrl, "http://127.0.0.1:" + port, TRAINING_API_KEY, TRAINING_AGENT, workload);
        } finally {
            Files.deleteIfExists(workerLog);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
