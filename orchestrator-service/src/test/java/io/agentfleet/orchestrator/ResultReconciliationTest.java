package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Ids;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * Outcomes whose result stream entry was trimmed before any orchestrator read it: the orchestrator takes them from
 * the task's done key (reconcile checks and task timeouts), exactly once. No worker process runs here: the test plays
 * the worker on Redis, writing the done key and the result entry as {@code record_outcomes.lua} does.
 */
class ResultReconciliationTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final StreamKeys KEYS = new StreamKeys(StreamKeys.DEFAULT_PREFIX);
    static final MessageCodec CODEC = new MessageCodec();
    static final String SCHEDULE = "fleet:orchestrator:deadlines";
    static final String PARTITIONED = "g-parted";
    static final int PARTITIONS = 3;

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static Orchestrators.Orchestrator orchestrator;
    static Api api;

    @BeforeAll
    static void start() {
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("fleet.orchestrator.reconcile-after", "10s");
        // The results are written by the test, no worker registers these types: they are configured.
        props.put("fleet.orchestrator.allowed-agents", "g-trimmed,g-read,g-read-next,g-late,g-timeout,g-parted");
        orchestrator = Orchestrators.orchestrator(
                redis.uri(), props, Map.of(StreamKeys.partitionsVariable(PARTITIONED), Integer.toString(PARTITIONS)));
        api = orchestrator.api();
    }

    @AfterAll
    static void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @Test
    void aResultTrimmedBeforeAnyOrchestratorReadItStillCompletesTheRun() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"only","agent":"g-trimmed","input":{"q":"lost result"}}]}"""));
        AgentMessage task = awaitTask("g-trimmed", runId);

        recordAndTrim(task, "{\"answer\":\"from the done key\"}");
        runScheduledReconcileNow(runId, task.taskId());

        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        JsonNode only = Api.task(run, "only");
        assertEquals("from the done key", only.get("output").get("answer").asText());
        assertEquals(1, only.get("attempts").asInt());
        assertEquals(10, run.get("usage").get("tokens").asInt());
        assertEquals(1, count(runId, "TASK_COMPLETED"));
    }

    @Test
    void aReconcileAfterTheResultWasReadChangesNothing() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"a","agent":"g-read","input":{"q":"a"}},
                          {"id":"b","agent":"g-read-next","input":{"q":"b"},"dependsOn":["a"]}]}"""));
        AgentMessage a = awaitTask("g-read", runId);
        record(a, "{\"answer\":\"a done\"}");
        awaitTask("g-read-next", runId);
        JsonNode before = api.run(runId);
        long eventsBefore = events(runId);

        // A reconcile check of the task whose result was read: the run no longer waits for it.
        reconcileNow(runId, a.taskId());

        JsonNode after = api.run(runId);
        assertEquals(eventsBefore, events(runId));
        assertEquals(before.get("updatedAt"), after.get("updatedAt"));
        assertEquals(before.get("usage"), after.get("usage"));
        assertEquals(before.get("steps"), after.get("steps"));
        assertEquals(Api.task(before, "a"), Api.task(after, "a"));
        assertEquals(Api.task(before, "b"), Api.task(after, "b"));
        assertEquals("DISPATCHED", Api.task(after, "b").get("state").asText());
        assertEquals(1, Api.task(after, "b").get("dispatches").asInt());
    }

    @Test
    void anOutcomeTakenFromTheDoneKeyIsNotAppliedAgainWhenItsResultIsReadLater() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"only","agent":"g-late","input":{"q":"late result"}}]}"""));
        AgentMessage task = awaitTask("g-late", runId);
        AgentMessage outcome = outcomeOf(task, "{\"answer\":\"once\"}");
        try (Jedis jedis = redis.jedis()) {
            jedis.set(
                    KEYS.done("g-late", task.taskId()),
                    CODEC.encode(outcome),
                    SetParams.setParams().ex(86_400));
        }
        runScheduledReconcileNow(runId, task.taskId());
        JsonNode completed = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        long eventsBefore = events(runId);

        // The same outcome now arrives on the result stream (a late or replayed entry).
        StreamEntryID id;
        try (Jedis jedis = redis.jedis()) {
            id = jedis.xadd(
                    KEYS.results("g-late"),
                    XAddParams.xAddParams(),
                    Map.of(StreamKeys.MESSAGE_FIELD, CODEC.encode(outcome), "taskId", task.taskId()));
        }
        awaitAcknowledged("g-late", id);

        JsonNode after = api.run(runId);
        assertEquals(eventsBefore, events(runId));
        assertEquals(completed.get("usage"), after.get("usage"));
        assertEquals(Api.task(completed, "only"), Api.task(after, "only"));
        assertEquals(1, count(runId, "TASK_COMPLETED"));
    }

    @Test
    void aTaskTimeoutTakesTheRecordedOutcomeInsteadOfFailingTheTask() {
        // The timeout (5 s) comes before the first reconcile check (10 s): the deadline path reads the done key.
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"only","agent":"g-timeout","input":{"q":"slow reader"},"timeout":"5s"}]}"""));
        AgentMessage task = awaitTask("g-timeout", runId);

        recordAndTrim(task, "{\"answer\":\"in time\"}");

        JsonNode run = api.awaitEnd(runId, TIMEOUT);
        assertEquals("COMPLETED", run.get("status").asText(), run.toString());
        assertEquals(
                "in time", Api.task(run, "only").get("output").get("answer").asText());
        assertEquals(0, count(runId, "TASK_FAILED"));
    }

    @Test
    void aRecordedOutcomeOfAPartitionedTypeIsFoundInItsTasksPartition() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"only","agent":"g-parted","input":{"q":"lost result"}}]}"""));
        int[] partition = new int[1];
        AtomicReference<AgentMessage> found = new AtomicReference<>();
        Await.until(
                TIMEOUT,
                () -> {
                    try (Jedis jedis = redis.jedis()) {
                        for (int p = 0; p < PARTITIONS; p++) {
                            for (StreamEntry e : jedis.xrange(
                                    KEYS.tasks(PARTITIONED, p), (StreamEntryID) null, (StreamEntryID) null)) {
                                AgentMessage m = CODEC.decode(e.getFields().get(StreamKeys.MESSAGE_FIELD));
                                if (runId.equals(m.runId())) {
                                    found.set(m);
                                    partition[0] = p;
                                    return true;
                                }
                            }
                        }
                    }
                    return false;
                },
                "a task of run " + runId + " on a partition of " + PARTITIONED);
        AgentMessage task = found.get();
        assertEquals(StreamKeys.partitionFor(task.taskId(), PARTITIONS), partition[0], "the partition of its task id");
        try (Jedis jedis = redis.jedis()) {
            // Only the done key, as if the result entry had been trimmed before any replica read it.
            jedis.set(
                    KEYS.done(PARTITIONED, partition[0], task.taskId()),
                    CODEC.encode(outcomeOf(task, "{\"answer\":\"from partition\"}")),
                    SetParams.setParams().ex(86_400));
        }
        reconcileNow(runId, task.taskId());
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertEquals(
                "from partition",
                Api.task(run, "only").get("output").get("answer").asText());
    }

    /** The task message the orchestrator enqueued for {@code agent} in run {@code runId}. */
    private static AgentMessage awaitTask(String agent, String runId) {
        AtomicReference<AgentMessage> found = new AtomicReference<>();
        Await.until(
                TIMEOUT,
                () -> {
                    try (Jedis jedis = redis.jedis()) {
                        for (StreamEntry e :
                                jedis.xrange(KEYS.tasks(agent), (StreamEntryID) null, (StreamEntryID) null)) {
                            AgentMessage m = CODEC.decode(e.getFields().get(StreamKeys.MESSAGE_FIELD));
                            if (runId.equals(m.runId())) {
                                found.set(m);
                                return true;
                            }
                        }
                    }
                    return false;
                },
                "a task of run " + runId + " on " + agent);
        return found.get();
    }

    private static AgentMessage outcomeOf(AgentMessage task, String output) {
        return task.toBuilder()
                .type(MessageType.RESULT)
                .messageId(Ids.newId())
                .parentMessageId(task.messageId())
                .sender("test-worker")
                .content(Api.parse(output))
                .metadata(new Metadata(7L, 3L, null, null, null, null))
                .build();
    }

    /** Records the outcome as a worker does: the done key (first wins) and the result stream entry. */
    private static void record(AgentMessage task, String output) {
        AgentMessage outcome = outcomeOf(task, output);
        try (Jedis jedis = redis.jedis()) {
            Transaction tx = jedis.multi();
            tx.set(
                    KEYS.done(task.recipient(), task.taskId()),
                    CODEC.encode(outcome),
                    SetParams.setParams().nx().ex(86_400));
            tx.xadd(
                    KEYS.results(task.recipient()),
                    XAddParams.xAddParams(),
                    Map.of(StreamKeys.MESSAGE_FIELD, CODEC.encode(outcome), "taskId", task.taskId()));
            tx.exec();
        }
    }

    /**
     * Records the outcome and trims the result stream to nothing in the same transaction, so no orchestrator can read
     * the entry: what {@code MAXLEN ~} does to results nobody read for a long time.
     */
    private static void recordAndTrim(AgentMessage task, String output) {
        AgentMessage outcome = outcomeOf(task, output);
        String results = KEYS.results(task.recipient());
        try (Jedis jedis = redis.jedis()) {
            Transaction tx = jedis.multi();
            tx.set(
                    KEYS.done(task.recipient(), task.taskId()),
                    CODEC.encode(outcome),
                    SetParams.setParams().nx().ex(86_400));
            tx.xadd(
                    results,
                    XAddParams.xAddParams(),
                    Map.of(StreamKeys.MESSAGE_FIELD, CODEC.encode(outcome), "taskId", task.taskId()));
            tx.xtrim(results, 0, false);
            tx.exec();
            assertEquals(0, jedis.xlen(results));
        }
    }

    /**
     * The reconcile check the orchestrator scheduled when it dispatched {@code wireId} (10 s later here), made due now
     * instead of waited for: it must exist, so the test still proves the dispatch scheduled it.
     */
    private static void runScheduledReconcileNow(String runId, String wireId) {
        try (Jedis jedis = redis.jedis()) {
            assertNotNull(
                    jedis.zscore(SCHEDULE, DeadlineMember.forReconcile(runId, wireId)),
                    "the dispatch scheduled a reconcile check");
        }
        reconcileNow(runId, wireId);
    }

    /** Makes the reconcile check of {@code wireId} due now and waits until a watcher has handled it. */
    private static void reconcileNow(String runId, String wireId) {
        String member = DeadlineMember.forReconcile(runId, wireId);
        try (Jedis jedis = redis.jedis()) {
            jedis.zadd(SCHEDULE, 0, member);
            Await.until(TIMEOUT, () -> jedis.zscore(SCHEDULE, member) == null, "the reconcile check to be handled");
        }
    }

    /** Waits until the orchestrators' group has read and acknowledged the result entry {@code id}. */
    private static void awaitAcknowledged(String agent, StreamEntryID id) {
        try (Jedis jedis = redis.jedis()) {
            Await.until(
                    TIMEOUT,
                    () -> {
                        StreamGroupInfo group = jedis.xinfoGroups(KEYS.results(agent)).stream()
                                .filter(g -> g.getName().equals(StreamKeys.ORCHESTRATORS_GROUP))
                                .findFirst()
                                .orElse(null);
                        return group != null
                                && group.getLastDeliveredId().compareTo(id) >= 0
                                && group.getPending() == 0;
                    },
                    "the result entry " + id + " to be read and acknowledged");
        }
    }

    private static long events(String runId) {
        try (Jedis jedis = redis.jedis()) {
            return jedis.xlen("fleet:{run:" + runId + "}:events");
        }
    }

    private static long count(String runId, String type) {
        try (Jedis jedis = redis.jedis()) {
            return jedis.xrange("fleet:{run:" + runId + "}:events", (StreamEntryID) null, (StreamEntryID) null).stream()
                    .filter(e -> type.equals(e.getFields().get("type")))
                    .count();
        }
    }
}
