package io.agentfleet.tools.bench;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisProcess;
import io.agentfleet.tools.aot.AotCache;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.Jedis;

/**
 * W6: how long a service takes from exec to doing its job, started the way {@code ./fleet worker} / {@code ./fleet
 * orchestrator} start it (this JVM's java, no heap or GC options, the AOT cache when there is one). One run starts the
 * service twice, once with the AOT cache and once without (odd runs without first, even runs with first), on a Redis
 * whose consumer group already exists, as for a replacement or a scale-up from zero.
 *
 * <ul>
 *   <li>Worker, "consuming": the first {@code XREADGROUP} of its consumer loop has reached Redis — read from Redis'
 *       {@code CLIENT LIST}, where a client blocked in it shows {@code cmd=xreadgroup}, polled every 5 ms.
 *   <li>Orchestrator, "ready": {@code GET /health} answers 200, polled every 5 ms.
 * </ul>
 *
 * Besides the wall-clock time, the service's CPU seconds at that moment ({@code /proc}): on a shared machine the wall
 * clock mostly measures the neighbours, the CPU seconds much less so.
 */
final class StartupBench {
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
    private static final String AGENT = "bench";

    private StartupBench() {}

    /** One run: a worker started with {@code cache} (when usable) and one without, on {@code redis}. */
    static Figures worker(RedisProcess redis, AotCache cache, Path logDir, String name, int run) throws Exception {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            jedis.xgroupCreate(StreamKeys.DEFAULT.tasks(AGENT, 0), StreamKeys.WORKERS_GROUP, null, true);
            Figures figures = new Figures(Map.of());
            for (boolean aot : order(run, cache)) {
                JavaProcess.Builder builder = JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                        .classPath(cache.jar().toString())
                        .env("REDIS_URL", redis.uri())
                        .env("FLEET_AGENTS", AGENT)
                        .env("MICRONAUT_SERVER_PORT", "-1")
                        .logTo(logDir.resolve(name + (aot ? "-aot" : "-no-aot") + "-worker.log"));
                figures = timed(figures, aot ? "" : "no_aot_", "consuming", builder, cache, aot, () -> reading(jedis));
                awaitNoReader(jedis);
            }
            return figures;
        }
    }

    /** One run: an orchestrator started with {@code cache} (when usable) and one without, on {@code redis}. */
    static Figures orchestrator(RedisProcess redis, AotCache cache, Path logDir, String name, int run)
            throws Exception {
        Figures figures = new Figures(Map.of());
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (boolean aot : order(run, cache)) {
                int port = freePort();
                JavaProcess.Builder builder = JavaProcess.builder("io.agentfleet.orchestrator.OrchestratorApplication")
                        .classPath(cache.jar().toString())
                        .env("REDIS_URL", redis.uri())
                        .env("MICRONAUT_SERVER_PORT", Integer.toString(port))
                        .env("FLEET_API_KEYS_PLAIN", "bench:bench-key-0123456789abcdef")
                        .logTo(logDir.resolve(name + (aot ? "-aot" : "-no-aot") + "-orchestrator.log"));
                figures = timed(figures, aot ? "" : "no_aot_", "ready", builder, cache, aot, () -> healthy(http, port));
            }
        }
        return figures;
    }

    /** With and without the cache, alternating which goes first; without only when the cache is unusable. */
    private static List<Boolean> order(int run, AotCache cache) {
        if (!cache.usable()) {
            return List.of(false);
        }
        return run % 2 == 1 ? List.of(false, true) : List.of(true, false);
    }

    private static Figures timed(
            Figures figures,
            String prefix,
            String what,
            JavaProcess.Builder builder,
            AotCache cache,
            boolean aot,
            BooleanSupplier done)
            throws InterruptedException {
        if (aot) {
            // AOTMode=on: a cache the JVM cannot use fails the start instead of measuring a start without it.
            builder.jvmArg(cache.useOptions().toArray(String[]::new)).jvmArg("-XX:AOTMode=on");
        }
        long start = System.nanoTime();
        try (JavaProcess process = builder.start()) {
            long deadline = start + STARTUP_TIMEOUT.toNanos();
            while (!done.getAsBoolean()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "service not " + what + " (alive: " + process.isAlive() + "):\n" + process.logText());
                }
                Thread.sleep(5);
            }
            double ms = (System.nanoTime() - start) / 1e6;
            double cpu = ProcessCpu.of(process.pid());
            BenchProcesses.stopGracefully(process);
            return figures.with(prefix + what + "_ms", ms).with(prefix + what + "_cpu_s", cpu);
        }
    }

    /** Whether a client of this Redis is in XREADGROUP (CLIENT LIST shows a blocked client's current command). */
    private static boolean reading(Jedis jedis) {
        return jedis.clientList().contains("cmd=xreadgroup");
    }

    private static void awaitNoReader(Jedis jedis) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (reading(jedis) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static boolean healthy(HttpClient http, int port) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
