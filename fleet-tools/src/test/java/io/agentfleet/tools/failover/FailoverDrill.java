package io.agentfleet.tools.failover;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.FleetClientOptions;
import io.agentfleet.client.OrchestratorException;
import io.agentfleet.client.RunHandle;
import io.agentfleet.client.RunResult;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.tools.testing.ProjectDirs;
import io.agentfleet.tools.testing.ResultStreams;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * A failover drill against real services: worker processes serving {@code echo} and an orchestrator, a producer that
 * enqueues tasks (retrying a refused batch with the same task ids, as a careful producer does) and workflow runs in
 * flight, while the test kills a Redis primary. Afterwards it counts, per task id, the outcomes that survived.
 */
final class FailoverDrill implements AutoCloseable {
    static final String AGENT = "echo";
    static final Duration STARTUP = Duration.ofSeconds(90);
    static final Duration DRAIN = Duration.ofSeconds(120);
    private static final int BATCH = 50;
    private static final Duration SETTLED = Duration.ofSeconds(5);

    private final String redisUrl;
    private final Map<String, String> redisEnv;
    private final Path logs;
    private final List<JavaProcess> processes = new ArrayList<>();
    private final String apiKey = "drill-" + Long.toHexString(System.nanoTime());
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refusedBatches = new AtomicInteger();
    private final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
    private String orchestratorUri;

    /**
     * @param redisEnv environment for every service (e.g. {@code FLEET_REDIS_WAIT_REPLICAS})
     */
    FailoverDrill(String redisUrl, Map<String, String> redisEnv, String name) throws IOException {
        this.redisUrl = redisUrl;
        this.redisEnv = redisEnv;
        this.logs = Files.createDirectories(ProjectDirs.root().resolve("fleet-tools/target/failover/" + name));
    }

    /** Two workers serving {@value #AGENT} and one orchestrator; returns once all are ready. */
    void startServices(Supplier<UnifiedJedis> redis) throws IOException {
        for (int i = 1; i <= 2; i++) {
            JavaProcess.Builder worker = JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                    .classPath(ProjectDirs.workerJar())
                    .jvmArg("-Xmx256m", "-XX:TieredStopAtLevel=1")
                    .env("REDIS_URL", redisUrl)
                    .env("FLEET_AGENTS", AGENT)
                    .env("FLEET_AGENTS_ECHO_CLAIM_AFTER", "3s")
                    .env("FLEET_AGENTS_ECHO_LEASE", "1s")
                    .env("MICRONAUT_SERVER_PORT", "-1")
                    .env("POD_NAME", "drill-worker-" + i)
                    .logTo(fresh("worker-" + i + ".log"));
            redisEnv.forEach(worker::env);
            processes.add(worker.start());
        }
        int port = freePort();
        orchestratorUri = "http://127.0.0.1:" + port;
        JavaProcess.Builder orchestrator = JavaProcess.builder("io.agentfleet.orchestrator.OrchestratorApplication")
                .classPath(ProjectDirs.orchestratorJar())
                .jvmArg("-Xmx256m", "-XX:TieredStopAtLevel=1")
                .env("REDIS_URL", redisUrl)
                .env("MICRONAUT_SERVER_PORT", Integer.toString(port))
                .env("FLEET_API_KEYS_PLAIN", "drill:" + apiKey)
                .env("FLEET_ORCHESTRATOR_ALLOWED_AGENTS", AGENT)
                .logTo(fresh("orchestrator.log"));
        redisEnv.forEach(orchestrator::env);
        JavaProcess started = orchestrator.start();
        processes.add(started);
        started.awaitLog("Startup completed", STARTUP);
        String tasks = StreamKeys.DEFAULT.tasks(AGENT);
        Await.until(
                STARTUP,
                () -> {
                    try (UnifiedJedis jedis = redis.get()) {
                        return jedis.exists(tasks)
                                && jedis.xinfoGroups(tasks).stream().anyMatch(g -> g.getConsumers() >= 2);
                    }
                },
                "two workers consuming " + tasks + "; logs in " + logs);
    }

    FleetClient client(Map<String, String> env) {
        return FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redisUrl)
                .orchestratorUri(orchestratorUri)
                .apiKey(apiKey)
                .environment(env::get)
                .build());
    }

    /** Submits {@code count} workflow runs of three chained echo tasks. */
    List<RunHandle> submitRuns(FleetClient client, int count) {
        List<RunHandle> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            var tasks = body.putArray("tasks");
            String previous = null;
            for (String id : List.of("a", "b", "c")) {
                ObjectNode task = tasks.addObject().put("id", id).put("agent", AGENT);
                task.putObject("input").put("text", "run " + i + " step " + id);
                if (previous != null) {
                    task.putArray("dependsOn").add(previous);
                }
                previous = id;
            }
            runs.add(submitUntilAccepted(client, body));
        }
        return runs;
    }

    /**
     * Enqueues {@code count} tasks in batches, retrying a failed batch with the same task ids until Redis takes it;
     * {@code onProgress} sees the number acknowledged so far after every batch.
     */
    Thread produce(FleetClient client, int count, java.util.function.IntConsumer onProgress) {
        Thread producer = Thread.ofPlatform().name("drill-producer").unstarted(() -> {
            for (int sent = 0; sent < count; sent += BATCH) {
                List<AgentMessage> batch = new ArrayList<>(BATCH);
                for (int i = sent; i < Math.min(count, sent + BATCH); i++) {
                    ObjectNode content = JsonNodeFactory.instance.objectNode().put("text", "task " + i);
                    batch.add(AgentMessage.request(AGENT, content)
                            .taskId("drill-" + i)
                            .sender("drill")
                            .build());
                }
                submitUntilAcknowledged(client, batch);
                batch.forEach(t -> acknowledged.add(t.taskId()));
                onProgress.accept(acknowledged.size());
            }
        });
        producer.setUncaughtExceptionHandler((thread, e) -> producerFailure.set(e));
        producer.start();
        return producer;
    }

    /** A 503 (Redis failing over) is retried, as the Retry-After header asks. */
    private RunHandle submitUntilAccepted(FleetClient client, ObjectNode body) {
        long giveUp = System.nanoTime() + DRAIN.toNanos();
        while (true) {
            try {
                return client.workflows().submitWorkflow(body);
            } catch (OrchestratorException e) {
                if (e.status() != 503 || System.nanoTime() - giveUp > 0) {
                    throw e;
                }
                refusedBatches.incrementAndGet();
                pause(Duration.ofMillis(500));
            }
        }
    }

    private void submitUntilAcknowledged(FleetClient client, List<AgentMessage> batch) {
        long giveUp = System.nanoTime() + DRAIN.toNanos();
        while (true) {
            try {
                client.submitAll(batch);
                return;
            } catch (InvalidMessageException | BackpressureException e) {
                throw e;
            } catch (FleetException e) {
                refusedBatches.incrementAndGet();
                if (System.nanoTime() - giveUp > 0) {
                    throw e;
                }
                pause(Duration.ofMillis(200));
            }
        }
    }

    Set<String> acknowledged() {
        return acknowledged;
    }

    int refusedBatches() {
        return refusedBatches.get();
    }

    /**
     * Waits until every acknowledged task has a recorded outcome, or nothing has been left to run for {@link
     * #SETTLED} (no task waiting, pending or delayed: a task lost with its primary never comes; a single empty read is
     * not trusted while the set-up settles after the failover), or {@code timeout} passes.
     */
    void awaitOutcomes(Supplier<UnifiedJedis> redis, Duration timeout) {
        long giveUp = System.nanoTime() + timeout.toNanos();
        long emptySince = 0;
        while (System.nanoTime() - giveUp < 0) {
            if (outcomesPerTask(redis).keySet().containsAll(acknowledged)) {
                return;
            }
            if (!nothingLeftToRun(redis)) {
                emptySince = 0;
            } else if (emptySince == 0) {
                emptySince = System.nanoTime();
            } else if (System.nanoTime() - emptySince > SETTLED.toNanos()) {
                return;
            }
            pause(Duration.ofMillis(500));
        }
    }

    private static boolean nothingLeftToRun(Supplier<UnifiedJedis> redis) {
        StreamKeys keys = StreamKeys.DEFAULT;
        try (UnifiedJedis jedis = redis.get()) {
            return jedis.xlen(keys.tasks(AGENT)) == 0 && jedis.zcard(keys.delayed(AGENT)) == 0;
        } catch (RuntimeException stillFailingOver) {
            return false;
        }
    }

    /** Result entries per task id on the agent type's results stream. */
    Map<String, Integer> outcomesPerTask(Supplier<UnifiedJedis> redis) {
        try (UnifiedJedis jedis = redis.get()) {
            return ResultStreams.outcomesPerTask(jedis, AGENT, 1, "drill-");
        }
    }

    /**
     * Where the lost tasks are, for the failure message: how many have a done key (an outcome recorded but not on the
     * results stream), and what is left on the type's task stream, pending, delayed and dead.
     */
    String describeLost(Supplier<UnifiedJedis> redis, List<String> lost) {
        if (lost.isEmpty()) {
            return "nothing lost";
        }
        StreamKeys keys = StreamKeys.DEFAULT;
        try (UnifiedJedis jedis = redis.get()) {
            long done = lost.stream()
                    .filter(id -> jedis.exists(keys.done(AGENT, id)))
                    .count();
            return lost.size() + " lost, " + done + " of them with a done key; " + keys.tasks(AGENT) + " length "
                    + jedis.xlen(keys.tasks(AGENT)) + ", pending "
                    + jedis.xpending(keys.tasks(AGENT), StreamKeys.WORKERS_GROUP)
                            .getTotal() + "; delayed "
                    + jedis.zcard(keys.delayed(AGENT)) + "; dead letters " + jedis.xlen(keys.dead(AGENT))
                    + "; batches refused and retried " + refusedBatches() + "; logs in " + logs;
        } catch (RuntimeException e) {
            return lost.size() + " lost; Redis could not be read to say where: " + e + "; logs in " + logs;
        }
    }

    List<RunResult> awaitRuns(FleetClient client, List<RunHandle> runs) {
        List<RunResult> results = new ArrayList<>();
        for (RunHandle run : runs) {
            results.add(client.workflows().awaitRun(run, DRAIN));
        }
        return results;
    }

    /** What survived the drill. */
    record Report(Set<String> acknowledged, Map<String, Integer> outcomes, List<RunResult> runs, Path logs) {
        /** Acknowledged tasks without any recorded outcome. */
        List<String> lost() {
            return acknowledged.stream()
                    .filter(id -> !outcomes.containsKey(id))
                    .sorted()
                    .toList();
        }

        /** Tasks with more than one recorded outcome. */
        List<String> recordedTwice() {
            return ResultStreams.recordedTwice(outcomes);
        }

        List<String> runsNotCompleted() {
            return runs.stream()
                    .filter(r -> !r.status().equals("COMPLETED"))
                    .map(r -> r.runId() + "=" + r.status())
                    .toList();
        }
    }

    /**
     * The drill: services up, {@code runs} workflow runs submitted, {@code tasks} tasks enqueued; once a third are
     * acknowledged, {@code fault} runs (kill a primary and wait for its replacement); then more runs, the rest of the
     * tasks, and the wait for every outcome.
     */
    Report run(Supplier<UnifiedJedis> redis, int tasks, int runs, Runnable fault) throws Exception {
        startServices(redis);
        try (FleetClient client = client(redisEnv)) {
            List<RunHandle> handles = new ArrayList<>(submitRuns(client, runs));
            java.util.concurrent.CountDownLatch third = new java.util.concurrent.CountDownLatch(1);
            Thread producer = produce(client, tasks, acknowledgedSoFar -> {
                if (acknowledgedSoFar >= tasks / 3) {
                    third.countDown();
                }
            });
            if (!third.await(2, java.util.concurrent.TimeUnit.MINUTES)) {
                throw new AssertionError("the producer did not reach a third of the tasks; logs in " + logs);
            }
            fault.run();
            handles.addAll(submitRuns(client, runs / 2));
            producer.join(DRAIN.toMillis());
            if (producer.isAlive() || acknowledged.size() != tasks) {
                throw new AssertionError(
                        "only " + acknowledged.size() + " of " + tasks + " tasks were acknowledged; logs in " + logs);
            }
            awaitOutcomes(redis, DRAIN);
            return new Report(Set.copyOf(acknowledged), outcomesPerTask(redis), awaitRuns(client, handles), logs);
        }
    }

    Path logs() {
        return logs;
    }

    private Path fresh(String file) throws IOException {
        Path path = logs.resolve(file);
        Files.deleteIfExists(path);
        return path;
    }

    @Override
    public void close() {
        processes.forEach(JavaProcess::close);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
