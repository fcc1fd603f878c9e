package io.agentfleet.tools.testing;

import io.agentfleet.messages.StreamKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/** Counts what the workers recorded: result entries per task id, over every partition of an agent type. */
public final class ResultStreams {
    private static final int PAGE = 1_000;

    private ResultStreams() {}

    /** Result entries per task id (ids starting with {@code taskIdPrefix}) on partitions {@code 0..partitions-1}. */
    public static Map<String, Integer> outcomesPerTask(
            UnifiedJedis jedis, String agent, int partitions, String taskIdPrefix) {
        Map<String, Integer> outcomes = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            String results = StreamKeys.DEFAULT.results(agent, p);
            StreamEntryID from = new StreamEntryID(0, 0);
            while (true) {
                List<StreamEntry> page = jedis.xrange(results, from, null, PAGE);
                for (StreamEntry entry : page) {
                    String taskId = entry.getFields().get("taskId");
                    if (taskId != null && taskId.startsWith(taskIdPrefix)) {
                        outcomes.merge(taskId, 1, Integer::sum);
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
                StreamEntryID last = page.getLast().getID();
                from = new StreamEntryID(last.getTime(), last.getSequence() + 1);
            }
        }
        return outcomes;
    }

    /** The task ids recorded more than once. */
    public static List<String> recordedTwice(Map<String, Integer> outcomes) {
        return outcomes.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
