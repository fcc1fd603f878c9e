package io.agentfleet.client;

import static io.agentfleet.client.FakeWorker.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.HashSlots;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisCluster;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.testsupport.RedisSentinelSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/** Partitioned agent types, the registry, the durability setting, and the client on Redis Cluster and Sentinel. */
class FleetClientPartitionTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final String HOT = "hot";
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private final StreamKeys keys = StreamKeys.DEFAULT;
    private UnifiedJedis jedis;
    private FleetClient client;

    @BeforeEach
    void connect() {
        jedis = redis.client();
        client = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .partitions(HOT, 3)
                .build());
    }

    @AfterEach
    void close() {
        client.close();
        jedis.close();
    }

    @Test
    void aProducerWhoseAclMayNotRegisterItsCountWritesOnlyToRegisteredPartitions() {
        assumeFalse(redis.isCluster(), "the ACL user is created on one node");
        try (Jedis node = redis.jedis()) {
            node.aclSetUser(
                    "narrow-producer",
                    "on",
                    ">narrow-pw",
                    "resetkeys",
                    "-@all",
                    "+ping",
                    "+client|setname",
                    "+info",
                    "+evalsha",
                    "+eval",
                    "+hget",
                    "+get",
                    "+xlen",
                    "+zcard",
                    "+xadd",
                    "+sadd",
                    "~fleet:*");
        }
        String url = redis.uri().replace("redis://", "redis://narrow-producer:narrow-pw@");
        try (FleetClient narrow = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(url)
                .partitions("narrow", 3)
                .build())) {
            for (int i = 0; i < 4; i++) {
                assertEquals(0, narrow.submit("narrow", json("input", "n" + i)).partition());
            }
        } finally {
            try (Jedis node = redis.jedis()) {
                node.aclDelUser("narrow-producer");
            }
        }
        assertEquals(4, jedis.xlen(keys.tasks("narrow", 0)), "all in the one registered partition");
        assertEquals(null, jedis.hget(keys.config("narrow"), StreamKeys.PARTITIONS_FIELD));
    }

    @Test
    void roundRobinSpreadsTasksOverEveryPartitionAndAwaitReadsEachTasksPartition() {
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            handles.add(client.submit(HOT, json("input", "t" + i)));
        }
        for (int p = 0; p < 3; p++) {
            assertEquals(3, jedis.xlen(keys.tasks(HOT, p)), "partition " + p);
        }
        assertEquals(
                Set.of(0, 1, 2),
                new HashSet<>(handles.stream().map(TaskHandle::partition).toList()));
        assertEquals("3", jedis.hget(keys.config(HOT), StreamKeys.PARTITIONS_FIELD), "the count is registered");
        assertEquals(Set.of(HOT), client.admin().agentTypes());

        for (int p = 0; p < 3; p++) {
            FakeWorker worker = new FakeWorker(jedis, keys, HOT, p);
            for (StreamEntry entry : worker.take(10)) {
                worker.complete(entry, json("output", FakeWorker.task(entry).taskId()), Metadata.EMPTY);
            }
        }
        List<TaskResult> results = client.awaitAll(handles, GENEROUS);
        for (int i = 0; i < handles.size(); i++) {
            assertEquals(
                    handles.get(i).taskId(),
                    results.get(i).output().get("output").asText());
        }
        assertEquals(
                handles.getFirst().taskId(),
                client.await(handles.getFirst(), GENEROUS)
                        .output()
                        .get("output")
                        .asText());
    }

    @Test
    void aPartitionKeyKeepsItsTasksOnOnePartitionInSubmitOrder() {
        int expected = StreamKeys.partitionFor("order-42", 3);
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            AgentMessage task =
                    AgentMessage.request(HOT, json("input", "step " + i)).build();
            TaskHandle handle = client.submit(task, SubmitOptions.partitionKey("order-42"));
            assertEquals(expected, handle.partition());
            submitted.add(task.taskId());
        }
        List<AgentMessage> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(AgentMessage.request(HOT, json("input", "batch " + i)).build());
        }
        client.submitAll(batch, SubmitOptions.partitionKey("order-42"));
        batch.forEach(t -> submitted.add(t.taskId()));

        List<String> onStream = jedis.xrange(keys.tasks(HOT, expected), "-", "+").stream()
                .map(e -> FakeWorker.task(e).taskId())
                .toList();
        assertEquals(submitted, onStream, "one partition, in submit order");
        for (int p = 0; p < 3; p++) {
            if (p != expected) {
                assertEquals(0, jedis.xlen(keys.tasks(HOT, p)));
            }
        }
    }

    @Test
    void aWriterWithoutAConfiguredCountUsesTheRegisteredOne() {
        client.submit(HOT, json("input", "registers 3"));
        try (FleetClient plain = FleetClient.connect(redis.uri())) {
            assertEquals(3, plain.writePartitions(HOT));
            assertEquals(3, plain.admin().partitions(HOT));
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                tasks.add(AgentMessage.request(HOT, json("input", "x" + i)).build());
            }
            List<TaskHandle> handles = plain.submitAll(tasks);
            assertEquals(
                    Set.of(0, 1, 2),
                    new HashSet<>(handles.stream().map(TaskHandle::partition).toList()));
            assertEquals(1, plain.writePartitions("cold"), "unregistered types have one partition");
        }
    }

    @Test
    void deadLettersAreRedrivenAndPurgedPerPartitionAndStatusShowsEachPartition() {
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            handles.add(client.submit(HOT, json("input", "d" + i)));
        }
        for (int p = 0; p < 3; p++) {
            FakeWorker worker = new FakeWorker(jedis, keys, HOT, p);
            for (StreamEntry entry : worker.take(10)) {
                worker.deadLetter(entry, DeadLetterReason.INVALID_MESSAGE, Failure.permanent("BOOM", "no"));
            }
        }
        AgentStats stats = client.admin().agentStats(HOT);
        assertEquals(6, stats.dead());
        assertEquals(3, stats.partitions().size());
        assertEquals(
                List.of(2L, 2L, 2L),
                stats.partitions().stream().map(PartitionStats::dead).toList());
        assertEquals(1, stats.consumers().size(), "one worker serving three partitions is one consumer");

        String id = client.admin().deadLetters(HOT, 2, 10).getFirst().entryId();
        assertEquals(1, client.admin().redrive(HOT, 2, List.of(id)));
        assertEquals(1, jedis.xlen(keys.dead(HOT, 2)));
        assertEquals(2, jedis.xlen(keys.dead(HOT, 1)), "entry ids are per stream: other partitions are untouched");
        assertEquals(1, jedis.xlen(keys.tasks(HOT, 2)), "redriven onto its own partition's stream");
        assertEquals(0, jedis.xlen(keys.tasks(HOT, 1)));

        assertEquals(2, client.admin().redriveAll(HOT, 0));
        assertEquals(0, jedis.xlen(keys.dead(HOT, 0)));
        assertEquals(3, client.admin().purgeDeadLetters(HOT), "purge covers every partition");
        assertEquals(0, client.admin().agentStats(HOT).dead());
    }

    @Test
    void anEnqueueTheReplicasCannotAcknowledgeFailsTyped() {
        // One node has no replica; each cluster primary has one, so two can never acknowledge.
        int wanted = redis.isCluster() ? 2 : 1;
        try (FleetClient durable = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .waitReplicas(wanted, Duration.ofMillis(100))
                .build())) {
            DurabilityException e =
                    assertThrows(DurabilityException.class, () -> durable.submit("coder", json("input", "x")));
            assertEquals("coder", e.agent());
            assertEquals(keys.tasks("coder"), e.stream());
            assertEquals(wanted, e.wanted());
            assertTrue(e.acknowledged() < wanted);
            assertEquals(1, jedis.xlen(keys.tasks("coder")), "the task is enqueued all the same");

            List<AgentMessage> tasks = List.of(
                    AgentMessage.request("coder", json("input", "a")).build(),
                    AgentMessage.request("coder", json("input", "b")).build());
            assertInstanceOf(DurabilityException.class, assertThrows(Exception.class, () -> durable.submitAll(tasks)));
            assertEquals(3, jedis.xlen(keys.tasks("coder")));
        }
    }

    @Test
    void onAClusterOneReplicaAcknowledgesEveryEnqueue() {
        assumeTrue(redis.isCluster(), "needs replicas");
        try (FleetClient durable = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .waitReplicas(1, Duration.ofSeconds(5))
                .partitions(HOT, 3)
                .build())) {
            durable.submit("coder", json("input", "x"));
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                tasks.add(AgentMessage.request(HOT, json("input", "y" + i)).build());
            }
            assertEquals(30, durable.submitAll(tasks).size());
        }
    }

    @Test
    void onAClusterAgentTypesOnDifferentShardsAllWorkFromOneClient() {
        assumeTrue(redis.isCluster(), "Redis Cluster only");
        RedisCluster cluster = redis.cluster();
        List<String> types = new ArrayList<>();
        Set<Integer> primaries = new HashSet<>();
        for (int i = 0; types.size() < 3 && i < 1_000; i++) {
            String type = "agent-" + i;
            if (primaries.add(cluster.primaryForKey(keys.tasks(type)).port())) {
                types.add(type);
            }
        }
        assertEquals(3, types.size(), "one agent type per primary");
        assertTrue(redis.uri().indexOf(',') < 0, "a single node's URL: the client detects the cluster");

        List<TaskHandle> handles = new ArrayList<>();
        for (String type : types) {
            handles.add(client.submit(type, json("input", type)));
        }
        for (String type : types) {
            FakeWorker worker = new FakeWorker(jedis, keys, type);
            StreamEntry entry = worker.takeOne();
            worker.complete(entry, json("output", type), Metadata.EMPTY);
        }
        List<TaskResult> results = client.awaitAll(handles, GENEROUS);
        for (int i = 0; i < types.size(); i++) {
            assertEquals(types.get(i), results.get(i).output().get("output").asText());
        }
        assertEquals(new HashSet<>(types), client.admin().agentTypes());
        for (int p = 1; p < 3; p++) {
            assertNotEquals(HashSlots.slotOf(keys.tasks(HOT, 0)), HashSlots.slotOf(keys.tasks(HOT, p)));
        }
    }

    @Test
    void scriptsMissingFromTheNodesCacheAreSentWithEvalOnce() {
        flushScripts();
        client.submit("coder", json("input", "after SCRIPT FLUSH"));
        flushScripts();
        try (FleetClient durable = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .waitReplicas(redis.isCluster() ? 1 : 0, Duration.ofSeconds(5))
                .build())) {
            durable.submit("coder", json("input", "after SCRIPT FLUSH, waiting for replicas"));
        }
        assertEquals(2, jedis.xlen(keys.tasks("coder")));
    }

    @Test
    void aNodeThatRefusesInfoIsTakenAsStandalone() {
        assumeFalse(redis.isCluster(), "detection of a cluster needs INFO");
        try (Jedis admin = redis.jedis()) {
            admin.aclSetUser("noinfo", "on", ">pw", "~*", "&*", "+@all", "-info");
            try (FleetClient limited = FleetClient.connect("redis://noinfo:pw@" + redis.host() + ":" + redis.port())) {
                limited.submit("coder", json("input", "no INFO for me"));
                assertEquals(Set.of("coder"), limited.admin().agentTypes());
            } finally {
                admin.aclDelUser("noinfo");
            }
        }
    }

    @Test
    void aClientOnSentinelFollowsTheNewPrimaryAfterAFailover() {
        assumeFalse(redis.isCluster(), "the Sentinel set-up is started once, in the standalone run");
        try (RedisSentinelSetup sentinel = RedisSentinelSetup.start();
                FleetClient viaSentinel = FleetClient.connect(FleetClientOptions.builder()
                        .redisUri(sentinel.uri())
                        .commandTimeout(Duration.ofSeconds(2))
                        .build())) {
            TaskHandle before = viaSentinel.submit("coder", json("input", "before"));
            RedisSentinelSetup.Node old = sentinel.primary();
            sentinel.kill(old);
            RedisSentinelSetup.Node promoted = sentinel.awaitFailover(GENEROUS);
            assertNotEquals(old.port(), promoted.port());
            // Commands fail while the client learns the new primary; the same client must then carry on.
            List<TaskHandle> after = new ArrayList<>();
            io.agentfleet.testsupport.Await.until(
                    GENEROUS,
                    () -> {
                        try {
                            after.add(viaSentinel.submit("coder", json("input", "after")));
                            return true;
                        } catch (FleetConnectionException e) {
                            return false;
                        }
                    },
                    "a submit through Sentinel after the failover");
            try (Jedis primary = new Jedis(promoted.hostAndPort())) {
                List<String> ids = primary.xrange(keys.tasks("coder"), "-", "+").stream()
                        .map(e -> FakeWorker.task(e).taskId())
                        .toList();
                assertTrue(ids.contains(after.getFirst().taskId()), ids.toString());
                // The first task replicated before the kill (asynchronous replication: not guaranteed in general).
                assertTrue(ids.size() >= 1, ids.toString());
            }
            assertEquals(before.agent(), after.getFirst().agent());
        }
    }

    private void flushScripts() {
        if (!redis.isCluster()) {
            try (Jedis node = redis.jedis()) {
                node.scriptFlush();
            }
            return;
        }
        for (RedisCluster.Node node : redis.cluster().nodes()) {
            try (Jedis each = new Jedis(node.hostAndPort())) {
                each.scriptFlush();
            }
        }
    }

    @Test
    void aSentinelUrlReachesThePrimary() {
        assumeFalse(redis.isCluster(), "the Sentinel set-up is started once, in the standalone run");
        try (RedisSentinelSetup sentinel = RedisSentinelSetup.start();
                FleetClient viaSentinel = FleetClient.connect(sentinel.uri());
                UnifiedJedis primary = sentinel.client()) {
            TaskHandle handle = viaSentinel.submit("coder", json("input", "via sentinel"));
            FakeWorker worker = new FakeWorker(primary, keys, "coder");
            worker.complete(worker.takeOne(), json("output", "done"), Metadata.EMPTY);
            assertEquals(
                    "done",
                    viaSentinel.await(handle, GENEROUS).output().get("output").asText());
            assertEquals(Set.of("coder"), viaSentinel.admin().agentTypes());
        }
    }
}
