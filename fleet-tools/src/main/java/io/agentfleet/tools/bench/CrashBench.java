package io.agentfleet.tools.bench;

import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * W4: 10,000 tasks on three worker processes, one of them {@code kill -9}ed and restarted every 2 s. Reports tasks
 * lost and outcomes recorded twice (both must be 0) and the drain time against the same three workers without kills.
 * Each task sleeps {@value #TASK_MS} ms (agent type {@code sleep}): with instant handlers the three workers drain
 * 10,000 tasks in under a second, before the first kill. Leases are short here (1 s, reclaimed after 2 s idle) so
 * that a killed worker's tasks come back within the run.
 */
final class CrashBench {
    static final int TASKS = 10_000;
    static final int TASK_MS = 100;
    static final Duration KILL_EVERY = Duration.ofSeconds(2);
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);
    private static final Map<String, String> WORKER_ENV = Map.of(
            "FLEET_AGENTS_SLEEP_MAX_IN_FLIGHT", "64",
            "FLEET_AGENTS_SLEEP_LEASE", "1s",
            "FLEET_AGENTS_SLEEP_CLAIM_AFTER", "2s",
            // A task in flight on several killed workers in a row counts an attempt per delivery; it must not be
            // dead-lettered for that within this run.
            "FLEET_AGENTS_SLEEP_MAX_ATTEMPTS", "20");

    private CrashBench() {}

    static Figures run(RedisProcess redis, Path logDir, String name) throws Exception {
        List<JavaProcess> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                workers.add(startWorker(redis, logDir, name, i, 0));
            }
            Figures calm = produce(redis, logDir, name + "-calm", "calm_");
            JavaProcess producer = startProducer(redis, logDir, name, "");
            int kills = 0;
            while (producer.isAlive()) {
                Thread.sleep(KILL_EVERY.toMillis());
                if (!producer.isAlive()) {
                    break;
                }
                int victim = kills % workers.size();
                workers.get(victim).kill9();
                kills++;
                workers.set(victim, startWorker(redis, logDir, name, victim, kills));
            }
            producer.waitFor(STEP_TIMEOUT);
            Figures figures = Figures.parse(producer.logText()).with("kills", kills);
            for (Map.Entry<String, Double> figure : calm.values().entrySet()) {
                figures = figures.with(figure.getKey(), figure.getValue());
            }
            return figures.with(
                    "drain_vs_calm",
                    figures.values().get("drain_ms") / calm.values().get("calm_drain_ms"));
        } finally {
            workers.forEach(JavaProcess::close);
        }
    }

    private static JavaProcess startWorker(RedisProcess redis, Path logDir, String name, int slot, int generation)
            throws Exception {
        return BenchProcesses.startWorker(redis, "sleep", WORKER_ENV, name + "-w" + slot + "g" + generation, logDir);
    }

    private static Figures produce(RedisProcess redis, Path logDir, String name, String prefix) {
        JavaProcess producer = startProducer(redis, logDir, name, prefix);
        producer.waitFor(STEP_TIMEOUT);
        return Figures.parse(producer.logText());
    }

    private static JavaProcess startProducer(RedisProcess redis, Path logDir, String name, String prefix) {
        return JavaProcess.builder(CrashProducer.class.getName())
                .classPath(ServiceJars.tools())
                .jvmArg("-Xmx1g", "-XX:TieredStopAtLevel=1")
                .arg(redis.uri(), "sleep", Integer.toString(TASKS), Integer.toString(TASK_MS), prefix)
                .logTo(logDir.resolve(name + "-producer.log"))
                .start();
    }
}
