package io.agentfleet.tools.aot;

import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.client.FleetClientOptions;
import io.agentfleet.client.FleetWorkflowClient;
import io.agentfleet.client.Workflow;
import io.agentfleet.testsupport.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The orchestrator's training workload: chain (A→B→C) and fan-out (1→8→1) workflow runs submitted over its HTTP API and
 * completed by a worker process, so that the cache's method profiles cover the run engine's hot path, not only the
 * start-up. The worker comes from the worker jar of the same build ({@code worker-service/target/worker-service.jar}
 * next to the orchestrator's {@code orchestrator-service/target}); where there is none (the orchestrator image), the
 * training covers the start-up only.
 */
final class WorkflowTraining {
    private static final int SUBMITTERS = 8;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
    private static final String PADDING = "x".repeat(200);

    private WorkflowTraining() {}

    /** The worker jar built next to {@code orchestratorJar}, if there is one. */
    static Optional<Path> workerJar(Path orchestratorJar) {
        Path target = orchestratorJar.toAbsolutePath().getParent();
        if (target == null || target.getParent() == null || target.getParent().getParent() == null) {
            return Optional.empty();
        }
        Path jar = AotCache.of(target.getParent().getParent(), "worker-service").jar();
        return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    /** Starts a worker serving {@code agent} on {@code redisUrl}, logging to {@code log}. */
    static JavaProcess startWorker(Path workerJar, String redisUrl, String agent, Path log) {
        return JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                .classPath(workerJar.toString())
                .env("REDIS_URL", redisUrl)
                .env("MICRONAUT_SERVER_PORT", "-1")
                .env("FLEET_AGENTS", agent)
                .env("FLEET_AGENTS_" + agent.toUpperCase() + "_MAX_IN_FLIGHT", "64")
                .logTo(log)
                .start();
    }

    /** Runs the workload's chain and fan-out runs to completion; throws when one does not complete. */
    static void run(String redisUrl, String api, String apiKey, String agent, AotTraining.Workload workload)
            throws Exception {
        try (FleetWorkflowClient client = FleetWorkflowClient.connect(FleetClientOptions.builder()
                        .redisUri(redisUrl)
                        .orchestratorUri(api)
                        .apiKey(apiKey)
                        .build());
                ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS)) {
            List<Future<?>> runs = new ArrayList<>();
            int chainRuns = workload.chainRuns();
            for (int i = 0; i < chainRuns + workload.fanoutRuns(); i++) {
                Workflow workflow = i < chainRuns ? chain(agent, i) : fanout(agent, i);
                runs.add(submitters.submit(() -> client.awaitRun(client.submitWorkflow(workflow), RUN_TIMEOUT)));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }
    }

    private static Workflow chain(String agent, int run) {
        return Workflow.builder()
                .task("a", agent, input(run, "a"))
                .task("b", agent, input(run, "b"), Workflow.dependsOn("a"))
                .task("c", agent, input(run, "c"), Workflow.dependsOn("b"))
                .build();
    }

    private static Workflow fanout(String agent, int run) {
        Workflow.Builder flow = Workflow.builder().task("split", agent, input(run, "split"));
        List<String> parts = new ArrayList<>();
        for (int p = 1; p <= 8; p++) {
            flow.task("part-" + p, agent, input(run, "part-" + p), Workflow.dependsOn("split"));
            parts.add("part-" + p);
        }
        return flow.task("join", agent, input(run, "join"), parts).build();
    }

    /** Distinct per task: the orchestrator ends a run as LOOP_DETECTED when an agent gets the same input twice. */
    private static TextNode input(int run, String task) {
        return TextNode.valueOf(run + ":" + task + ":" + PADDING);
    }
}
