package io.agentfleet.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.testsupport.RedisProcess;
import io.agentfleet.tools.aot.AotCache;
import io.agentfleet.tools.aot.AotTraining;
import io.agentfleet.tools.testing.ProjectDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * W6 against the built service jars: the AOT training run writes a cache, and one W6 run starts the service with it
 * (the JVM refuses to start with a cache it cannot use, {@code -XX:AOTMode=on}) and without it, both until consuming
 * (worker) or ready (orchestrator).
 */
class StartupBenchTest {

    @Test
    void trainedAotCacheStartsAWorkerThatConsumesAndW6MeasuresBothStarts(@TempDir Path dir) throws Exception {
        assumeTrue(AotCache.supported(), "AOT cache needs JDK " + AotCache.MIN_JDK);
        AotCache cache = new AotCache(Path.of(ProjectDirs.workerJar()), dir.resolve("worker-service.aot"));

        AotTraining.train("worker-service", cache.jar(), cache.file(), AotTraining.Workload.SMOKE);

        assertTrue(Files.size(cache.file()) > 0, "cache written");
        assertTrue(cache.usable(), "cache newer than the jar");
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            Figures figures = StartupBench.worker(redis, cache, dir, "W6-test", 1);

            assertEquals(
                    Set.of("consuming_ms", "consuming_cpu_s", "no_aot_consuming_ms", "no_aot_consuming_cpu_s"),
                    figures.values().keySet());
            figures.values().forEach((key, value) -> assertTrue(value > 0, key + " = " + value));
        }
        String aotLog = Files.readString(dir.resolve("W6-test-aot-worker.log"));
        assertFalse(aotLog.contains("fleet worker failed to start"), aotLog);
    }

    @Test
    void trainedAotCacheStartsAnOrchestratorThatAnswersHealthAndW6OrchMeasuresBothStarts(@TempDir Path dir)
            throws Exception {
        assumeTrue(AotCache.supported(), "AOT cache needs JDK " + AotCache.MIN_JDK);
        AotCache cache = new AotCache(Path.of(ProjectDirs.orchestratorJar()), dir.resolve("orchestrator-service.aot"));

        AotTraining.train("orchestrator-service", cache.jar(), cache.file(), AotTraining.Workload.SMOKE);

        assertTrue(cache.usable(), "cache written, newer than the jar");
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            Figures figures = StartupBench.orchestrator(redis, cache, dir, "W6-orch-test", 2);

            assertEquals(
                    Set.of("ready_ms", "ready_cpu_s", "no_aot_ready_ms", "no_aot_ready_cpu_s"),
                    figures.values().keySet());
            figures.values().forEach((key, value) -> assertTrue(value > 0, key + " = " + value));
        }
    }

    @Test
    void withoutAUsableCacheW6MeasuresStartsWithoutOne(@TempDir Path dir) throws Exception {
        AotCache missing = new AotCache(Path.of(ProjectDirs.workerJar()), dir.resolve("absent.aot"));
        assertFalse(missing.usable());
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            Figures figures = StartupBench.worker(redis, missing, dir, "W6-none", 2);

            assertEquals(
                    Set.of("no_aot_consuming_ms", "no_aot_consuming_cpu_s"),
                    figures.values().keySet());
        }
    }
}
