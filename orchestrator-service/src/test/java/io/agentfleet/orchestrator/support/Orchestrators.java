package io.agentfleet.orchestrator.support;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.Prometheus;
import io.agentfleet.testsupport.ServerPort;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Starting orchestrators and workers as real processes for tests. The test class path holds both services (the
 * worker is a test dependency), and each would start the other's eager beans, so each child gets the class path
 * without the other service's classes.
 */
public final class Orchestrators {
    public static final String KEY = "secret-test-key";
    public static final String OTHER_KEY = "second-test-key";
    public static final String WORKER_MAIN = "io.agentfleet.worker.WorkerApplication";
    public static final String ORCHESTRATOR_MAIN = "io.agentfleet.orchestrator.OrchestratorApplication";
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** C1 only starts faster, which is what tests want; benchmarks switch it off for peak speed. */
    public static volatile boolean quickJit = true;

    private Orchestrators() {}

    /** A running orchestrator process and a client for it. */
    public record Orchestrator(JavaProcess process, int port, Api api) implements AutoCloseable {
        /** The orchestrator's Prometheus scrape ({@code GET /prometheus}), as text. */
        public String prometheus() {
            return Prometheus.scrape(port);
        }

        @Override
        public void close() {
            process.close();
        }
    }

    /** Closes each fixture that was started (not null), in the order given: a test class's teardown. */
    public static void closeAll(AutoCloseable... fixtures) {
        for (AutoCloseable fixture : fixtures) {
            if (fixture != null) {
                try {
                    fixture.close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not close " + fixture, e);
                }
            }
        }
    }

    /** Settings tests use to make recovery fast (claim after 2 s, watchers every 100 ms). */
    public static Map<String, String> fastRecovery() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("fleet.orchestrator.claim-after", "2s");
        props.put("fleet.orchestrator.watch-interval", "100ms");
        props.put("fleet.orchestrator.read-block", "500ms");
        return props;
    }

    public static Orchestrator orchestrator(String redisUri, Map<String, String> sysProps) {
        return orchestrator(redisUri, sysProps, Map.of(), orchestratorClassPath());
    }

    /**
     * An orchestrator with extra environment variables and this module's test classes on its class path (they hold
     * test-only SPI implementations such as the {@code jsonfile} span exporter, and no beans).
     */
    public static Orchestrator orchestrator(String redisUri, Map<String, String> sysProps, Map<String, String> env) {
        String testClasses =
                classPath(entry -> entry.replace('\\', '/').endsWith("orchestrator-service/target/test-classes"));
        return orchestrator(redisUri, sysProps, env, orchestratorClassPath() + File.pathSeparator + testClasses);
    }

    private static Orchestrator orchestrator(
            String redisUri, Map<String, String> sysProps, Map<String, String> env, String classPath) {
        JavaProcess.Builder b = JavaProcess.builder(ORCHESTRATOR_MAIN)
                .classPath(classPath)
                .env("REDIS_URL", redisUri)
                .env("MICRONAUT_SERVER_PORT", ServerPort.RANDOM)
                .env("FLEET_API_KEYS_PLAIN", "tester:" + KEY + ",other:" + OTHER_KEY)
                .jvmArg(jvmArgs());
        sysProps.forEach(b::sysProp);
        env.forEach(b::env);
        if (System.getProperty("bench.jfr") != null) {
            b.jvmArg("-XX:StartFlightRecording=filename=" + System.getProperty("bench.jfr")
                    + ",settings=profile,dumponexit=true");
        }
        JavaProcess process = b.start();
        process.awaitLog("Startup completed", STARTUP);
        int port = ServerPort.of(process);
        return new Orchestrator(process, port, new Api("http://127.0.0.1:" + port, KEY));
    }

    /** A worker process serving {@code agents}, with the test agents (test-classes) but without the orchestrator. */
    public static JavaProcess worker(String redisUri, String agents, Map<String, String> sysProps) {
        return worker(redisUri, agents, sysProps, Map.of());
    }

    public static JavaProcess worker(
            String redisUri, String agents, Map<String, String> sysProps, Map<String, String> env) {
        JavaProcess.Builder b = JavaProcess.builder(WORKER_MAIN)
                .classPath(
                        classPath(entry -> !entry.replace('\\', '/').endsWith("orchestrator-service/target/classes")))
                .env("REDIS_URL", redisUri)
                .env("FLEET_AGENTS", agents)
                .env("MICRONAUT_SERVER_PORT", ServerPort.RANDOM)
                .jvmArg(jvmArgs());
        sysProps.forEach(b::sysProp);
        env.forEach(b::env);
        JavaProcess worker = b.start();
        worker.awaitLog("started", STARTUP);
        awaitRegistered(
                redisUri, new StreamKeys(sysProps.getOrDefault("fleet.prefix", StreamKeys.DEFAULT_PREFIX)), agents);
        return worker;
    }

    /**
     * Waits until every type in {@code agents} is in the fleet's registry: a worker registers its types just after it
     * starts, and only then does the orchestrator accept runs for them (unless they are configured for it).
     */
    static void awaitRegistered(String redisUri, StreamKeys keys, String agents) {
        Set<String> types = new HashSet<>(Arrays.asList(agents.trim().split("[,\\s]+")));
        try (FleetRedis redis = FleetRedis.connect(RedisTarget.parse(redisUri), FleetRedisOptions.DEFAULTS)) {
            Await.until(
                    STARTUP,
                    () -> redis.shared().sync().smembers(keys.agents()).containsAll(types),
                    "the worker registered " + types + " in " + keys.agents());
        }
    }

    /** The test class path without the worker service and the test agents. */
    public static String orchestratorClassPath() {
        return classPath(entry -> !entry.contains("worker-service") && !entry.contains("test-classes"));
    }

    static String[] jvmArgs() {
        return quickJit
                ? new String[] {"-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"}
                : new String[] {"-Xmx512m"};
    }

    static String classPath(Predicate<String> keep) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(keep)
                .collect(Collectors.joining(File.pathSeparator));
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
