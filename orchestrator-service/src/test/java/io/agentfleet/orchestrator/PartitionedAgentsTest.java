package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.HashSlots;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.RedisExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The orchestrator's side of partitions and the agent registry, on standalone and (with -Dfleet.test.redis=cluster)
 * on a Redis Cluster. The tasks are answered by a stand-in worker in this test that reads each partition's task stream
 * and writes a RESULT to the same partition's results stream, as the contract asks of workers; so the test proves
 * where the orchestrator puts dispatches and that it reads every partition's results.
 */
class PartitionedAgentsTest {
    static final String PARTITIONED = "t-part";
    static final int PARTITIONS = 3;
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final StreamKeys KEYS = StreamKeys.DEFAULT;
    static final MessageCodec CODEC = new MessageCodec();

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static Orchestrators.Orchestrator orchestrator;
    static Api api;
    static StandInWorker worker;
    static UnifiedJedis client;

    @BeforeAll
    static void start() {
        Map<String, String> props = Orchestrators.fastRecovery();
        // Configured, so that dispatch (not a worker) is what registers it; the other types register as workers do.
        props.put("fleet.orchestrator.allowed-agents", PARTITIONED);
        orchestrator = Orchestrators.orchestrator(
                redis.uri(), props, Map.of(StreamKeys.partitionsVariable(PARTITIONED), Integer.toString(PARTITIONS)));
        api = orchestrator.api();
        client = redis.client();
        worker = new StandInWorker(redis.client());
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(worker, client, orchestrator);
    }

    @Test
    void aPartitionedTypeInAFanOutRunCompletesEveryTaskOnceOnThePartitionOfItsTaskId() {
        worker.serve(PARTITIONED, PARTITIONS);
        StringBuilder tasks = new StringBuilder("{\"tasks\":[");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add("f" + i);
            tasks.append("{\"id\":\"f")
                    .append(i)
                    .append("\",\"agent\":\"" + PARTITIONED + "\",\"input\":{\"n\":")
                    .append(i)
                    .append("}},");
        }
        tasks.append("{\"id\":\"join\",\"agent\":\"" + PARTITIONED + "\",\"input\":{},\"dependsOn\":[");
        tasks.append(String.join(",", ids.stream().map(id -> "\"" + id + "\"").toList()));
        tasks.append("]}]}");
        String runId = api.submit(Api.parse(tasks.toString()));
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);

        Map<String, Integer> seen = worker.partitionsOf(runId);
        assertEquals(13, seen.size(), "every task of the run was dispatched: " + seen);
        Set<Integer> used = new HashSet<>();
        seen.forEach((wireId, partition) -> {
            assertEquals(StreamKeys.partitionFor(wireId, PARTITIONS), partition, wireId + "'s partition");
            assertEquals(1, worker.deliveries(wireId), wireId + " was delivered once");
            used.add(partition);
        });
        assertTrue(used.size() > 1, "13 task ids spread over more than one partition: " + used);
        assertEquals(
                String.valueOf(PARTITIONS),
                client.hget(KEYS.config(PARTITIONED), StreamKeys.PARTITIONS_FIELD),
                "the configured count was registered");
        assertTrue(client.sismember(KEYS.agents(), PARTITIONED), "dispatch registered the type");
    }

    @Test
    void agentTypesOnDifferentShardsCompleteInOneRunThroughOneOrchestrator() {
        List<String> types = typesInEachThirdOfTheSlots();
        if (redis.isCluster()) {
            Set<String> primaries = new HashSet<>();
            for (String type : types) {
                String key = KEYS.tasks(type);
                try (Jedis node = new Jedis(URI.create(redis.uri()))) {
                    assertEquals(HashSlots.slotOf(key), (int) node.clusterKeySlot(key), "CLUSTER KEYSLOT " + key);
                }
                primaries.add(redis.cluster().primaryForKey(key).id());
            }
            assertEquals(3, primaries.size(), types + " live on three different primaries");
        }
        types.forEach(t -> worker.serve(t, 1));
        String runId = submitOnceKnown(Api.parse("{\"tasks\":[" + "{\"id\":\"a\",\"agent\":\"" + types.get(0)
                + "\",\"input\":{}}," + "{\"id\":\"b\",\"agent\":\"" + types.get(1)
                + "\",\"input\":{},\"dependsOn\":[\"a\"]}," + "{\"id\":\"c\",\"agent\":\"" + types.get(2)
                + "\",\"input\":{},\"dependsOn\":[\"b\"]}]}"));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        for (String id : List.of("a", "b", "c")) {
            assertEquals("COMPLETED", Api.task(run, id).get("state").asText(), id);
        }
    }

    @Test
    void agentsListsATypeKnownOnlyFromTheRegistryWithEachPartition() {
        String type = "t-registered-only";
        client.sadd(KEYS.agents(), type);
        client.hset(KEYS.config(type), StreamKeys.PARTITIONS_FIELD, "2");
        JsonNode agents = api.get("/v1/agents").json().get("agents");
        JsonNode found = null;
        for (JsonNode agent : agents) {
            if (type.equals(agent.get("agent").asText())) {
                found = agent;
            }
        }
        assertTrue(found != null, type + " is listed: " + agents);
        assertEquals(2, found.get("partitionCount").asInt());
        assertEquals(2, found.get("partitions").size());
        assertEquals(
                KEYS.tasks(type, 1),
                found.get("partitions").get(1).get("stream").asText());
    }

    @Test
    void agentsShowsTheOldestPendingAgeOfEachPartitionAndTheLargestAsTheTotal() {
        String type = "t-oldest-pending";
        client.sadd(KEYS.agents(), type);
        client.hset(KEYS.config(type), StreamKeys.PARTITIONS_FIELD, "2");
        String stream = KEYS.tasks(type, 1);
        long enqueued = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
        client.xgroupCreate(stream, StreamKeys.WORKERS_GROUP, StreamEntryID.XGROUP_LAST_ENTRY, true);
        client.xadd(stream, new StreamEntryID(enqueued, 0), Map.of("payload", "{}"));
        client.xreadGroup(
                StreamKeys.WORKERS_GROUP,
                "stalled-worker",
                XReadGroupParams.xReadGroupParams().count(1),
                Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));

        JsonNode found = null;
        for (JsonNode agent : api.get("/v1/agents").json().get("agents")) {
            if (type.equals(agent.get("agent").asText())) {
                found = agent;
            }
        }
        assertTrue(found != null, type + " is listed");
        long age = found.get("partitions").get(1).get("oldestPendingMs").asLong();
        assertTrue(age >= Duration.ofMinutes(5).toMillis(), "at least the entry's age: " + age);
        assertTrue(age < Duration.ofMinutes(30).toMillis(), "not more than the test's lifetime: " + age);
        assertEquals(0, found.get("partitions").get(0).get("oldestPendingMs").asLong(), "nothing pending on #0");
        assertEquals(age, found.get("oldestPendingMs").asLong(), "the type's figure is its oldest partition's");
    }

    /**
     * Submits once the orchestrator knows the types just registered: it reads the registry again on a miss, but at most
     * once per {@code agents-miss-refresh} (1 s), so a type registered within that second of the last read waits.
     */
    static String submitOnceKnown(JsonNode workflow) {
        String[] runId = new String[1];
        Await.until(
                TIMEOUT,
                () -> {
                    Api.Response r = api.post("/v1/workflows", workflow);
                    if (r.status() == 202) {
                        runId[0] = r.json().get("runId").asText();
                    }
                    return runId[0] != null;
                },
                "the orchestrator to accept the registered types");
        return runId[0];
    }

    /** Three agent type names whose hash slots are in different thirds of the slot range (one per primary). */
    static List<String> typesInEachThirdOfTheSlots() {
        String[] chosen = new String[3];
        for (int i = 0; chosen[0] == null || chosen[1] == null || chosen[2] == null; i++) {
            String name = "t-shard-" + i;
            int third = HashSlots.slotOf(KEYS.tasks(name)) * 3 / HashSlots.SLOTS;
            if (chosen[third] == null) {
                chosen[third] = name;
            }
        }
        return List.of(chosen);
    }

    /** Answers every task of the served partitions with a RESULT on the same partition, counting deliveries. */
    static final class StandInWorker implements AutoCloseable {
        private final UnifiedJedis jedis;
        private final Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        private final Map<String, Integer> served = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        StandInWorker(UnifiedJedis jedis) {
            this.jedis = jedis;
            this.thread = Thread.ofVirtual().start(this::loop);
        }

        /** Serves {@code agent} and registers it as a worker does at start. */
        void serve(String agent, int partitions) {
            served.put(agent, partitions);
            jedis.sadd(KEYS.agents(), agent);
        }

        Map<String, Integer> partitionsOf(String runId) {
            Map<String, Integer> out = new HashMap<>();
            partitionOf.forEach((wireId, p) -> {
                if (wireId.startsWith(runId + ".")) {
                    out.put(wireId, p);
                }
            });
            return out;
        }

        int deliveries(String wireId) {
            return deliveries.get(wireId).get();
        }

        private void loop() {
            Map<String, StreamEntryID> last = new HashMap<>();
            while (running) {
                boolean any = false;
                for (Map.Entry<String, Integer> type : served.entrySet()) {
                    for (int p = 0; p < type.getValue(); p++) {
                        String stream = KEYS.tasks(type.getKey(), p);
                        StreamEntryID from = last.getOrDefault(stream, new StreamEntryID(0, 0));
                        List<StreamEntry> entries;
                        try {
                            entries = jedis.xrange(stream, from, (StreamEntryID) null, 100);
                        } catch (RuntimeException e) {
                            continue;
                        }
                        for (StreamEntry entry : entries) {
                            if (entry.getID().equals(from) && last.containsKey(stream)) {
                                continue;
                            }
                            answer(type.getKey(), p, entry);
                            last.put(stream, entry.getID());
                            any = true;
                        }
                    }
                }
                if (!any) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        private void answer(String agent, int partition, StreamEntry entry) {
            AgentMessage task = CODEC.decode(entry.getFields().get(StreamKeys.MESSAGE_FIELD));
            partitionOf.put(task.taskId(), partition);
            deliveries.computeIfAbsent(task.taskId(), t -> new AtomicInteger()).incrementAndGet();
            ObjectNode output = JsonNodeFactory.instance.objectNode();
            output.put("partition", partition);
            String result = CODEC.encode(task.resultOf("stand-in", output, null));
            jedis.xadd(
                    KEYS.results(agent, partition), StreamEntryID.NEW_ENTRY, Map.of(StreamKeys.MESSAGE_FIELD, result));
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            jedis.close();
        }
    }
}
