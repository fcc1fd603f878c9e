package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.ErrorContent;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.Ids;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Runs that accepted input used to strand in RUNNING: each now ends in a terminal state with a reason (a real
 * orchestrator process, real worker processes, a real Redis).
 */
class StuckRunsEndToEndTest {
    static final String AGENTS = "t-researcher,t-slow,t-flaky,t-clarifier";
    /** Served by no worker until a test starts one, so a test can change its task message before a worker reads it. */
    static final String LATE_AGENT = "t-looper";

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final StreamKeys KEYS = StreamKeys.DEFAULT;
    static final MessageCodec CODEC = new MessageCodec();

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api api;
    static UnifiedJedis client;

    @BeforeAll
    static void start() {
        client = redis.client();
        worker = Orchestrators.worker(redis.uri(), AGENTS, Map.of());
        Map<String, String> props = new LinkedHashMap<>(Orchestrators.fastRecovery());
        props.put("fleet.orchestrator.allowed-agents", AGENTS + "," + LATE_AGENT);
        orchestrator = Orchestrators.orchestrator(redis.uri(), props);
        api = orchestrator.api();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker, client);
    }

    @Test
    void dependentWithAnOverflowingTimeoutIsRefusedAndOneAtTheMaximumRunsToCompletion() {
        String spec = """
                {"tasks":[{"id":"a","agent":"t-researcher","input":{"topic":"x"}},
                          {"id":"b","agent":"t-researcher","input":{"topic":"y"},"dependsOn":["a"],
                           "timeout":"%s"}]}""";
        // The stuck run: applying a's result computed b's deadline and overflowed on every retry.
        Api.Response refused = api.post("/v1/workflows", spec.formatted("9223372036000000000ms"));
        assertEquals(400, refused.status(), refused.toString());
        assertEquals("tasks[1].timeout", refused.json().get("field").asText(), refused.toString());

        String runId = api.submit(Api.parse(spec.formatted("7d")));
        JsonNode run = api.awaitEnd(runId, TIMEOUT);
        assertEquals("COMPLETED", run.get("status").asText(), run.toString());
        assertEquals("COMPLETED", Api.task(run, "b").get("state").asText());
    }

    @Test
    void inputTooDeepForTheDispatchedMessageIsRefusedNamingTheField() {
        Api.Response tooDeep = api.post("/v1/tasks", task("t-researcher", nested(63)));
        assertEquals(400, tooDeep.status(), tooDeep.toString());
        assertEquals("input", tooDeep.json().get("field").asText());
        assertTrue(tooDeep.json().get("reason").asText().contains("more than the limit of 62"), tooDeep.toString());

        // A reviewer gets the input one level deeper (content.input.input).
        Api.Response reviewed = api.post(
                "/v1/tasks",
                "{\"agent\":\"t-researcher\",\"input\":" + nested(62) + ",\"review\":{\"agent\":\"t-researcher\"}}");
        assertEquals(400, reviewed.status(), reviewed.toString());
        assertEquals("input", reviewed.json().get("field").asText());

        Api.Response deepest = api.post("/v1/tasks", task("t-slow", withMs(nested(61))));
        assertEquals(202, deepest.status(), deepest.toString());
        JsonNode run = api.awaitEnd(deepest.json().get("runId").asText(), TIMEOUT);
        assertEquals("COMPLETED", run.get("status").asText(), "the worker accepted the deepest input: " + run);
    }

    @Test
    void upstreamOutputTooDeepForADependentFailsTheDependentWithTheReason() {
        // a's input nests 61 levels (the most a workflow body of 64 allows); t-slow echoes it one level deeper,
        // {"input": …}, so the output nests 62 levels, and the dependent's message (content.context.a) 65.
        String spec = """
                {"tasks":[{"id":"a","agent":"t-slow","input":%s},
                          {"id":"b","agent":"t-researcher","input":{"topic":"x"},"dependsOn":["a"]%s}]}""";
        String failed = api.submit(Api.parse(spec.formatted(withMs(nested(60)), "")));
        JsonNode run = api.awaitEnd(failed, TIMEOUT);
        assertEquals("FAILED", run.get("status").asText(), run.toString());
        assertEquals("NESTING_TOO_DEEP", run.get("error").get("type").asText());
        assertEquals("b", run.get("error").get("task").asText());
        assertEquals("FAILED", Api.task(run, "b").get("state").asText());

        String optional = api.submit(Api.parse(spec.formatted(withMs(nested(60)), ",\"optional\":true")));
        JsonNode completed = api.awaitEnd(optional, TIMEOUT);
        assertEquals("COMPLETED", completed.get("status").asText(), completed.toString());
        assertEquals("FAILED", Api.task(completed, "b").get("state").asText());
    }

    @Test
    void errorOutcomeForAnInvalidTaskMessageFailsItsTaskAndTheRunFollowsItsRules() {
        // The ERROR a worker writes for a task message it rejects as invalid: under the task id, no runId needed.
        JsonNode failed = runWithRejectedTask("", true);
        assertEquals("FAILED", failed.get("status").asText(), failed.toString());
        assertEquals("INVALID_MESSAGE", failed.get("error").get("type").asText());
        assertEquals("INVALID_MESSAGE", failed.get("error").get("reason").asText());
        assertEquals("a", failed.get("error").get("task").asText());
        assertEquals("FAILED", Api.task(failed, "a").get("state").asText());

        JsonNode optional = runWithRejectedTask(",\"optional\":true", false);
        assertEquals("COMPLETED", optional.get("status").asText(), optional.toString());
        assertEquals("FAILED", Api.task(optional, "a").get("state").asText());
        assertEquals("COMPLETED", Api.task(optional, "b").get("state").asText());

        JsonNode parked = runWithRejectedTask(",\"escalate\":true", true);
        assertEquals("NEEDS_HUMAN", parked.get("status").asText(), parked.toString());
        assertEquals("WAITING_HUMAN", Api.task(parked, "a").get("state").asText());
    }

    @Test
    void aRetryAnswerTooDeepForTheTaskMessageIsRefusedNamingTheField() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"a","agent":"t-clarifier","input":{"q":1}}]}"""));
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        Api.Response tooDeep = api.post("/v1/runs/" + runId + "/resume", "{\"answer\":" + nested(63) + "}");
        assertEquals(400, tooDeep.status(), tooDeep.toString());
        assertEquals("answer", tooDeep.json().get("field").asText());
        Api.Response deepest = api.post("/v1/runs/" + runId + "/resume", "{\"answer\":" + nested(62) + "}");
        assertEquals(200, deepest.status(), deepest.toString());
        JsonNode run = api.awaitEnd(runId, TIMEOUT);
        assertEquals("COMPLETED", run.get("status").asText(), run.toString());
    }

    @Test
    void taskMessageTheWorkerDeadLettersAsInvalidFailsItsRun() {
        // Valid JSON the codec refuses: what a producer bug or a contract mismatch would put on the stream.
        JsonNode run = runWithTamperedMessage(message -> message.put("attempt", "first"));
        assertEquals("FAILED", run.get("status").asText(), run.toString());
        assertEquals("INVALID_MESSAGE", run.get("error").get("type").asText(), run.toString());
        assertEquals("FAILED", Api.task(run, "a").get("state").asText());
    }

    @Test
    void overDeepTaskMessageTheWorkerDeadLettersFailsItsRun() {
        JsonNode run =
                runWithTamperedMessage(message -> message.withObject("content").set("input", Api.parse(nested(70))));
        assertEquals("FAILED", run.get("status").asText(), run.toString());
        assertEquals("INVALID_MESSAGE", run.get("error").get("type").asText(), run.toString());
        assertEquals("FAILED", Api.task(run, "a").get("state").asText());
    }

    /**
     * A one-task run on the late agent type whose task message is changed on the stream before the type's first worker
     * starts and reads it; returns the run once it ended.
     */
    private static JsonNode runWithTamperedMessage(Consumer<ObjectNode> tamper) {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"a","agent":"%s","input":{"n":1}}]}""".formatted(LATE_AGENT)));
        String tasks = KEYS.tasks(LATE_AGENT);
        Await.until(
                TIMEOUT,
                () -> client.xrange(tasks, (StreamEntryID) null, (StreamEntryID) null, 100).stream()
                        .anyMatch(
                                e -> e.getFields().get(StreamKeys.MESSAGE_FIELD).contains(runId)),
                "the task to be enqueued");
        StreamEntry entry = client.xrange(tasks, (StreamEntryID) null, (StreamEntryID) null, 100).stream()
                .filter(e -> e.getFields().get(StreamKeys.MESSAGE_FIELD).contains(runId))
                .findFirst()
                .orElseThrow();
        ObjectNode message = Api.parse(entry.getFields().get(StreamKeys.MESSAGE_FIELD));
        tamper.accept(message);
        client.xdel(tasks, entry.getID());
        Map<String, String> fields = new LinkedHashMap<>(entry.getFields());
        fields.put(StreamKeys.MESSAGE_FIELD, message.toString());
        client.xadd(tasks, XAddParams.xAddParams(), fields);
        try (JavaProcess late = Orchestrators.worker(redis.uri(), LATE_AGENT, Map.of())) {
            return api.awaitEnd(runId, TIMEOUT);
        }
    }

    @Test
    void resultThatCannotBeAppliedFailsTheRunAfterBoundedAttempts() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"a","agent":"t-slow","input":{"ms":3000}},
                          {"id":"b","agent":"t-researcher","input":{"topic":"x"},"dependsOn":["a"]}]}"""));
        String state = KEYS.runState(runId);
        // A state the engine cannot work with (dispatching b reads maxSteps), under a new version so that no cached
        // copy hides it: applying a's result throws on every attempt.
        client.hset(state, "maxSteps", "corrupt");
        client.hincrBy(state, "version", 1);
        Await.until(TIMEOUT, () -> "FAILED".equals(client.hget(state, "status")), "run " + runId + " to fail");
        JsonNode error = Api.parse(client.hget(state, "error"));
        assertEquals("INTERNAL_ERROR", error.get("type").asText(), error.toString());
        assertEquals("a", error.get("task").asText());
        assertEquals(
                "internal error applying the result of task a: NumberFormatException",
                error.get("message").asText());
        String results = KEYS.results("t-slow");
        Await.until(
                TIMEOUT,
                () -> client.xpending(results, StreamKeys.ORCHESTRATORS_GROUP).getTotal() == 0,
                "the result entry to be acknowledged");
        String log = orchestrator.process().logText();
        assertEquals(
                3,
                log.lines()
                        .filter(l -> l.contains(runId) && l.contains("applying the result of task a failed"))
                        .count(),
                "one line per attempt");
    }

    /**
     * A run of a (on t-slow, long enough to answer for it first) and b depending on it, where a's task message is
     * answered with the ERROR a worker writes for an invalid message; waits until the run ends or parks.
     */
    private static JsonNode runWithRejectedTask(String aFlags, boolean withRunId) {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"a","agent":"t-slow","input":{"ms":20000}%s},
                          {"id":"b","agent":"t-researcher","input":{"topic":"x"},"dependsOn":["a"]}]}""".formatted(aFlags)));
        String wireId = Api.task(api.run(runId), "a").get("wireTaskId").asText();
        recordInvalidMessageError("t-slow", wireId, withRunId ? runId : null);
        Await.until(
                TIMEOUT,
                () -> {
                    String status = api.run(runId).get("status").asText();
                    return !status.equals("RUNNING");
                },
                "run " + runId + " to leave RUNNING");
        return api.run(runId);
    }

    /** Records an ERROR as a worker does for a message it rejects: the done key (first wins) and the result entry. */
    private static void recordInvalidMessageError(String agent, String wireId, String runId) {
        ObjectNode content = ErrorContent.deadLettered(
                        DeadLetterReason.INVALID_MESSAGE,
                        Failure.permanent(
                                "INVALID_MESSAGE",
                                "$: exceeds limits: Document nesting depth (65) exceeds the maximum allowed (64)"))
                .toJson();
        AgentMessage outcome = new AgentMessage.Builder()
                .messageId(Ids.newId())
                .type(MessageType.ERROR)
                .taskId(wireId)
                .runId(runId)
                .sender(agent)
                .recipient(agent)
                .attempt(1)
                .content(content)
                .createdAt(System.currentTimeMillis())
                .build();
        String json = CODEC.encode(outcome);
        client.set(KEYS.done(agent, wireId), json, SetParams.setParams().nx().ex(86_400));
        client.xadd(
                KEYS.results(agent), XAddParams.xAddParams(), Map.of(StreamKeys.MESSAGE_FIELD, json, "taskId", wireId));
    }

    private static String task(String agent, String input) {
        return "{\"agent\":\"" + agent + "\",\"input\":" + input + "}";
    }

    /** {"ms":0,"x":<value>}: t-slow's input, answered at once; one level deeper than {@code value}. */
    private static String withMs(String value) {
        return "{\"ms\":0,\"x\":" + value + "}";
    }

    /** JSON nested {@code depth} levels deep: objects with one field, innermost {"v":1}. */
    static String nested(int depth) {
        return "{\"v\":".repeat(depth - 1) + "{\"v\":1}" + "}".repeat(depth - 1);
    }
}
