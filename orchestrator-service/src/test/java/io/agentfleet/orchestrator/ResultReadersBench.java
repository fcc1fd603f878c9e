package io.agentfleet.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The result readers' Redis connections and the latency of outcomes with many agent types: one worker process serving
 * {@code bench.types} (50) echo types, one orchestrator with {@code streams-per-reader} 1 (one connection per result
 * stream, the layout before readers were shared) and then the default 64. Prints the orchestrator's connections
 * (connected_clients with and without it) and the run duration (server side, created to finished) of one-task runs
 * spread over all types, submitted {@code bench.concurrency} at a time. Not part of the suite: {@code
 * -Dtest=ResultReadersBench -Dbench=true}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ResultReadersBench {
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void connectionsAndLatencyWithManyTypes() throws Exception {
        int types = Integer.getInteger("bench.types", 50);
        int runs = Integer.getInteger("bench.runs", 1000);
        int concurrency = Integer.getInteger("bench.concurrency", 8);
        List<String> names = new ArrayList<>();
        Map<String, String> handlers = new HashMap<>();
        for (int i = 0; i < types; i++) {
            String name = "b-%02d".formatted(i);
            names.add(name);
            handlers.put("fleet.agents." + name + ".handler", "echo");
        }
        try (JavaProcess worker = Orchestrators.worker(redis.uri(), String.join(",", names), handlers);
                Jedis probe = redis.jedis()) {
            for (String perReader : List.of("1", "64", "1", "64")) {
                long without = connectedClients(probe);
                Map<String, String> props = Orchestrators.fastRecovery();
                props.put("fleet.orchestrator.read-block", "2s");
                props.put("fleet.orchestrator.rate-limit", "1000000");
                props.put("fleet.orchestrator.streams-per-reader", perReader);
                try (Orchestrators.Orchestrator o = Orchestrators.orchestrator(redis.uri(), props)) {
                    Api api = o.api();
                    // Warm-up: one run over every type opens every reader.
                    StringBuilder all = new StringBuilder("{\"maxSteps\":100,\"tasks\":[");
                    for (int i = 0; i < types; i++) {
                        all.append(i == 0 ? "" : ",")
                                .append("{\"id\":\"t")
                                .append(i)
                                .append("\",\"agent\":\"")
                                .append(names.get(i))
                                .append("\",\"input\":{}}");
                    }
                    api.awaitStatus(api.submit(Api.parse(all.append("]}").toString())), "COMPLETED", TIMEOUT);
                    Thread.sleep(3000);
                    long with = connectedClients(probe);
                    List<Long> durations = Collections.synchronizedList(new ArrayList<>());
                    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
                    List<Future<?>> futures = new ArrayList<>();
                    long start = System.nanoTime();
                    for (int r = 0; r < runs; r++) {
                        String agent = names.get(r % types);
                        futures.add(pool.submit(() -> {
                            String id = api.submit(
                                    Api.parse("{\"tasks\":[{\"id\":\"a\",\"agent\":\"" + agent + "\",\"input\":{}}]}"));
                            JsonNode run = api.awaitStatus(id, "COMPLETED", TIMEOUT);
                            durations.add(run.get("durationMs").asLong());
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    pool.shutdown();
                    List<Long> sorted = new ArrayList<>(durations);
                    Collections.sort(sorted);
                    System.out.printf(
                            "BENCH streams-per-reader=%s types=%d: orchestrator connections=%d (connected_clients %d"
                                    + " -> %d); %d runs in %.1f s; run duration ms p50=%d p90=%d p99=%d max=%d%n",
                            perReader,
                            types,
                            with - without,
                            without,
                            with,
                            runs,
                            seconds,
                            sorted.get(sorted.size() / 2),
                            sorted.get(sorted.size() * 9 / 10),
                            sorted.get(sorted.size() * 99 / 100),
                            sorted.get(sorted.size() - 1));
                }
                Thread.sleep(2000);
            }
        }
    }

    private static long connectedClients(Jedis probe) {
        for (String line : probe.info("clients").split("\r?\n")) {
            if (line.startsWith("connected_clients:")) {
                return Long.parseLong(
                        line.substring("connected_clients:".length()).trim());
            }
        }
        throw new AssertionError("no connected_clients");
    }
}
