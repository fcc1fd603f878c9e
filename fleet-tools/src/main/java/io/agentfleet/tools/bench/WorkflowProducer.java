package io.agentfleet.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.client.FleetClientOptions;
import io.agentfleet.client.FleetWorkflowClient;
import io.agentfleet.client.RateLimitedException;
import io.agentfleet.client.RunHandle;
import io.agentfleet.client.Workflow;
import io.agentfleet.messages.StreamKeys;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

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
    private static final long RUN_TIMEOUT_SECONDS = 120;
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
                Watcher watcher = new Watcher(redisUrl)) {
            watcher.start();
            System.out.println("concurrency=" + concurrency + " runs=" + runs + " warmup=" + warmup);
            phase("warmup", client, watcher, warmup, concurrency, WorkflowProducer::chain);
            double[] cpuBefore = orchestratorCpu(orchestratorPid);
            Phase chain = phase("chain", client, watcher, runs, concurrency, WorkflowProducer::chain);
            double[] cpuAfterChain = orchestratorCpu(orchestratorPid);
            Phase fanout = phase("fanout", client, watcher, runs, concurrency, WorkflowProducer::fanout);
            double[] cpuAfterFanout = orchestratorCpu(orchestratorPid);
            Phase paced = paced(client, watcher, PACED_RATE, PACED_SECONDS);
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

    private record Phase(int runs, double seconds, long[] sortedLatencyNanos, int failed) {
        double runsPerSecond() {
            return runs / seconds;
        }

        double p50() {
            return pct(0.50);
        }

        double p99() {
            return pct(0.99);
        }

        double max() {
            return pct(1.0);
        }

        private double pct(double p) {
            long[] v = sortedLatencyNanos;
            return v.length == 0 ? Double.NaN : v[(int) Math.min(v.length - 1, Math.ceil(p * v.length) - 1)] / 1e6;
        }
    }

    private static Phase phase(
            String name,
            FleetWorkflowClient client,
            Watcher watcher,
            int runs,
            int concurrency,
            IntFunction<Workflow> workflows)
            throws InterruptedException {
        if (runs == 0) {
            return new Phase(0, 1, new long[0], 0);
        }
        long[] latencies = new long[runs];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
        long[] lastSeen = new long[concurrency];
        List<Thread> submitters = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 0; s < concurrency; s++) {
            int slot = s;
            submitters.add(Thread.ofPlatform().name("submit-" + s).start(() -> {
                try {
                    submitLoop(client, watcher, runs, workflows, latencies, next, failed, lastSeen, slot);
                } catch (RuntimeException e) {
                    // Stop the phase at the first broken run rather than waiting out every other run's timeout.
                    firstFailure.compareAndSet(null, e);
                    next.set(runs);
                }
            }));
        }
        for (Thread t : submitters) {
            t.join();
        }
        if (firstFailure.get() != null) {
            throw new IllegalStateException(name + " phase failed", firstFailure.get());
        }
        return summarize(name, runs, start, latencies, lastSeen, failed.get());
    }

    /**
     * Open loop: run i is submitted at {@code start + i / rate} on its own virtual thread, whatever happened to the
     * runs before it, so a slow run delays no other run's submit and latency is what a run sees at this load.
     */
    private static Phase paced(FleetWorkflowClient client, Watcher watcher, int rate, int seconds)
            throws InterruptedException {
        int runs = rate * seconds;
        long[] latencies = new long[runs];
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
        long[] lastSeen = new long[runs];
        Observed[] observed = new Observed[runs];
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        List<Thread> submits = new ArrayList<>(runs);
        long start = System.nanoTime();
        for (int i = 0; i < runs && firstFailure.get() == null; i++) {
            int run = i;
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            submits.add(Thread.ofVirtual().start(() -> {
                try {
                    observed[run] = submitAndWatch(client, watcher, chain(run), failed);
                    latencies[run] = observed[run].finished().atNanos() - due;
                    lastSeen[run] = observed[run].finished().atNanos();
                } catch (RuntimeException e) {
                    firstFailure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : submits) {
            t.join();
        }
        if (firstFailure.get() != null) {
            throw new IllegalStateException("paced phase failed", firstFailure.get());
        }
        System.out.printf("paced: %d chain runs submitted at %d runs/s%n", runs, rate);
        printBreakdown(observed);
        return summarize("chain paced", runs, start, latencies, lastSeen, failed.get());
    }

    /**
     * Where a paced run's time goes, as medians over the runs, from the {@code at} times of its events (the
     * orchestrator's clock; same machine) and this process's wall clock: the submit request until the run was
     * committed, the rest of the submit call (enqueue, response), each task from dispatch to completed (worker and
     * result reading included), and from RUN_FINISHED until this process saw it.
     */
    private static void printBreakdown(Observed[] observed) {
        Map<String, List<Long>> segments = new java.util.LinkedHashMap<>();
        for (Observed o : observed) {
            Map<String, Instant> dispatched = new HashMap<>();
            for (Event e : o.finished().events()) {
                switch (e.type()) {
                    case "RUN_STARTED" -> {
                        add(segments, "submit request to run committed", o.submitted(), e.at());
                        add(segments, "run committed to submit answered", e.at(), o.answered());
                    }
                    case "TASK_DISPATCHED" -> dispatched.put(e.taskId(), e.at());
                    case "TASK_COMPLETED" ->
                        add(segments, "task dispatched to completed", dispatched.get(e.taskId()), e.at());
                    case "RUN_FINISHED" ->
                        add(
                                segments,
                                "run finished to seen by producer",
                                e.at(),
                                o.finished().seen());
                    default -> {}
                }
            }
        }
        segments.forEach((name, micros) -> {
            long[] v = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(
                    "paced breakdown: %s p50 %.2f ms, p99 %.2f ms (%d samples)%n",
                    name,
                    v[v.length / 2] / 1e3,
                    v[(int) Math.min(v.length - 1, Math.ceil(0.99 * v.length) - 1)] / 1e3,
                    v.length);
        });
    }

    private static void add(Map<String, List<Long>> segments, String name, Instant from, Instant to) {
        if (from != null && to != null) {
            segments.computeIfAbsent(name, n -> new ArrayList<>()).add(ChronoUnit.MICROS.between(from, to));
        }
    }

    private record Observed(Finished finished, Instant submitted, Instant answered) {}

    /** Submits one run and waits for its RUN_FINISHED event. */
    private static Observed submitAndWatch(
            FleetWorkflowClient client, Watcher watcher, Workflow workflow, AtomicInteger failed) {
        Instant submitted = Instant.now();
        RunHandle run = submit(client, workflow);
        Instant answered = Instant.now();
        Finished finished;
        try {
            finished = watcher.watch(run.runId()).get(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("run " + run.runId() + " not seen finished", e);
        }
        if (!"COMPLETED".equals(finished.status())) {
            failed.incrementAndGet();
            System.out.println("run " + run.runId() + " ended " + finished.status());
        }
        return new Observed(finished, submitted, answered);
    }

    private static void submitLoop(
            FleetWorkflowClient client,
            Watcher watcher,
            int runs,
            IntFunction<Workflow> workflows,
            long[] latencies,
            AtomicInteger next,
            AtomicInteger failed,
            long[] lastSeen,
            int slot) {
        for (int i = next.getAndIncrement(); i < runs; i = next.getAndIncrement()) {
            Workflow workflow = workflows.apply(i);
            long submitted = System.nanoTime();
            long finishedAt =
                    submitAndWatch(client, watcher, workflow, failed).finished().atNanos();
            latencies[i] = finishedAt - submitted;
            lastSeen[slot] = Math.max(lastSeen[slot], finishedAt);
        }
    }

    private static Phase summarize(
            String name, int runs, long start, long[] latencies, long[] lastSeen, int failedRuns) {
        double seconds = (Arrays.stream(lastSeen).max().orElse(start) - start) / 1e9;
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        Phase phase = new Phase(runs, seconds, sorted, failedRuns);
        System.out.printf(
                "%s: %d runs in %.2f s = %.1f runs/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; failed %d%n",
                name,
                runs,
                seconds,
                phase.runsPerSecond(),
                phase.p50(),
                phase.p99(),
                sorted[sorted.length - 1] / 1e6,
                phase.failed());
        if (phase.failed() > 0) {
            throw new IllegalStateException(phase.failed() + " " + name + " runs did not complete");
        }
        return phase;
    }

    private static RunHandle submit(FleetWorkflowClient client, Workflow workflow) {
        while (true) {
            try {
                return client.submitWorkflow(workflow);
            } catch (RateLimitedException e) {
                System.out.println("rate limited: " + e.getMessage());
                try {
                    Thread.sleep(e.retryAfter());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** A run's end as this process saw it: at {@code atNanos} (System.nanoTime()) and {@code seen} (wall clock). */
    private record Finished(String status, long atNanos, Instant seen, List<StreamEntry> entries) {
        List<Event> events() {
            return entries.stream().map(Event::of).toList();
        }
    }

    /** An entry of a run's events stream: its type, the task it names (if any) and its {@code at} time. */
    private record Event(String type, String taskId, Instant at) {
        static Event of(StreamEntry entry) {
            try {
                JsonNode data = Watcher.MAPPER.readTree(entry.getFields().get("data"));
                return new Event(
                        entry.getFields().get("type"),
                        data.path("taskId").asText(null),
                        data.hasNonNull("at") ? Instant.parse(data.get("at").asText()) : null);
            } catch (Exception e) {
                return new Event(entry.getFields().get("type"), null, null);
            }
        }
    }

    /** Follows the events streams of the runs in flight; completes each run's future at its RUN_FINISHED event. */
    private static final class Watcher implements AutoCloseable {
        private static final ObjectMapper MAPPER = new ObjectMapper();
        private static final int BLOCK_MS = 2;

        private final Jedis jedis;
        private final Map<String, CompletableFuture<Finished>> watched = new ConcurrentHashMap<>();
        private final Map<String, String> runOfStream = new HashMap<>();
        private final Map<String, StreamEntryID> positions = new HashMap<>();
        private final Map<String, List<StreamEntry>> entries = new HashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        Watcher(String redisUrl) {
            this.jedis = new Jedis(URI.create(redisUrl));
            this.thread = Thread.ofPlatform().name("run-watcher").daemon().unstarted(this::loop);
        }

        void start() {
            thread.start();
        }

        CompletableFuture<Finished> watch(String runId) {
            if (!running) {
                return CompletableFuture.failedFuture(new IllegalStateException("the run watcher has stopped"));
            }
            return watched.computeIfAbsent(runId, r -> new CompletableFuture<>());
        }

        private void loop() {
            try {
                follow();
            } catch (RuntimeException e) {
                running = false;
                watched.values().forEach(f -> f.completeExceptionally(e));
                System.out.println("run watcher failed: " + e);
            }
        }

        private void follow() {
            while (running) {
                for (String runId : watched.keySet()) {
                    String stream = StreamKeys.DEFAULT.runEvents(runId);
                    if (runOfStream.putIfAbsent(stream, runId) == null) {
                        positions.put(stream, new StreamEntryID(0, 0));
                    }
                }
                if (positions.isEmpty()) {
                    sleepBriefly();
                    continue;
                }
                var reply =
                        jedis.xread(XReadParams.xReadParams().block(BLOCK_MS).count(100), positions);
                if (reply == null) {
                    continue;
                }
                long now = System.nanoTime();
                Instant seen = Instant.now();
                for (var stream : reply) {
                    String key = stream.getKey();
                    for (StreamEntry entry : stream.getValue()) {
                        positions.put(key, entry.getID());
                        entries.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
                        if ("RUN_FINISHED".equals(entry.getFields().get("type"))) {
                            finish(key, statusOf(entry.getFields().get("data")), now, seen);
                        }
                    }
                }
            }
        }

        private void finish(String stream, String status, long now, Instant seen) {
            String runId = runOfStream.remove(stream);
            positions.remove(stream);
            List<StreamEntry> events = entries.remove(stream);
            CompletableFuture<Finished> future = watched.remove(runId);
            if (future != null) {
                future.complete(new Finished(status, now, seen, events));
            }
        }

        private static String statusOf(String data) {
            try {
                JsonNode node = MAPPER.readTree(data);
                return node.path("status").asText("UNKNOWN");
            } catch (Exception e) {
                return "UNKNOWN";
            }
        }

        private static void sleepBriefly() {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            jedis.close();
        }
    }
}
