package io.agentfleet.worker.llm;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in worker process for the shared rate limit test: several virtual threads call an {@code llm} handler in a
 * loop for a while, all throttled by the Redis bucket. Args: redisUri baseUrl probeName runMillis requestsPerMinute
 * burst threads.
 */
public final class RateLimitProbe {
    private RateLimitProbe() {}

    public static void main(String[] args) throws Exception {
        String redisUri = args[0];
        String baseUrl = args[1];
        String name = args[2];
        Duration run = Duration.ofMillis(Long.parseLong(args[3]));
        int threads = Integer.parseInt(args[6]);
        try (FleetRedis connection = FleetRedis.connect(RedisTarget.parse(redisUri), FleetRedisOptions.DEFAULTS)) {
            LlmHandlerProvider provider = LlmTasks.config()
                    .set("llm", "base-url", baseUrl)
                    .set("llm", "requests-per-minute", args[4])
                    .set("llm", "rate-limit-burst", args[5])
                    .set("warmup", "requests-per-minute", 0)
                    .env("OPENAI_API_KEY", "sk-shared-probe-key-123456")
                    .provider(connection, Clock.systemUTC());
            LlmHandler handler = provider.create("llm");
            // Warm the HTTP client up outside the limit, so that a cold JVM's first call does not arrive late and
            // bunch up with later ones at the server; the test does not count these requests.
            LlmHandler warmup = provider.create("warmup");
            for (int i = 0; i < 3; i++) {
                warmup.handle(
                        LlmTasks.taskWithInput("warmup", "warmup " + name),
                        LlmTasks.contextFor("warmup", Clock.systemUTC()));
            }
            System.out.println("probe " + name + " started");
            long end = System.nanoTime() + run.toNanos();
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            handler.handle(
                                    LlmTasks.taskWithInput("llm", "probe " + name),
                                    LlmTasks.contextFor("llm", Clock.systemUTC()));
                            calls.incrementAndGet();
                        } catch (Exception e) {
                            failures.incrementAndGet();
                            System.out.println("probe " + name + " call failed: " + e);
                        }
                    }
                }));
            }
            for (Thread worker : workers) {
                worker.join();
            }
            System.out.println("probe " + name + " done: " + calls.get() + " calls, " + failures.get() + " failures");
        }
    }
}
