package io.agentfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisCluster;
import io.agentfleet.testsupport.RedisExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** One worker process against a real 3-primary Redis Cluster, reached through one node's URL. */
class WorkerClusterTest {
    private static final StreamKeys KEYS = TestFleet.KEYS;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final RedisExtension fixture = RedisExtension.ownedCluster();

    private static RedisCluster cluster;

    @BeforeAll
    static void cluster() {
        cluster = fixture.cluster();
    }

    @Test
    void oneWorkerServesAgentTypesWhoseStreamsAreOnDifferentShards() {
        List<String> types = typesOnDifferentPrimaries(2);
        String first = types.get(0);
        String second = types.get(1);
        try (Jedis node = new Jedis(RedisCluster.HOST, cluster.nodes().get(0).port())) {
            long slotOfFirst = node.clusterKeySlot(KEYS.tasks(first));
            long slotOfSecond = node.clusterKeySlot(KEYS.tasks(second));
            assertNotEquals(
                    cluster.primaryForSlot((int) slotOfFirst).port(),
                    cluster.primaryForSlot((int) slotOfSecond).port(),
                    "the two task streams must live on different shards");
        }
        try (JavaProcess worker = TestFleet.startWorker(
                        TestFleet.worker(
                                cluster.uri(),
                                first + "," + second,
                                handlerVariable(first),
                                "echo",
                                handlerVariable(second),
                                "echo"),
                        first,
                        second);
                JedisCluster client = cluster.client()) {
            Map<String, Set<String>> taskIds = new HashMap<>();
            for (String type : types) {
                taskIds.put(type, enqueue(client, type, 0, 20));
            }
            for (String type : types) {
                Await.until(WAIT, () -> resultTaskIds(client, type, 0).size() >= 20, "results of " + type);
                List<String> results = resultTaskIds(client, type, 0);
                assertEquals(20, results.size(), type + ": one outcome per task");
                assertEquals(taskIds.get(type), new HashSet<>(results), type);
            }
            assertTrue(
                    client.smembers(KEYS.agents()).containsAll(types),
                    "the worker registered its types: " + client.smembers(KEYS.agents()));
            assertTrue(worker.logText().contains("cluster node"), "detected the cluster from one node's URL");
        }
    }

    @Test
    void aTypeWithThreePartitionsCompletesTasksOfEveryPartitionExactlyOnce() {
        String type = "parts";
        try (JavaProcess worker = TestFleet.startWorker(
                        TestFleet.worker(
                                cluster.uri(),
                                type,
                                handlerVariable(type),
                                "echo",
                                StreamKeys.partitionsVariable(type),
                                "3"),
                        type);
                JedisCluster client = cluster.client()) {
            for (int p = 1; p < 3; p++) {
                worker.awaitLog("reading " + KEYS.tasks(type, p), WAIT);
            }
            Set<Integer> shards = new HashSet<>();
            Map<Integer, Set<String>> taskIds = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                shards.add(cluster.primaryForKey(KEYS.tasks(type, p)).port());
                taskIds.put(p, enqueue(client, type, p, 30));
            }
            assertTrue(shards.size() >= 2, "the partitions spread over shards: " + shards);
            for (int p = 0; p < 3; p++) {
                int partition = p;
                Await.until(
                        WAIT,
                        () -> resultTaskIds(client, type, partition).size() >= 30,
                        "results of partition " + partition);
            }
            for (int p = 0; p < 3; p++) {
                List<String> results = resultTaskIds(client, type, p);
                assertEquals(30, results.size(), "partition " + p + ": exactly one outcome per task");
                assertEquals(taskIds.get(p), new HashSet<>(results), "partition " + p + " records its own tasks");
                for (String taskId : taskIds.get(p)) {
                    assertTrue(client.exists(KEYS.done(type, p, taskId)), "done key in partition " + p);
                }
            }
            assertEquals("3", client.hget(KEYS.config(type), StreamKeys.PARTITIONS_FIELD));
            assertTrue(client.smembers(KEYS.agents()).contains(type));
        }
    }

    @Test
    void aPartitionCountRaisedElsewhereIsServedWithinSeconds() {
        String type = "grow";
        try (JavaProcess worker = TestFleet.startWorker(
                        TestFleet.worker(cluster.uri(), type, handlerVariable(type), "echo"), type);
                JedisCluster client = cluster.client()) {
            Await.until(WAIT, () -> client.smembers(KEYS.agents()).contains(type), "the worker registered its type");
            ScriptCall raise = FleetScripts.registerPartitions(KEYS, type, 3);
            client.eval(
                    raise.script().source(),
                    raise.keys(),
                    raise.args().stream()
                            .map(a -> new String(a, StandardCharsets.UTF_8))
                            .toList());
            worker.awaitLog("reading " + KEYS.tasks(type, 2), WAIT);
            Set<String> ids = enqueue(client, type, 2, 5);
            Await.until(WAIT, () -> resultTaskIds(client, type, 2).size() >= 5, "results of the new partition");
            assertEquals(ids, new HashSet<>(resultTaskIds(client, type, 2)));
        }
    }

    /**
     * The partitions of a type share its max-in-flight: a partition with a long backlog does not hold up tasks that
     * arrive on another one (each read takes at most its even share of the free slots).
     */
    @Test
    void aBackloggedPartitionDoesNotHoldUpAnotherPartitionsTasks() {
        String type = "fair";
        int backlog = 200;
        try (JavaProcess worker = TestFleet.startWorker(
                        TestFleet.worker(
                                cluster.uri(),
                                type,
                                handlerVariable(type),
                                "sleep",
                                StreamKeys.partitionsVariable(type),
                                "2",
                                "FLEET_AGENTS_FAIR_MAX_IN_FLIGHT",
                                "4"),
                        type);
                JedisCluster client = cluster.client()) {
            worker.awaitLog("reading " + KEYS.tasks(type, 1), WAIT);
            enqueue(client, type, 0, backlog, "{\"ms\":200}");
            Set<String> later = enqueue(client, type, 1, 10, "{\"ms\":200}");
            Await.until(WAIT, () -> resultTaskIds(client, type, 1).size() >= 10, "partition 1's tasks");
            int doneOfBacklog = resultTaskIds(client, type, 0).size();
            assertEquals(later, new HashSet<>(resultTaskIds(client, type, 1)));
            assertTrue(
                    doneOfBacklog < backlog / 2,
                    "partition 1's 10 tasks finished while partition 0 had done only " + doneOfBacklog + " of "
                            + backlog);
        }
    }

    /** Enqueues {@code count} tasks to one partition with the shared ENQUEUE call; returns their task ids. */
    static Set<String> enqueue(JedisCluster client, String type, int partition, int count) {
        return enqueue(client, type, partition, count, null);
    }

    /** As above, each task's content {@code content} (JSON), or an input naming the task when null. */
    static Set<String> enqueue(JedisCluster client, String type, int partition, int count, String content) {
        Set<String> ids = new HashSet<>();
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AgentMessage task = TestFleet.task(type, content != null ? content : "{\"input\":\"task " + i + "\"}");
            ids.add(task.taskId());
            messages.add(TestFleet.CODEC.encode(task).getBytes(StandardCharsets.UTF_8));
        }
        ScriptCall call = FleetScripts.enqueue(KEYS, type, partition, 0, messages, List.of());
        List<String> args = call.args().stream()
                .map(a -> new String(a, StandardCharsets.UTF_8))
                .toList();
        client.eval(call.script().source(), call.keys(), args);
        return ids;
    }

    static List<String> resultTaskIds(JedisCluster client, String type, int partition) {
        List<String> ids = new ArrayList<>();
        for (StreamEntry e : client.xrange(KEYS.results(type, partition), (StreamEntryID) null, (StreamEntryID) null)) {
            ids.add(e.getFields().get("taskId"));
        }
        return ids;
    }

    /** {@code count} agent types whose partition-0 keys are on different primaries. */
    static List<String> typesOnDifferentPrimaries(int count) {
        return List.copyOf(
                cluster.namesOnDistinctPrimaries(count, "shard", KEYS::tasks).values());
    }

    static String handlerVariable(String type) {
        return "FLEET_AGENTS_" + type.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_HANDLER";
    }
}
