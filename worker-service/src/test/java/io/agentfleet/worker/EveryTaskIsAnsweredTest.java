package io.agentfleet.worker;

import static io.agentfleet.worker.TestFleet.KEYS;
import static io.agentfleet.worker.TestFleet.enqueueRaw;
import static io.agentfleet.worker.TestFleet.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.TaskDeadLetteredException;
import io.agentfleet.client.TaskHandle;
import io.agentfleet.client.TaskResult;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One real worker process with the default 1 MiB message limit: every task that can be tied to a task id gets an
 * outcome under that id that a producer (here {@link FleetClient}) can read, whatever was wrong with it, and the
 * wire contract's promises about unknown fields and attempts hold.
 */
class EveryTaskIsAnsweredTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CRASHED_TASK = "crashed-task-1";

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static FleetClient client;

    @BeforeAll
    static void startWorker() {
        redis.flushAll();
        try (UnifiedJedis jedis = redis.client()) {
            leaveATaskWithADeadConsumer(jedis);
        }
        worker = TestFleet.startWorker(
                TestFleet.worker(
                        redis.uri(),
                        "echo,strict,failing,crashy",
                        "FLEET_AGENTS_STRICT_HANDLER",
                        "echo",
                        "FLEET_AGENTS_FAILING_HANDLER",
                        "fail",
                        "FLEET_AGENTS_CRASHY_HANDLER",
                        "echo"),
                "echo",
                "strict",
                "failing",
                "crashy");
        client = FleetClient.connect(redis.uri());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void oversizeTaskGetsAnErrorUnderItsTaskId() {
        String text = rawTask(
                        "strict",
                        "t-oversize",
                        "run-9",
                        "\"blob\":\"" + "x".repeat(MessageLimits.DEFAULT_MAX_BYTES) + "\"")
                .replaceFirst("^\\{", "{\"tenant\":\"team-a\",");
        try (UnifiedJedis jedis = redis.client()) {
            enqueueRaw(jedis, "strict", text);
            TaskDeadLetteredException e = awaitFailure("strict", "t-oversize");
            assertEquals(DeadLetterReason.INVALID_MESSAGE.name(), e.reason());
            assertEquals("INVALID_MESSAGE", e.failure().type());
            assertFalse(e.failure().retryable());
            assertTrue(
                    e.failure().message().contains("larger than the limit of 1048576 bytes"),
                    e.failure().message());
            assertEquals("run-9", e.outcome().runId(), "the run id is found too, so the run can fail the task");
            assertEquals("team-a", e.outcome().tenant(), "and the tenant the answer is attributed to");
            StreamEntry dead = deadLetterOf(jedis, "strict", "t-oversize");
            assertEquals("t-oversize", dead.getFields().get("taskId"));
            assertEquals("team-a", dead.getFields().get("tenant"));
        }
    }

    @Test
    void overDeepTaskGetsAnErrorUnderItsTaskIdEvenWhenTheIdComesLast() {
        String deep = "\"d\":" + "{\"d\":".repeat(70) + "1" + "}".repeat(70);
        AgentMessage template = task("strict", "{}");
        String text = TestFleet.CODEC
                .encode(template)
                .replace("\"taskId\":\"" + template.taskId() + "\",", "")
                .replace("\"content\":{}", "\"content\":{" + deep + "}")
                .replaceFirst("}$", ",\"taskId\":\"t-deep\"}");
        try (UnifiedJedis jedis = redis.client()) {
            enqueueRaw(jedis, "strict", text);
            TaskDeadLetteredException e = awaitFailure("strict", "t-deep");
            assertEquals(DeadLetterReason.INVALID_MESSAGE.name(), e.reason());
            assertTrue(
                    e.failure().message().contains("nesting depth"), e.failure().message());
            assertEquals(
                    "t-deep",
                    deadLetterOf(jedis, "strict", "t-deep").getFields().get("taskId"));
        }
    }

    @Test
    void invalidFieldIsNamedInTheError() {
        String text = rawTask("strict", "t-fraction", null, "").replace("\"attempt\":1", "\"attempt\":1.5");
        try (UnifiedJedis jedis = redis.client()) {
            enqueueRaw(jedis, "strict", text);
            TaskDeadLetteredException e = awaitFailure("strict", "t-fraction");
            assertTrue(
                    e.failure().message().startsWith("attempt: "), e.failure().message());
        }
    }

    @Test
    void integralNumbersWrittenWithAFractionAreAccepted() {
        String text = rawTask("echo", "t-float", null, "\"n\":1").replace("\"attempt\":1", "\"attempt\":1.0");
        try (UnifiedJedis jedis = redis.client()) {
            enqueueRaw(jedis, "echo", text.replaceFirst("\"createdAt\":\\d+", "\"createdAt\":1796452056282.0"));
        }
        TaskResult result = client.await(new TaskHandle("echo", "t-float", "0-0"), WAIT);
        assertEquals(1, result.output().path("n").asInt());
    }

    @Test
    void echoOfAlmostTheLimitEndsAsAReadableFailureNotAnUnreadableResult() {
        AgentMessage shell = task("echo", "{\"blob\":\"\"}");
        int room = MessageLimits.DEFAULT_MAX_BYTES - TestFleet.CODEC.encodeUtf8(shell).length - 20;
        AgentMessage big = shell.toBuilder()
                .content(JsonNodeFactory.instance.objectNode().put("blob", "y".repeat(room)))
                .build();
        TaskHandle handle = client.submit(big);
        TaskDeadLetteredException e = assertThrows(TaskDeadLetteredException.class, () -> client.await(handle, WAIT));
        assertEquals(DeadLetterReason.NON_RETRYABLE_FAILURE.name(), e.reason());
        assertEquals("OUTPUT_TOO_LARGE", e.failure().type());
        assertTrue(
                e.failure().message().contains("more than the message limit of 1048576 bytes"),
                e.failure().message());
        assertEquals(MessageType.ERROR, e.outcome().type());
    }

    @Test
    void errorThatWouldExceedTheLimitWithTheTasksExtensionsIsAnsweredWithoutThem() {
        AgentMessage shell = task("echo", "{}").toBuilder()
                .taskId("t-big-extension")
                .extensions(Map.of("x-bulk", JsonNodeFactory.instance.textNode("")))
                .build();
        int room = MessageLimits.DEFAULT_MAX_BYTES - TestFleet.CODEC.encodeUtf8(shell).length - 20;
        AgentMessage big = shell.toBuilder()
                .extensions(Map.of("x-bulk", JsonNodeFactory.instance.textNode("z".repeat(room))))
                .build();
        TaskDeadLetteredException e =
                assertThrows(TaskDeadLetteredException.class, () -> client.await(client.submit(big), WAIT));
        assertEquals("OUTPUT_TOO_LARGE", e.failure().type());
        assertTrue(e.outcome().extensions().isEmpty(), "the ERROR fits only without the task's extensions");
    }

    @Test
    void unknownTopLevelFieldsAreKeptInResultsAndErrors() {
        String extensions = ",\"x-team\":\"blue\",\"priority\":{\"level\":3}";
        String echoed = rawTask("echo", "t-ext-ok", null, "\"n\":2").replaceFirst("}$", extensions + "}");
        String failed =
                rawTask("failing", "t-ext-fail", null, "\"mode\":\"permanent\"").replaceFirst("}$", extensions + "}");
        try (UnifiedJedis jedis = redis.client()) {
            enqueueRaw(jedis, "echo", echoed);
            enqueueRaw(jedis, "failing", failed);
        }
        TaskResult result = client.await(new TaskHandle("echo", "t-ext-ok", "0-0"), WAIT);
        TaskDeadLetteredException error = awaitFailure("failing", "t-ext-fail");
        for (AgentMessage outcome : List.of(result.message(), error.outcome())) {
            assertEquals(
                    "blue",
                    outcome.extensions().get("x-team").asText(),
                    outcome.type().name());
            assertEquals(
                    3,
                    outcome.extensions().get("priority").path("level").asInt(),
                    outcome.type().name());
        }
    }

    @Test
    void taskEnqueuedPastItsAttemptsIsDeadLetteredAsExhaustedNotAsACrash() {
        String text = rawTask("echo", "t-exhausted", null, "")
                .replace("\"attempt\":1", "\"attempt\":5")
                .replace("\"maxAttempts\":0", "\"maxAttempts\":2");
        try (UnifiedJedis jedis = redis.client()) {
            enqueueRaw(jedis, "echo", text);
            TaskDeadLetteredException e = awaitFailure("echo", "t-exhausted");
            assertEquals(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED.name(), e.reason());
            assertEquals("ATTEMPTS_EXHAUSTED", e.failure().type());
            assertEquals(
                    "attempt 5 exceeds maxAttempts 2 as enqueued; the task was not run",
                    e.failure().message());
            String error =
                    deadLetterOf(jedis, "echo", "t-exhausted").getFields().get("error");
            assertFalse(error.contains("crashed"), error);
        }
    }

    @Test
    void taskRedeliveredPastItsAttemptsIsDeadLetteredAsAPossibleCrash() {
        TaskDeadLetteredException e = awaitFailure("crashy", CRASHED_TASK);
        assertEquals(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED.name(), e.reason());
        assertEquals("MAX_ATTEMPTS_EXCEEDED", e.failure().type());
        assertTrue(
                e.failure().message().contains("may have crashed"), e.failure().message());
        assertTrue(
                e.failure().message().startsWith("delivered 2 times"),
                e.failure().message());
    }

    @Test
    void readmesRawXaddIsAnsweredWithTheDocumentedResultEntry() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher xadd = Pattern.compile("redis-cli XADD 'fleet:\\{echo\\}:tasks' '\\*' msg '(\\{.*\\})'")
                .matcher(readme);
        assertTrue(xadd.find(), "README.md shows a raw XADD of a task");
        AgentMessage sent = TestFleet.CODEC.decode(xadd.group(1));
        try (UnifiedJedis jedis = redis.client()) {
            enqueueRaw(jedis, "echo", xadd.group(1));
            Await.until(WAIT, () -> jedis.get(KEYS.done("echo", sent.taskId())) != null, "the README task's outcome");
            String done = jedis.get(KEYS.done("echo", sent.taskId()));
            StreamEntry entry = TestFleet.results(jedis, "echo").stream()
                    .filter(e -> sent.taskId().equals(e.getFields().get("taskId")))
                    .findFirst()
                    .orElseThrow();
            assertEquals(Map.of("msg", done, "taskId", sent.taskId()), entry.getFields());
            AgentMessage result = TestFleet.CODEC.decode(done);
            assertEquals(MessageType.RESULT, result.type());
            assertEquals(sent.messageId(), result.parentMessageId());
            assertEquals(sent.content(), result.content());
        }
    }

    /** A task of agent type crashy read by a consumer that then vanished: the worker reclaims it as delivery 2. */
    private static void leaveATaskWithADeadConsumer(UnifiedJedis jedis) {
        String stream = KEYS.tasks("crashy");
        jedis.xgroupCreate(stream, StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), true);
        enqueueRaw(
                jedis,
                "crashy",
                rawTask("crashy", CRASHED_TASK, null, "").replace("\"maxAttempts\":0", "\"maxAttempts\":1"));
        List<Map.Entry<String, List<StreamEntry>>> read = jedis.xreadGroup(
                StreamKeys.WORKERS_GROUP,
                "ghost",
                XReadGroupParams.xReadGroupParams().count(1),
                Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        assertEquals(1, read.get(0).getValue().size(), "the ghost holds the task");
    }

    /** A REQUEST's text for {@code agent} with the given ids, its content holding {@code contentFields}. */
    private static String rawTask(String agent, String taskId, String runId, String contentFields) {
        AgentMessage template = AgentMessage.request(agent, JsonNodeFactory.instance.objectNode())
                .taskId(taskId)
                .runId(runId)
                .build();
        return TestFleet.CODEC.encode(template).replace("\"content\":{}", "\"content\":{" + contentFields + "}");
    }

    private static TaskDeadLetteredException awaitFailure(String agent, String taskId) {
        TaskHandle handle = new TaskHandle(agent, taskId, "0-0");
        return assertThrows(TaskDeadLetteredException.class, () -> client.await(handle, WAIT));
    }

    private static StreamEntry deadLetterOf(UnifiedJedis jedis, String agent, String taskId) {
        Await.until(
                WAIT,
                () -> TestFleet.deadLetters(jedis, agent).stream()
                        .anyMatch(e -> taskId.equals(e.getFields().get("taskId"))),
                "the dead letter of " + taskId);
        return TestFleet.deadLetters(jedis, agent).stream()
                .filter(e -> taskId.equals(e.getFields().get("taskId")))
                .findFirst()
                .orElseThrow();
    }
}
