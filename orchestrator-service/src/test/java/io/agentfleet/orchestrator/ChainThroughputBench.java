package io.agentfleet.orchestrator;

import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A quick W3-shaped measurement (chain A->B->C, instant handlers, one orchestrator and one worker process); not part
 * of the suite. Run with {@code -Dtest=ChainThroughputBench -Dbench=true [-Dbench.runs=1000]}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ChainThroughputBench {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void chainOfThree() throws Exception {
        Orchestrators.quickJit = false;
        int runs = Integer.getInteger("bench.runs", 1000);
        int concurrency = Integer.getInteger("bench.concurrency", 32);
        Map<String, String> handlers = Map.of(
                "fleet.agents.a.handler",
                "echo",
                "fleet.agents.b.handler",
                "echo",
                "fleet.agents.c.handler",
                "echo",
                "fleet.defaults.max-in-flight",
                "256");
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("fleet.orchestrator.rate-limit", "1000000");
        props.put("fleet.orchestrator.allowed-agents", "nobody");
        try (JavaProcess worker = Orchestrators.worker(redis.uri(), "a,b,c", handlers);
                Orchestrators.Orchestrator o = Orchestrators.orchestrator(redis.uri(), props)) {
            Api api = o.api();
            String input = "x".repeat(1000);
            String body0 = "{\"tasks\":[{\"id\":\"a\",\"agent\":\"a\",\"input\":\"" + input + "\"},"
                    + "{\"id\":\"b\",\"agent\":\"b\",\"dependsOn\":[\"a\"]},{\"id\":\"c\",\"agent\":\"c\",\"dependsOn\":[\"b\"]}]}";
            String body = Boolean.getBoolean("bench.submitOnly")
                    ? body0.replace("\"agent\":\"a\"", "\"agent\":\"nobody\"")
                    : body0;
            List<String> warm = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                warm.add(api.submit(Api.parse(body)));
            }
            if (Boolean.getBoolean("bench.submitOnly")) {
                long t0 = System.currentTimeMillis();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    Semaphore p = new Semaphore(concurrency);
                    for (int i = 0; i < runs; i++) {
                        p.acquire();
                        pool.submit(() -> {
                            try {
                                api.submit(Api.parse(body));
                            } finally {
                                p.release();
                            }
                        });
                    }
                }
                System.out.printf(
                        "W3 submit only: %d runs, %.0f runs/s%n",
                        runs, runs * 1000.0 / (System.currentTimeMillis() - t0));
                return;
            }
            api.awaitStatus(warm.get(warm.size() - 1), "COMPLETED", Duration.ofSeconds(60));
            ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
            Semaphore permits = new Semaphore(concurrency);
            long start = System.currentTimeMillis();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < runs; i++) {
                    permits.acquire();
                    pool.submit(() -> {
                        try {
                            ids.add(api.submit(Api.parse(body)));
                        } finally {
                            permits.release();
                        }
                    });
                }
            }
            long submitted = System.currentTimeMillis();
            List<String> all = new ArrayList<>(ids);
            Await.until(
                    Duration.ofSeconds(120),
                    () -> {
                        try (Jedis jedis = redis.jedis()) {
                            for (String id : all) {
                                if (!"COMPLETED".equals(jedis.hget("fleet:{run:" + id + "}:state", "status"))) {
                                    return false;
                                }
                            }
                            return true;
                        }
                    },
                    "all runs to complete");
            List<Long> latencies = new ArrayList<>();
            long last = 0;
            try (Jedis jedis = redis.jedis()) {
                for (String id : all) {
                    long created = Long.parseLong(jedis.hget("fleet:{run:" + id + "}:state", "createdAt"));
                    long finished = Long.parseLong(jedis.hget("fleet:{run:" + id + "}:state", "finishedAt"));
                    latencies.add(finished - created);
                    last = Math.max(last, finished);
                }
            }
            Collections.sort(latencies);
            if (System.getProperty("bench.jfr") != null) {
                new ProcessBuilder(
                                System.getProperty("java.home") + "/bin/jcmd",
                                Long.toString(o.process().pid()),
                                "JFR.dump",
                                "filename=" + System.getProperty("bench.jfr"))
                        .inheritIO()
                        .start()
                        .waitFor();
            }
            System.out.printf(
                    "W3 chain: %d runs, submit %.0f runs/s, end-to-end %.0f runs/s, latency p50 %d ms p99 %d ms max %d ms%n",
                    runs,
                    runs * 1000.0 / (submitted - start),
                    runs * 1000.0 / (last - start),
                    latencies.get(latencies.size() / 2),
                    latencies.get(latencies.size() * 99 / 100),
                    latencies.get(latencies.size() - 1));
        }
    }
}
