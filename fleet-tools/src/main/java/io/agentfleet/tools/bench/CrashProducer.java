package io.agentfleet.tools.bench;

import io.agentfleet.client.FleetClient;
import io.agentfleet.client.TaskHandle;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.StreamKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The producer of W4, as its own JVM: {@code REDIS_URL AGENT COUNT TASK_MS PREFIX}. Enqueues COUNT tasks in batches of 1,000,
 * then reads the results stream until every task has an outcome (or 3 minutes pass) and prints
 * {@code RESULT <prefix>drain_ms=… <prefix>lost=… <prefix>duplicates=… <prefix>dead_letters=…}: lost are tasks
 * without any outcome, duplicates outcomes recorded for a task that already had one.
 */
public final class CrashProducer {
    private static final long GIVE_UP_NANOS = TimeUnit.MINUTES.toNanos(3);

    private CrashProducer() {}

    public static void main(String[] args) throws Exception {
        String redisUrl = args[0];
        String agent = args[1];
        int count = Integer.parseInt(args[2]);
        long taskMs = Long.parseLong(args[3]);
        String prefix = args[4];
        String results = StreamKeys.DEFAULT.results(agent);
        String dead = StreamKeys.DEFAULT.dead(agent);
        try (FleetClient client = FleetClient.connect(redisUrl);
                UnifiedJedis jedis = BenchRedis.open(redisUrl)) {
            StreamEntryID from = BenchProducer.newestEntry(jedis, results);
            long deadBefore = jedis.exists(dead) ? jedis.xlen(dead) : 0;
            Map<String, Integer> outcomes = new HashMap<>(count * 2);
            String firstEntry = null;
            for (int sent = 0; sent < count; sent += 1_000) {
                List<AgentMessage> batch = new ArrayList<>(1_000);
                for (int i = 0; i < Math.min(1_000, count - sent); i++) {
                    batch.add(AgentMessage.request(agent, BenchProducer.content(taskMs))
                            .sender("bench")
                            .build());
                }
                List<TaskHandle> handles = client.submitAll(batch);
                if (firstEntry == null) {
                    firstEntry = handles.get(0).entryId();
                }
                handles.forEach(h -> outcomes.put(h.taskId(), 0));
            }
            int done = 0;
            long duplicates = 0;
            String lastEntry = firstEntry;
            long giveUpAt = System.nanoTime() + GIVE_UP_NANOS;
            while (done < count && System.nanoTime() < giveUpAt) {
                var reply = jedis.xread(XReadParams.xReadParams().block(1_000).count(1_000), Map.of(results, from));
                if (reply == null) {
                    continue;
                }
                for (var stream : reply) {
                    for (StreamEntry entry : stream.getValue()) {
                        from = entry.getID();
                        Integer seen =
                                outcomes.computeIfPresent(entry.getFields().get("taskId"), (id, n) -> n + 1);
                        if (seen == null) {
                            continue;
                        }
                        lastEntry = entry.getID().toString();
                        if (seen == 1) {
                            done++;
                        } else {
                            duplicates++;
                        }
                    }
                }
            }
            long deadLetters = (jedis.exists(dead) ? jedis.xlen(dead) : 0) - deadBefore;
            System.out.printf(
                    "RESULT %1$sdrain_ms=%2$d %1$slost=%3$d %1$sduplicates=%4$d %1$sdead_letters=%5$d%n",
                    prefix,
                    BenchProducer.millisOf(lastEntry) - BenchProducer.millisOf(firstEntry),
                    count - done,
                    duplicates,
                    deadLetters);
        }
        System.exit(0);
    }
}
