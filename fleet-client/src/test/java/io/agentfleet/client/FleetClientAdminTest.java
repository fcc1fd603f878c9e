package io.agentfleet.client;

import static io.agentfleet.client.FakeWorker.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

class FleetClientAdminTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final String CODER = "coder";
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private final StreamKeys keys = StreamKeys.DEFAULT;
    private UnifiedJedis jedis;
    private FleetClient client;
    private FakeWorker worker;

    @BeforeEach
    void connect() {
        jedis = redis.client();
        client = FleetClient.connect(redis.uri());
        worker = new FakeWorker(jedis, keys, CODER);
    }

    @AfterEach
    void close() {
        client.close();
        jedis.close();
    }

    private TaskHandle deadLettered(String input) {
        TaskHandle handle = client.submit(AgentMessage.request(CODER, json("input", input))
                .deadline(System.currentTimeMillis() + 60_000)
                .build());
        StreamEntry entry = worker.take(10).stream()
                .filter(e -> e.getID().toString().equals(handle.entryId()))
                .findFirst()
                .orElseThrow();
        worker.deadLetter(entry, DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, Failure.retryable("TIMEOUT", "too slow"));
        return handle;
    }

    @Test
    void deadLettersListsEntriesWithReasonAndOriginal() {
        TaskHandle handle = deadLettered("poison");
        List<DeadLetter> letters = client.admin().deadLetters(CODER, 10);
        assertEquals(1, letters.size());
        DeadLetter letter = letters.getFirst();
        assertEquals(handle.taskId(), letter.taskId());
        assertEquals(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, letter.reason());
        assertEquals(FakeWorker.NAME, letter.worker());
        assertTrue(letter.original().contains("poison"));
        assertEquals(letter, client.admin().deadLetter(CODER, letter.entryId()).orElseThrow());
    }

    @Test
    void aTenantSetInSubmitOptionsAttributesTheTaskAndItsDeadLetter() {
        TaskHandle handle = client.submit(
                AgentMessage.request(CODER, json("input", "owned")).build(), SubmitOptions.tenant("team-a"));
        TaskHandle explicit = client.submit(
                AgentMessage.request(CODER, json("input", "own tenant"))
                        .tenant("team-b")
                        .build(),
                SubmitOptions.tenant("team-a"));
        for (StreamEntry entry : worker.take(10)) {
            worker.deadLetter(entry, DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("X", "no"));
        }
        Map<String, String> tenantByTask = new java.util.HashMap<>();
        client.admin().deadLetters(CODER, 10).forEach(l -> tenantByTask.put(l.taskId(), l.tenant()));
        assertEquals(Map.of(handle.taskId(), "team-a", explicit.taskId(), "team-b"), tenantByTask);
    }

    @Test
    void redrivePutsADeadLetterBackAsAttemptOneAndDeletesItsDoneKey() {
        TaskHandle handle = deadLettered("retry me");
        String doneKey = keys.done(CODER, handle.taskId());
        assertTrue(jedis.exists(doneKey));
        DeadLetter letter = client.admin().deadLetters(CODER, 1).getFirst();

        assertEquals(1, client.admin().redrive(CODER, List.of(letter.entryId())));

        assertFalse(jedis.exists(doneKey), "the done record is deleted so the task can complete again");
        assertEquals(0, jedis.xlen(keys.dead(CODER)));
        assertEquals(1, jedis.xlen(keys.tasks(CODER)));
        StreamEntry redriven = worker.takeOne();
        AgentMessage task = FakeWorker.task(redriven);
        assertEquals(handle.taskId(), task.taskId());
        assertEquals(1, task.attempt());
        assertNull(task.deadline(), "a redriven task has no deadline");

        worker.complete(redriven, json("ok", "second time"), Metadata.EMPTY);
        assertEquals(
                "second time", client.await(handle, GENEROUS).output().get("ok").asText());
    }

    @Test
    void redriveOfAnUnknownEntryRedrivesNothing() {
        deadLettered("x");
        assertEquals(0, client.admin().redrive(CODER, List.of("1-0")));
        assertEquals(1, jedis.xlen(keys.dead(CODER)));
    }

    @Test
    void redriveAllRedrivesEveryDeadLetter() {
        for (int i = 0; i < 250; i++) {
            client.submit(CODER, json("input", "t" + i));
        }
        for (StreamEntry entry : worker.take(250)) {
            worker.deadLetter(entry, DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("E", "no"));
        }
        assertEquals(250, client.admin().redriveAll(CODER));
        assertEquals(250, jedis.xlen(keys.tasks(CODER)));
        assertEquals(0, jedis.xlen(keys.dead(CODER)));
    }

    @Test
    void concurrentRedriveOfTheSameDeadLettersEnqueuesEachOnce() throws Exception {
        for (int i = 0; i < 20; i++) {
            deadLettered("t" + i);
        }
        List<String> ids = client.admin().deadLetters(CODER, 100).stream()
                .map(DeadLetter::entryId)
                .toList();
        assertEquals(20, ids.size());
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> counts = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                counts.add(threads.submit(() -> {
                    start.await();
                    return client.admin().redrive(CODER, ids);
                }));
            }
            assertEquals(20, counts.get(0).get() + counts.get(1).get());
        } finally {
            threads.shutdownNow();
        }
        assertEquals(20, jedis.xlen(keys.tasks(CODER)), "each dead letter is enqueued exactly once");
        assertEquals(0, jedis.xlen(keys.dead(CODER)));
    }

    @Test
    void purgeDeletesAllDeadLettersAndSaysHowMany() {
        deadLettered("a");
        deadLettered("b");
        assertEquals(2, client.admin().purgeDeadLetters(CODER));
        assertEquals(0, jedis.xlen(keys.dead(CODER)));
        assertEquals(0, client.admin().purgeDeadLetters(CODER));
    }

    @Test
    void anOperatorsOwnAdminClientSeesRedrivesAndPurgesWhatAProducerDeadLettered() {
        TaskHandle first = deadLettered("one");
        deadLettered("two");
        try (FleetAdminClient admin = FleetAdminClient.connect(
                FleetClientOptions.builder().redisUri(redis.uri()).build())) {
            assertEquals(Set.of(CODER), admin.agentTypes());
            assertEquals(2, admin.agentStats(CODER).dead());
            DeadLetter letter = admin.deadLetters(CODER, 10).getFirst();
            assertEquals(first.taskId(), letter.taskId());
            assertEquals(1, admin.redrive(CODER, List.of(letter.entryId())));
            assertEquals(1, admin.purgeDeadLetters(CODER));
            assertEquals(0, admin.deadLetters(CODER, 10).size());
        }
        assertEquals(0, client.admin().agentStats(CODER).dead(), "seen through the producer's view");
    }

    @Test
    void agentStatsReportsLengthPendingConsumersDelayedAndDead() {
        for (int i = 0; i < 5; i++) {
            client.submit(CODER, json("input", "t" + i));
        }
        List<StreamEntry> taken = worker.take(2);
        worker.deadLetter(taken.get(0), DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("E", "no"));
        jedis.zadd(keys.delayed(CODER), System.currentTimeMillis() + 60_000, "{\"later\":true}");

        AgentStats stats = client.admin().agentStats(CODER);
        assertEquals(CODER, stats.agent());
        assertEquals(4, stats.length());
        assertEquals(1, stats.pending());
        assertNotNull(stats.oldestPendingAge());
        assertEquals(1, stats.consumers().size());
        assertEquals(FakeWorker.NAME, stats.consumers().getFirst().name());
        assertEquals(1, stats.consumers().getFirst().pending());
        assertEquals(1, stats.delayed());
        assertEquals(1, stats.dead());
    }

    @Test
    void agentStatsOfAnUnknownAgentTypeIsEmptyWithUnknownLag() {
        AgentStats stats = client.admin().agentStats("nobody");
        assertEquals(0, stats.length());
        assertNull(stats.lag(), "no group: lag is unknown, not 0");
        assertEquals(0, stats.pending());
        assertNull(stats.oldestPendingAge());
        assertTrue(stats.consumers().isEmpty());
    }

    @Test
    void agentStatsReportsLagOnRedis7() {
        assumeTrue(majorVersion() >= 7, "XINFO GROUPS reports lag from Redis 7 on");
        for (int i = 0; i < 5; i++) {
            client.submit(CODER, json("input", "t" + i));
        }
        worker.createGroup();
        assertEquals(5L, client.admin().agentStats(CODER).lag());
        worker.take(2);
        assertEquals(3L, client.admin().agentStats(CODER).lag());
    }

    @Test
    void agentStatsLagIsUnknownOnRedis6() {
        assumeTrue(majorVersion() < 7, "only Redis 6 lacks lag");
        client.submit(CODER, json("input", "t"));
        worker.createGroup();
        assertNull(client.admin().agentStats(CODER).lag());
    }

    @Test
    void agentTypesListsTheRegistryTheClientWritesOnFirstEnqueue() {
        assertEquals(Set.of(), client.admin().agentTypes());
        client.submit(CODER, json("input", "a"));
        client.submit(CODER, json("input", "a2"));
        client.submit("reviewer", json("input", "b"));
        // A stream someone else wrote is not a registered type; a type a worker registered is.
        jedis.xadd("fleet:{intruder}:tasks", StreamEntryID.NEW_ENTRY, Map.of("msg", "{}"));
        jedis.sadd(keys.agents(), "served-only");
        assertEquals(Set.of(CODER, "reviewer", "served-only"), client.admin().agentTypes());
        assertEquals(Set.of(CODER, "reviewer", "served-only"), jedis.smembers(keys.agents()));
    }

    @Test
    void runStateAndEventsAreReadAsWritten() {
        jedis.hset(keys.runState("r1"), Map.of("status", "RUNNING", "createdAt", "1"));
        StreamEntryID first =
                jedis.xadd(keys.runEvents("r1"), StreamEntryID.NEW_ENTRY, Map.of("type", "RUN_STARTED", "data", "{}"));
        jedis.xadd(
                keys.runEvents("r1"),
                StreamEntryID.NEW_ENTRY,
                Map.of("type", "RUN_FINISHED", "data", "{\"status\":\"COMPLETED\"}"));

        assertEquals("RUNNING", client.workflows().runState("r1").get("status"));
        assertTrue(client.workflows().runState("unknown").isEmpty());
        List<RunEvent> all = client.workflows().runEvents("r1", "0", 10, Duration.ZERO);
        assertEquals(
                List.of("RUN_STARTED", "RUN_FINISHED"),
                all.stream().map(RunEvent::type).toList());
        List<RunEvent> after = client.workflows().runEvents("r1", first.toString(), 10, Duration.ofMillis(100));
        assertEquals(1, after.size());
        assertTrue(after.getFirst().isRunFinished());
        assertTrue(client.workflows()
                .runEvents("r1", after.getFirst().entryId(), 10, Duration.ofMillis(50))
                .isEmpty());
        assertNotEquals("", after.getFirst().data());
    }

    private int majorVersion() {
        String info = jedis.info("server");
        String version = info.lines()
                .filter(l -> l.startsWith("redis_version:"))
                .findFirst()
                .orElseThrow()
                .substring(14);
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }
}
