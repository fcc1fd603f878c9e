package io.agentfleet.tools.bench;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.UnifiedJedis;

/**
 * Launches the bench's worker and producer JVMs ({@code -Dbench.worker.jvmArgs}, {@code -Dbench.producer.jvmArgs} add
 * options), waits for a worker to consume, and stops it.
 */
final class BenchProcesses {
    private BenchProcesses() {}

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

    static double peakRssMb(long pid) {
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
}
