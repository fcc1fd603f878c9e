package io.agentfleet.client;

import static io.agentfleet.client.FakeWorker.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

class FleetClientSubmitTest {
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

    @Test
    void enqueueWithAnEnqueuedOnceMarkerAppendsATaskIdOnlyOnce() {
        AgentMessage task = AgentMessage.request(CODER, json("input", "x"))
                .taskId("run-1.a.r0")
                .build();
        String encoded = new io.agentfleet.messages.MessageCodec().encode(task);
        List<String> scriptKeys = io.agentfleet.messages.FleetScripts.enqueue(
                        keys, CODER, 0, 0, List.of(encoded.getBytes()), List.of(task.taskId()))
                .keys();
        Object first =
                jedis.eval(io.agentfleet.messages.FleetScripts.ENQUEUE.source(), scriptKeys, List.of("0", encoded));
        Object again =
                jedis.eval(io.agentfleet.messages.FleetScripts.ENQUEUE.source(), scriptKeys, List.of("0", encoded));
        assertTrue(((List<?>) first).get(0) != null, "first enqueue appends");
        assertEquals(
                null, ((List<?>) again).get(0), "a repeat (a dispatcher draining its outbox again) appends nothing");
        assertEquals(1, jedis.xlen(keys.tasks(CODER)));
    }

    @Test
    void aTaskIdSubmittedAgainIsNotEnqueuedAgainAndTheAnswerSaysWhereTheFirstIs() {
        String agent = "once";
        FakeWorker onceWorker = new FakeWorker(jedis, keys, agent);
        AgentMessage task = AgentMessage.request(agent, json("input", "charge order 42"))
                .taskId("order-42")
                .build();
        Submission first = client.submitOnce(task);
        assertEquals(Submission.Status.ENQUEUED, first.status());

        Submission queued = client.submitOnce(task);
        assertEquals(Submission.Status.QUEUED, queued.status());
        assertEquals(first.handle(), queued.handle());
        assertEquals(1, jedis.xlen(keys.tasks(agent)));

        onceWorker.createGroup();
        StreamEntry delivered = onceWorker.takeOne();
        assertEquals(Submission.Status.RUNNING, client.submitOnce(task).status());

        onceWorker.complete(delivered, json("answer", "charged"), Metadata.EMPTY);
        Submission completed = client.submitOnce(task);
        assertEquals(Submission.Status.COMPLETED, completed.status());
        assertEquals(
                "charged",
                client.await(completed.handle(), GENEROUS)
                        .output()
                        .get("answer")
                        .asText());
        assertEquals(0, jedis.xlen(keys.tasks(agent)), "nothing was enqueued again");
        assertTrue(onceWorker.take(10).isEmpty());

        AgentMessage other = task.toBuilder().taskId("order-43").build();
        assertEquals(Submission.Status.ENQUEUED, client.submitOnce(other).status());
    }

    @Test
    void submittedTaskAwaitsItsResult() {
        TaskHandle handle = client.submit(CODER, json("input", "write hello world"));
        assertEquals(CODER, handle.agent());
        assertEquals(1, jedis.xlen(keys.tasks(CODER)));

        StreamEntry entry = worker.takeOne();
        assertEquals(handle.entryId(), entry.getID().toString());
        assertEquals(handle.taskId(), FakeWorker.task(entry).taskId());
        worker.complete(entry, json("code", "print('hello')"), new Metadata(10L, 20L, 0.01, "demo", 5L, null));

        TaskResult result = client.await(handle, GENEROUS);
        assertEquals("print('hello')", result.output().get("code").asText());
        assertEquals(30, result.usage().totalTokens());
        assertEquals(handle.taskId(), result.taskId());
        assertEquals(MessageType.RESULT, result.message().type());
        assertEquals(0, jedis.xlen(keys.tasks(CODER)), "a completed entry is deleted from the task stream");
    }

    @Test
    void awaitWaitsForAnOutcomeRecordedLater() throws Exception {
        TaskHandle handle = client.submit(CODER, json("input", "later"));
        Thread recorder = Thread.ofVirtual().start(() -> {
            try (UnifiedJedis own = redis.client()) {
                FakeWorker late = new FakeWorker(own, keys, CODER);
                StreamEntry entry = late.takeOne();
                sleep(200);
                late.complete(entry, json("done", "yes"), Metadata.EMPTY);
            }
        });
        assertEquals("yes", client.await(handle, GENEROUS).output().get("done").asText());
        recorder.join();
    }

    @Test
    void submitAllOf5000TasksGivesDistinctEntriesInOrder() {
        List<AgentMessage> tasks = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            tasks.add(AgentMessage.request(CODER, json("input", "task " + i)).build());
        }
        List<TaskHandle> handles = client.submitAll(tasks);

        assertEquals(5_000, handles.size());
        assertEquals(5_000, jedis.xlen(keys.tasks(CODER)));
        Set<String> entryIds = new HashSet<>();
        for (int i = 0; i < handles.size(); i++) {
            assertEquals(tasks.get(i).taskId(), handles.get(i).taskId());
            entryIds.add(handles.get(i).entryId());
        }
        assertEquals(5_000, entryIds.size(), "entry ids are distinct");
        List<StreamEntry> stream = jedis.xrange(keys.tasks(CODER), "-", "+", 5_000);
        for (int i = 0; i < stream.size(); i++) {
            assertEquals(
                    handles.get(i).entryId(), stream.get(i).getID().toString(), "stream order = input order at " + i);
            assertEquals(tasks.get(i).taskId(), FakeWorker.task(stream.get(i)).taskId());
        }
    }

    @Test
    void submitAllGroupsTasksPerAgentTypeAndKeepsInputOrderOfHandles() {
        List<AgentMessage> tasks = List.of(
                AgentMessage.request(CODER, json("input", "a")).build(),
                AgentMessage.request("reviewer", json("input", "b")).build(),
                AgentMessage.request(CODER, json("input", "c")).build());
        List<TaskHandle> handles = client.submitAll(tasks);
        assertEquals(
                List.of(CODER, "reviewer", CODER),
                handles.stream().map(TaskHandle::agent).toList());
        assertEquals(2, jedis.xlen(keys.tasks(CODER)));
        assertEquals(1, jedis.xlen(keys.tasks("reviewer")));
    }

    @Test
    void submitPastTheBacklogBoundThrowsAndEnqueuesNothing() {
        try (FleetClient bounded = FleetClient.connect(
                FleetClientOptions.builder().redisUri(redis.uri()).maxBacklog(3).build())) {
            for (int i = 0; i < 3; i++) {
                bounded.submit(CODER, json("input", "t" + i));
            }
            BackpressureException e =
                    assertThrows(BackpressureException.class, () -> bounded.submit(CODER, json("input", "t3")));
            assertEquals(CODER, e.agent());
            assertEquals(3, e.backlog());
            assertEquals(3, e.bound());
            assertEquals(3, jedis.xlen(keys.tasks(CODER)));

            worker.complete(worker.takeOne(), json("ok", "1"), Metadata.EMPTY);
            bounded.submit(CODER, json("input", "t3"));
            assertEquals(3, jedis.xlen(keys.tasks(CODER)), "a completed task frees a slot");
        }
    }

    @Test
    void scheduledTasksCountAgainstTheBoundOfAnImmediateSubmit() {
        try (FleetClient bounded = FleetClient.connect(
                FleetClientOptions.builder().redisUri(redis.uri()).maxBacklog(3).build())) {
            bounded.submitAll(
                    List.of(
                            AgentMessage.request(CODER, json("input", "later1")).build(),
                            AgentMessage.request(CODER, json("input", "later2")).build()),
                    SubmitOptions.delay(Duration.ofHours(1)));
            bounded.submit(CODER, json("input", "now1"));
            BackpressureException e =
                    assertThrows(BackpressureException.class, () -> bounded.submit(CODER, json("input", "now2")));
            assertEquals(3, e.backlog(), "two scheduled tasks and one on the stream");
            assertEquals(1, jedis.xlen(keys.tasks(CODER)));
            assertEquals(2, jedis.zcard(keys.delayed(CODER)));
        }
    }

    @Test
    void configHashMaxBacklogOverridesTheClientBound() {
        jedis.hset(keys.config(CODER), StreamKeys.MAX_BACKLOG_FIELD, "2");
        client.submit(CODER, json("input", "1"));
        client.submit(CODER, json("input", "2"));
        BackpressureException e =
                assertThrows(BackpressureException.class, () -> client.submit(CODER, json("input", "3")));
        assertEquals(2, e.bound());
        assertEquals(2, jedis.xlen(keys.tasks(CODER)));
    }

    @Test
    void submitAllChunkIsAllOrNothingUnderBackpressure() {
        try (FleetClient bounded = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .maxBacklog(10)
                .build())) {
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                tasks.add(AgentMessage.request(CODER, json("input", "t" + i)).build());
            }
            assertThrows(BackpressureException.class, () -> bounded.submitAll(tasks));
            assertEquals(0, jedis.xlen(keys.tasks(CODER)), "a refused chunk enqueues nothing");
        }
    }

    @Test
    void submitAllReportsWhichChunksWereEnqueuedWhenLaterOnesAreRefused() {
        try (FleetClient bounded = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .maxBacklog(1_500)
                .build())) {
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < 2_500; i++) {
                tasks.add(AgentMessage.request(CODER, json("input", "t" + i)).build());
            }
            PartialSubmitException e = assertThrows(PartialSubmitException.class, () -> bounded.submitAll(tasks));
            // Chunk 1 (1000) fits, chunk 2 (1000) would make 2000 > 1500, chunk 3 (500) fits again.
            assertEquals(1_500, e.enqueued().size());
            assertEquals(1_000, e.refused().size());
            assertEquals(tasks.subList(1_000, 2_000), e.refused());
            assertEquals(1_500, jedis.xlen(keys.tasks(CODER)));
            assertEquals(1_500, e.backpressure().bound());
        }
    }

    @Test
    void invalidRecipientIsRejectedNamingTheFieldAndNothingReachesRedis() {
        InvalidMessageException e =
                assertThrows(InvalidMessageException.class, () -> client.submit("Not An Agent", json("input", "x")));
        assertEquals("recipient", e.field());
        assertEquals(0, FakeWorker.keyCount(redis));
    }

    @Test
    void oversizeTaskIsRejectedBeforeRedis() {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("input", "x".repeat(1024 * 1024 + 1));
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> client.submit(CODER, content));
        assertEquals("$", e.field());
        assertTrue(e.reason().contains("over the limit"), e.reason());
        assertEquals(0, FakeWorker.keyCount(redis));
    }

    @Test
    void tooDeeplyNestedTaskIsRejectedBeforeRedis() {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        ObjectNode node = content;
        for (int i = 0; i < 100; i++) {
            node = node.putObject("n");
        }
        assertThrows(InvalidMessageException.class, () -> client.submit(CODER, content));
        assertEquals(0, FakeWorker.keyCount(redis));
    }

    @Test
    void aResultMessageCannotBeSubmittedAsATask() {
        AgentMessage result =
                AgentMessage.request(CODER, json("input", "x")).build().resultOf(CODER, json("a", "b"), Metadata.EMPTY);
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> client.submit(result));
        assertEquals("task.type", e.field());
        InvalidMessageException inBatch = assertThrows(
                InvalidMessageException.class,
                () -> client.submitAll(
                        List.of(AgentMessage.request(CODER, json("input", "ok")).build(), result)));
        assertEquals("tasks[1].type", inBatch.field());
        assertEquals(0, FakeWorker.keyCount(redis), "one invalid task in a batch enqueues none");
    }

    @Test
    void awaitOfDeadLetteredTaskThrowsWithItsReason() {
        TaskHandle handle = client.submit(CODER, json("input", "poison"));
        worker.deadLetter(
                worker.takeOne(),
                DeadLetterReason.NON_RETRYABLE_FAILURE,
                Failure.permanent("HANDLER_ERROR", "cannot parse"));

        TaskDeadLetteredException e =
                assertThrows(TaskDeadLetteredException.class, () -> client.await(handle, GENEROUS));
        assertEquals("NON_RETRYABLE_FAILURE", e.reason());
        assertEquals("HANDLER_ERROR", e.failure().type());
        assertEquals("cannot parse", e.failure().message());
        assertEquals(handle.taskId(), e.taskId());
        assertInstanceOf(TaskFailedException.class, e);
    }

    @Test
    void awaitOfCancelledTaskThrowsTaskCancelled() {
        TaskHandle handle = client.submit(CODER, json("input", "cancel me"));
        worker.cancel(worker.takeOne());
        TaskCancelledException e = assertThrows(TaskCancelledException.class, () -> client.await(handle, GENEROUS));
        assertEquals("CANCELLED", e.reason());
    }

    @Test
    void awaitOfClarificationThrowsWithTheQuestion() {
        TaskHandle handle = client.submit(CODER, json("input", "ambiguous"));
        worker.askForClarification(worker.takeOne(), json("question", "Which language?"));
        ClarificationNeededException e =
                assertThrows(ClarificationNeededException.class, () -> client.await(handle, GENEROUS));
        assertEquals("Which language?", e.question().get("question").asText());
    }

    @Test
    void awaitTimesOutWhenNothingIsRecorded() {
        TaskHandle handle = client.submit(CODER, json("input", "nobody works"));
        TaskTimeoutException e =
                assertThrows(TaskTimeoutException.class, () -> client.await(handle, Duration.ofMillis(100)));
        assertEquals(handle.taskId(), e.taskId());
        assertEquals(1, jedis.xlen(keys.tasks(CODER)), "a timed-out await leaves the task alone");
    }

    @Test
    void awaitAllReturnsResultsInInputOrder() {
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            handles.add(client.submit(CODER, json("input", "n" + i)));
        }
        for (StreamEntry entry : worker.take(5).reversed()) {
            worker.complete(
                    entry,
                    json("echo", FakeWorker.task(entry).content().get("input").asText()),
                    Metadata.EMPTY);
        }
        List<TaskResult> results = client.awaitAll(handles, GENEROUS);
        assertEquals(
                List.of("n0", "n1", "n2", "n3", "n4"),
                results.stream().map(r -> r.output().get("echo").asText()).toList());
    }

    @Test
    void awaitAllTimesOutNamingHowManyAreOutstanding() {
        TaskHandle done = client.submit(CODER, json("input", "a"));
        TaskHandle pending = client.submit(CODER, json("input", "b"));
        worker.complete(worker.takeOne(), json("ok", "1"), Metadata.EMPTY);
        TaskTimeoutException e = assertThrows(
                TaskTimeoutException.class, () -> client.awaitAll(List.of(done, pending), Duration.ofMillis(100)));
        assertEquals(pending.taskId(), e.taskId());
        assertTrue(e.getMessage().contains("1 of 2"), e.getMessage());
    }

    @Test
    void unreachableRedisThrowsConnectionExceptionNamingHostNotPassword() {
        FleetConnectionException e = assertThrows(
                FleetConnectionException.class, () -> FleetClient.connect("redis://app:topsecret@127.0.0.1:1"));
        assertEquals("127.0.0.1:1", e.endpoint());
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
        assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
    }

    @Test
    void wrongCredentialsThrowConnectionException() {
        String uri = redis.uri().replace("redis://", "redis://nobody:wrongpass@");
        FleetConnectionException e = assertThrows(FleetConnectionException.class, () -> FleetClient.connect(uri));
        assertFalse(e.getMessage().contains("wrongpass"), e.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aTasksPriorityChoosesItsStreamStatsAndTheBoundCountEveryLevelAndRedriveReturnsToIt() {
        try (FleetClient bounded = FleetClient.connect(
                FleetClientOptions.builder().redisUri(redis.uri()).maxBacklog(3).build())) {
            AgentMessage urgent = AgentMessage.request(CODER, json("input", "h"))
                    .priority(Priority.HIGH)
                    .build();
            bounded.submit(urgent);
            bounded.submitAll(
                    List.of(
                            AgentMessage.request(CODER, json("input", "l1")).build(),
                            AgentMessage.request(CODER, json("input", "l2")).build()),
                    SubmitOptions.DEFAULT.withPriority(Priority.LOW));
            assertEquals(1, jedis.xlen(keys.tasks(CODER, 0, Priority.HIGH)));
            assertEquals(2, jedis.xlen(keys.tasks(CODER, 0, Priority.LOW)));
            assertEquals(0, jedis.xlen(keys.tasks(CODER)));
            assertThrows(BackpressureException.class, () -> bounded.submit(CODER, json("input", "n")));
            assertEquals(3, bounded.admin().agentStats(CODER).length(), "the backlog counts every level");

            jedis.xadd(
                    keys.dead(CODER),
                    StreamEntryID.NEW_ENTRY,
                    Map.of(
                            "msg", new MessageCodec().encode(urgent),
                            "taskId", urgent.taskId(),
                            "reason", DeadLetterReason.MAX_ATTEMPTS_EXCEEDED.name()));
            assertEquals(1, bounded.admin().redriveAll(CODER));
            assertEquals(2, jedis.xlen(keys.tasks(CODER, 0, Priority.HIGH)), "redriven to its level's stream");
        }
    }
}
