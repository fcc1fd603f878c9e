package io.agentfleet.tools.bench;

import io.agentfleet.client.FleetWorkflowClient;
import io.agentfleet.client.RateLimitedException;
import io.agentfleet.client.RunHandle;
import io.agentfleet.client.Workflow;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * The load phases of {@link WorkflowProducer}: closed-loop submitters keeping a number of runs in flight, and an
 * open-loop phase submitting runs on a fixed schedule; each reports its runs' latencies and throughput.
 */
final class WorkflowLoad {
    private static final long RUN_TIMEOUT_SECONDS = 120;

    private WorkflowLoad() {}

    record Phase(int runs, double seconds, long[] sortedLatencyNanos, int failed) {
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

    static Phase phase(
            String name,
            FleetWorkflowClient client,
            RunWatcher watcher,
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
    static Phase paced(FleetWorkflowClient client, RunWatcher watcher, int rate, int seconds)
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
                    observed[run] = submitAndWatch(client, watcher, WorkflowProducer.chain(run), failed);
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
            for (RunWatcher.Event e : o.finished().events()) {
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

    private record Observed(RunWatcher.Finished finished, Instant submitted, Instant answered) {}

    /** Submits one run and waits for its RUN_FINISHED event. */
    private static Observed submitAndWatch(
            FleetWorkflowClient client, RunWatcher watcher, Workflow workflow, AtomicInteger failed) {
        Instant submitted = Instant.now();
        RunHandle run = submit(client, workflow);
        Instant answered = Instant.now();
        RunWatcher.Finished finished;
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
            RunWatcher watcher,
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
}
