package io.agentfleet.tools.bench;

import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.client.FleetClientOptions;
import io.agentfleet.client.FleetWorkflowClient;
import io.agentfleet.client.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The producer of W3, run as its own JVM: {@code REDIS_URL API_URL RUNS CONCURRENCY WARMUP [ORCHESTRATOR_PID]} (API
 * key in {@code FLEET_BENCH_API_KEY}). It submits workflow runs with {@link FleetWorkflowClient#submitWorkflow}, keeping at most
 * CONCURRENCY runs in flight (submitted and not yet seen finished: CONCURRENCY closed-loop submitters), first WARMUP
 * chain runs that are not measured, then RUNS chain runs A→B→C, then RUNS fan-out runs 1→8→1, every task for agent
 * type {@code bench} with a 1,000-character input (distinct per task of a run). The latencies of these throughput
 * phases are mostly queueing (Little's law: CONCURRENCY / throughput), so they are reported as {@code …_at_64}; a last,
 * open-loop phase submits chain runs at a fixed {@value #PACED_RATE} runs/s for {@value #PACED_SECONDS} s, each on
 * schedule whether or not earlier runs finished, and reports the latency of a run at low load.
 *
 * <p>A run's latency is from just before its submit request to the moment this process reads the run's
 * {@code RUN_FINISHED} event. One watcher thread follows the events streams ({@code prefix:{run:R}:events}) of all
 * runs in flight with a single blocking multi-key XREAD, so completions are seen as they are committed, with no
 * polling interval and one Redis call per wake-up (not per run). In the paced phase latency starts at a run's scheduled
 * submit time (no coordinated omission when a submit is late). Prints {@code RESULT chain_runs_per_s=…
 * chain_p50_ms_at_64=… chain_p99_ms_at_64=… fanout_runs_per_s=… fanout_p50_ms_at_64=… fanout_p99_ms_at_64=…
 * chain_paced_p50_ms=… chain_paced_p99_ms=… chain_paced_max_ms=…}, and, given the orchestrator's pid, its CPU per task
 * in each throughput phase ({@code orchestrator_cpu_ms_per_task_chain=… orchestrator_cpu_ms_per_task_fanout=…}) and
 * how much of it its JIT compiler threads took ({@code orchestrator_jit_ms_per_task_…}).
 */
public final class WorkflowProducer {
    private static final String AGENT = "bench";
    private static final String PADDING = "x".repeat(1000);
    static final int PACED_RATE = 100;
    static final int PACED_SECONDS = 5;

    private WorkflowProducer() {}

    public static void main(String[] args) throws Exception {
        String redisUrl = args[0];
        String api = args[1];
        int runs = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        long orchestratorPid = args.length > 5 ? Long.parseLong(args[5]) : -1;
        try (FleetWorkflowClient client = FleetWorkflowClient.connect(FleetClientOptions.builder()
                        .redisUri(redisUrl)
                        .orchestratorUri(api)
                        .apiKey(System.getenv("FLEET_BENCH_API_KEY"))
                        .poolSize(2)
                        .build());
                RunWatcher watcher = new RunWatcher(redisUrl)) {
            watcher.start();
            System.out.println("concurrency=" + concurrency + " runs=" + runs + " warmup=" + warmup);
            WorkflowLoad.phase("warmup", client, watcher, warmup, concurrency, WorkflowProducer::chain);
            double[] cpuBefore = orchestratorCpu(orchestratorPid);
            WorkflowLoad.Phase chain =
                    WorkflowLoad.phase("chain", client, watcher, runs, concurrency, WorkflowProducer::chain);
            double[] cpuAfterChain = orchestratorCpu(orchestratorPid);
            WorkflowLoad.Phase fanout =
                    WorkflowLoad.phase("fanout", client, watcher, runs, concurrency, WorkflowProducer::fanout);
            double[] cpuAfterFanout = orchestratorCpu(orchestratorPid);
            WorkflowLoad.Phase paced = WorkflowLoad.paced(client, watcher, PACED_RATE, PACED_SECONDS);
            System.out.printf(
                    "RESULT chain_runs_per_s=%.1f chain_p50_ms_at_64=%.2f chain_p99_ms_at_64=%.2f"
                            + " fanout_runs_per_s=%.1f fanout_p50_ms_at_64=%.2f fanout_p99_ms_at_64=%.2f%n",
                    chain.runsPerSecond(),
                    chain.p50(),
                    chain.p99(),
                    fanout.runsPerSecond(),
                    fanout.p50(),
                    fanout.p99());
            System.out.printf(
                    "RESULT chain_paced_p50_ms=%.2f chain_paced_p99_ms=%.2f chain_paced_max_ms=%.2f%n",
                    paced.p50(), paced.p99(), paced.max());
            System.out.printf("RESULT producer_cpu_s=%.2f%n", ProcessCpu.ofThisProcess());
            if (orchestratorPid > 0) {
                System.out.printf(
                        "RESULT orchestrator_cpu_ms_per_task_chain=%.3f orchestrator_cpu_ms_per_task_fanout=%.3f"
                                + " orchestrator_jit_ms_per_task_chain=%.3f orchestrator_jit_ms_per_task_fanout=%.3f%n",
                        1000 * (cpuAfterChain[0] - cpuBefore[0]) / (runs * 3.0),
                        1000 * (cpuAfterFanout[0] - cpuAfterChain[0]) / (runs * 10.0),
                        1000 * (cpuAfterChain[1] - cpuBefore[1]) / (runs * 3.0),
                        1000 * (cpuAfterFanout[1] - cpuAfterChain[1]) / (runs * 10.0));
            }
        }
        System.exit(0);
    }

    /** The orchestrator's CPU seconds so far: the whole process, and its JIT compiler threads (part of the first). */
    private static double[] orchestratorCpu(long pid) {
        return new double[] {
            ProcessCpu.of(pid), ProcessCpu.ofThreads(pid, "C1 Compiler") + ProcessCpu.ofThreads(pid, "C2 Compiler")
        };
    }

    /** A→B→C. */
    static Workflow chain(int i) {
        return Workflow.builder()
                .task("a", AGENT, input("a"))
                .task("b", AGENT, input("b"), Workflow.dependsOn("a"))
                .task("c", AGENT, input("c"), Workflow.dependsOn("b"))
                .build();
    }

    /** 1→8→1: a split, eight parts that need it, a join that needs all eight. */
    static Workflow fanout(int i) {
        Workflow.Builder flow = Workflow.builder().task("split", AGENT, input("split"));
        List<String> parts = new ArrayList<>();
        for (int p = 1; p <= 8; p++) {
            flow.task("part-" + p, AGENT, input("part-" + p), Workflow.dependsOn("split"));
            parts.add("part-" + p);
        }
        return flow.task("join", AGENT, input("join"), parts).build();
    }

    /**
     * 1,000 characters that differ per task: the orchestrator ends a run as LOOP_DETECTED when the same agent gets the
     * same input twice, which identical fan-out parts would be.
     */
    private static TextNode input(String taskId) {
        return TextNode.valueOf(taskId + ":" + PADDING.substring(taskId.length() + 1));
    }
}
