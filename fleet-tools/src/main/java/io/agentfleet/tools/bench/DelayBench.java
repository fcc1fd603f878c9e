package io.agentfleet.tools.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.SubmitOptions;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * W7: {@value #TASKS} tasks scheduled for one instant; the worker's promoter moves them to the task stream when due.
 * Measures the time from the due instant to the moment the delayed set is empty (all enqueued), on Redis's clock,
 * polled every millisecond or so.
 */
final class DelayBench {
    static final int TASKS = 10_000;
    /** Time to schedule the tasks before they are due. */
    private static final Duration LEAD = Duration.ofSeconds(5);

    private DelayBench() {}

    static Figures run(String redisUri, String agent) throws Exception {
        try (FleetClient client = FleetClient.connect(redisUri);
                UnifiedJedis jedis = BenchRedis.open(redisUri)) {
            String delayed = StreamKeys.DEFAULT.delayed(agent, 0);
            Instant due = Instant.ofEpochMilli(redisMillis(jedis)).plus(LEAD);
            List<AgentMessage> tasks = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                tasks.add(AgentMessage.request(
                                agent, JsonNodeFactory.instance.objectNode().put("input", i))
                        .build());
            }
            long scheduleStart = System.nanoTime();
            client.submitAll(tasks, SubmitOptions.runAt(due));
            double scheduleMs = (System.nanoTime() - scheduleStart) / 1e6;
            if (redisMillis(jedis) >= due.toEpochMilli()) {
                throw new IllegalStateException("scheduling took " + scheduleMs + " ms, past the due time");
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (jedis.zcard(delayed) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(jedis.zcard(delayed) + " tasks still scheduled 2 min after due");
                }
                Thread.sleep(1);
            }
            long allEnqueued = redisMillis(jedis);
            return new Figures(Map.of("schedule_10k_ms", scheduleMs, "due_to_all_enqueued_ms", (double)
                    (allEnqueued - due.toEpochMilli())));
        }
    }

    private static long redisMillis(UnifiedJedis jedis) {
        List<?> time = (List<?>) jedis.sendCommand(Protocol.Command.TIME);
        long seconds = Long.parseLong(text(time.get(0)));
        long micros = Long.parseLong(text(time.get(1)));
        return seconds * 1000 + micros / 1000;
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : reply.toString();
    }
}
