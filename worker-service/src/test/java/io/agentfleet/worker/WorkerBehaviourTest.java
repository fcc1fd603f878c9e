package io.agentfleet.worker;

import static io.agentfleet.worker.TestFleet.KEYS;
import static io.agentfleet.worker.TestFleet.enqueue;
import static io.agentfleet.worker.TestFleet.enqueueRaw;
import static io.agentfleet.worker.TestFleet.outcome;
import static io.agentfleet.worker.TestFleet.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.MessageType;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One real worker process serving several agent types, each test on its own agent type. Redis is not flushed
 * between tests, so the worker's groups stay.
 */
class WorkerBehaviourTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;

    @BeforeAll
    static void startWorker() {
        redis.flushAll();
        worker = TestFleet.startWorker(
                TestFleet.worker(
                        redis.uri(),
                        "echo,poison,permanent,flaky,slowpoke,clarify,cancelme,backoff,valid,tenanted",
                        "FLEET_AGENTS_POISON_HANDLER",
                        "fail",
                        "FLEET_AGENTS_POISON_MAX_ATTEMPTS",
                        "3",
                        "FLEET_AGENTS_PERMANENT_HANDLER",
                        "fail",
                        "FLEET_AGENTS_TENANTED_HANDLER",
                        "fail",
                        "FLEET_AGENTS_FLAKY_HANDLER",
                        "fail",
                        "FLEET_AGENTS_SLOWPOKE_HANDLER",
                        "sleep",
                        "FLEET_AGENTS_SLOWPOKE_HANDLER_TIMEOUT",
                        "300ms",
                        "FLEET_AGENTS_SLOWPOKE_MAX_ATTEMPTS",
                        "2",
                        "FLEET_AGENTS_CANCELME_HANDLER",
                        "echo",
                        "FLEET_AGENTS_BACKOFF_HANDLER",
                        "fail",
                        "FLEET_AGENTS_BACKOFF_BACKOFF_BASE",
                        "20s",
                        "FLEET_AGENTS_BACKOFF_BACKOFF_MAX",
                        "40s",
                        "FLEET_AGENTS_VALID_HANDLER",
                        "echo",
                        "FLEET_MAX_MESSAGE_BYTES",
                        "4096"),
                "echo",
                "poison",
                "valid",
                "backoff");
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void taskGoesFromProducerToWorkerToResult() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage task = task("echo", "{\"input\":{\"text\":\"hello\"}}");
            enqueue(jedis, task);
            Await.until(WAIT, () -> outcome(jedis, "echo", task.taskId()) != null, "the echo result");
            AgentMessage result = outcome(jedis, "echo", task.taskId());
            assertEquals(MessageType.RESULT, result.type());
            assertEquals("hello", result.content().path("input").path("text").asText());
            assertEquals(task.messageId(), result.parentMessageId());
            List<StreamEntry> results = TestFleet.results(jedis, "echo");
            assertEquals(
                    1,
                    results.stream()
                            .filter(e -> task.taskId().equals(e.getFields().get("taskId")))
                            .count());
            Await.until(WAIT, () -> jedis.xlen(KEYS.tasks("echo")) == 0, "the task entry acknowledged and deleted");
        }
    }

    @Test
    void duplicateTaskIdIsRecordedOnceAndCounted() throws Exception {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage first = task("echo", "{\"n\":1}");
            AgentMessage again = first.toBuilder()
                    .messageId(io.agentfleet.messages.Ids.newId())
                    .build();
            enqueue(jedis, "echo", List.of(first, again));
            Await.until(WAIT, () -> jedis.xlen(KEYS.tasks("echo")) == 0, "both entries acknowledged");
            assertEquals(1, TestFleet.resultCountByTask(jedis, "echo").get(first.taskId()));
            Await.until(
                    WAIT,
                    () -> metrics().contains("fleet_duplicates_dropped_total{agent=\"echo\"} 1.0"),
                    "the duplicate counted in /prometheus");
        }
    }

    @Test
    void poisonTaskIsDeadLetteredAfterMaxAttempts() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage task = task("poison", "{\"mode\":\"retryable\"}");
            enqueue(jedis, task);
            Await.until(WAIT, () -> outcome(jedis, "poison", task.taskId()) != null, "the poison task's outcome");
            AgentMessage outcome = outcome(jedis, "poison", task.taskId());
            assertEquals(MessageType.ERROR, outcome.type());
            assertEquals(
                    "MAX_ATTEMPTS_EXCEEDED", outcome.content().path("reason").asText());
            StreamEntry dead = TestFleet.deadLetters(jedis, "poison").get(0);
            assertEquals(
                    DeadLetterReason.MAX_ATTEMPTS_EXCEEDED.name(),
                    dead.getFields().get("reason"));
            assertEquals("3", dead.getFields().get("attempts"));
            assertTrue(
                    dead.getFields().get("error").startsWith("INTENDED_FAILURE"),
                    dead.getFields().toString());
            assertEquals(task.taskId(), dead.getFields().get("taskId"));
            assertTrue(dead.getFields().get("msg").contains(task.taskId()));
            assertTrue(!dead.getFields().get("worker").isEmpty());
            assertEquals(0, jedis.zcard(KEYS.delayed("poison")));
        }
    }

    @Test
    void permanentFailureIsDeadLetteredAtOnce() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage task = task("permanent", "{\"mode\":\"permanent\"}");
            enqueue(jedis, task);
            Await.until(WAIT, () -> TestFleet.deadLetters(jedis, "permanent").size() == 1, "the dead letter");
            StreamEntry dead = TestFleet.deadLetters(jedis, "permanent").get(0);
            assertEquals(
                    DeadLetterReason.NON_RETRYABLE_FAILURE.name(),
                    dead.getFields().get("reason"));
            assertEquals("1", dead.getFields().get("attempts"));
        }
    }

    @Test
    void deadLettersCarryTheTenantOfTheirMessageEvenAnInvalidOne() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage owned = AgentMessage.request("tenanted", TestFleet.content("{\"mode\":\"permanent\"}"))
                    .tenant("team-a")
                    .build();
            AgentMessage unowned = task("tenanted", "{\"mode\":\"permanent\"}");
            enqueue(jedis, owned);
            enqueue(jedis, unowned);
            String invalid = TestFleet.CODEC
                    .encode(AgentMessage.request("tenanted", TestFleet.content("{}"))
                            .tenant("team-b")
                            .build())
                    .replace("\"schemaVersion\":1", "\"schemaVersion\":99");
            enqueueRaw(jedis, "tenanted", invalid);
            Await.until(WAIT, () -> TestFleet.deadLetters(jedis, "tenanted").size() == 3, "three dead letters");
            Map<String, String> tenantByTask = new HashMap<>();
            for (StreamEntry entry : TestFleet.deadLetters(jedis, "tenanted")) {
                Map<String, String> fields = entry.getFields();
                String key = fields.get("reason").equals(DeadLetterReason.INVALID_MESSAGE.name())
                        ? "invalid"
                        : fields.get("taskId");
                tenantByTask.put(key, fields.get(DeadLetter.TENANT_FIELD));
            }
            assertEquals(Map.of(owned.taskId(), "team-a", unowned.taskId(), "", "invalid", "team-b"), tenantByTask);
            assertEquals("team-a", outcome(jedis, "tenanted", owned.taskId()).tenant(), "the outcome keeps it");
        }
    }

    @Test
    void retryableFailureIsRetriedUntilItSucceeds() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage task = task("flaky", "{\"mode\":\"retryable\",\"times\":2}");
            enqueue(jedis, task);
            Await.until(WAIT, () -> outcome(jedis, "flaky", task.taskId()) != null, "the flaky task's result");
            AgentMessage result = outcome(jedis, "flaky", task.taskId());
            assertEquals(MessageType.RESULT, result.type());
            assertEquals(3, result.content().path("attempt").asInt());
            assertEquals(3, result.attempt());
            assertTrue(TestFleet.deadLetters(jedis, "flaky").isEmpty());
        }
    }

    @Test
    void retriesAreScheduledWithinTheBackoffBoundsAndHonourRetryAfter() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage plain = task("backoff", "{\"mode\":\"retryable\",\"times\":1}");
            AgentMessage asksLater = task("backoff", "{\"mode\":\"retryable\",\"times\":1,\"retryAfterMs\":60000}");
            long before = TestFleet.serverTimeMillis(jedis, KEYS.delayed("backoff"));
            enqueue(jedis, "backoff", List.of(plain, asksLater));
            Await.until(WAIT, () -> jedis.zcard(KEYS.delayed("backoff")) == 2, "two retries in the delayed set");
            long after = TestFleet.serverTimeMillis(jedis, KEYS.delayed("backoff")) + 1000;
            Map<String, Double> dueByTask = jedis.zrangeWithScores(KEYS.delayed("backoff"), 0, -1).stream()
                    .collect(Collectors.toMap(
                            t -> TestFleet.CODEC.decode(t.getElement()).taskId(), t -> t.getScore()));
            double plainDue = dueByTask.get(plain.taskId());
            // Attempt 1 failed: full jitter in [0, base = 20s].
            assertTrue(
                    plainDue >= before && plainDue <= after + 20_000,
                    "due " + plainDue + " not within [" + before + ", " + (after + 20_000) + "]");
            double laterDue = dueByTask.get(asksLater.taskId());
            assertTrue(
                    laterDue >= before + 60_000 && laterDue <= after + 60_000, "retryAfter not honoured: " + laterDue);
            AgentMessage next = jedis.zrange(KEYS.delayed("backoff"), 0, -1).stream()
                    .map(TestFleet.CODEC::decode)
                    .filter(m -> m.taskId().equals(plain.taskId()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(2, next.attempt());
            assertEquals(plain.messageId(), next.parentMessageId());
            assertEquals(0, jedis.xlen(KEYS.tasks("backoff")));
        }
    }

    @Test
    void handlerTimeoutIsARetryableFailure() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage task = task("slowpoke", "{\"ms\":60000}");
            enqueue(jedis, task);
            Await.until(WAIT, () -> outcome(jedis, "slowpoke", task.taskId()) != null, "the timed-out task's outcome");
            StreamEntry dead = TestFleet.deadLetters(jedis, "slowpoke").get(0);
            assertEquals(
                    DeadLetterReason.MAX_ATTEMPTS_EXCEEDED.name(),
                    dead.getFields().get("reason"));
            assertEquals("2", dead.getFields().get("attempts"));
            assertTrue(
                    dead.getFields().get("error").startsWith("TIMEOUT"),
                    dead.getFields().toString());
        }
    }

    @Test
    void clarificationNeededBecomesAClarificationOutcome() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage task = task("clarify", "{}");
            enqueue(jedis, task);
            Await.until(WAIT, () -> outcome(jedis, "clarify", task.taskId()) != null, "the clarification");
            AgentMessage outcome = outcome(jedis, "clarify", task.taskId());
            assertEquals(MessageType.CLARIFICATION_NEEDED, outcome.type());
            assertEquals("which repository?", outcome.content().path("question").asText());
        }
    }

    @Test
    void tasksOfACancelledRunAreNotRunButRecordedAsCancelled() {
        try (UnifiedJedis jedis = redis.client()) {
            jedis.set(KEYS.runCancel("run-1"), "1");
            AgentMessage cancelled = AgentMessage.request("cancelme", TestFleet.content("{\"x\":1}"))
                    .runId("run-1")
                    .build();
            AgentMessage live = AgentMessage.request("cancelme", TestFleet.content("{\"x\":2}"))
                    .runId("run-2")
                    .build();
            enqueue(jedis, "cancelme", List.of(cancelled, live));
            Await.until(
                    WAIT,
                    () -> outcome(jedis, "cancelme", cancelled.taskId()) != null
                            && outcome(jedis, "cancelme", live.taskId()) != null,
                    "both outcomes");
            AgentMessage skipped = outcome(jedis, "cancelme", cancelled.taskId());
            assertEquals(MessageType.ERROR, skipped.type());
            assertEquals("CANCELLED", skipped.content().path("reason").asText());
            assertEquals(
                    MessageType.RESULT,
                    outcome(jedis, "cancelme", live.taskId()).type());
            assertTrue(TestFleet.deadLetters(jedis, "cancelme").isEmpty());
        }
    }

    @Test
    void invalidMessagesAreDeadLetteredAtOnceAndTheTasksBehindThemComplete() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage before = task("valid", "{\"n\":0}");
            enqueue(jedis, before);
            enqueueRaw(jedis, "valid", "{not json");
            String unknownVersion =
                    TestFleet.CODEC.encode(task("valid", "{}")).replace("\"schemaVersion\":1", "\"schemaVersion\":99");
            enqueueRaw(jedis, "valid", unknownVersion);
            enqueueRaw(
                    jedis, "valid", TestFleet.CODEC.encode(task("valid", "{\"blob\":\"" + "x".repeat(5000) + "\"}")));
            AgentMessage misrouted = task("echo", "{}");
            enqueueRaw(jedis, "valid", TestFleet.CODEC.encode(misrouted));
            List<AgentMessage> behind = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                behind.add(task("valid", "{\"n\":" + i + "}"));
            }
            enqueue(jedis, "valid", behind);
            Await.until(WAIT, () -> TestFleet.deadLetters(jedis, "valid").size() == 4, "four dead letters");
            Await.until(
                    WAIT,
                    () -> behind.stream().allMatch(t -> outcome(jedis, "valid", t.taskId()) != null),
                    "the tasks behind");
            assertNotNull(outcome(jedis, "valid", before.taskId()));
            List<StreamEntry> dead = TestFleet.deadLetters(jedis, "valid");
            for (StreamEntry entry : dead) {
                assertEquals(
                        DeadLetterReason.INVALID_MESSAGE.name(),
                        entry.getFields().get("reason"),
                        entry.getFields().toString());
            }
            String errors = dead.stream().map(e -> e.getFields().get("error")).collect(Collectors.joining("\n"));
            assertTrue(errors.contains("malformed JSON"), errors);
            assertTrue(errors.contains("schemaVersion"), errors);
            assertTrue(errors.contains("larger than the limit"), errors);
            assertTrue(errors.contains("recipient"), errors);
            // The misrouted task had a readable id: its ERROR outcome is recorded so its producer learns of it.
            assertEquals(
                    MessageType.ERROR,
                    outcome(jedis, "valid", misrouted.taskId()).type());
            assertNull(outcome(jedis, "echo", misrouted.taskId()));
            assertEquals(0, jedis.xlen(KEYS.tasks("valid")));
        }
    }

    @Test
    void healthAndPrometheusEndpointsAnswer() throws Exception {
        HttpResponse<String> live = get("/health/liveness");
        assertEquals(200, live.statusCode(), live.body());
        assertTrue(live.body().contains("\"UP\""), live.body());
        HttpResponse<String> ready = get("/health/readiness");
        assertEquals(200, ready.statusCode(), ready.body());
        String metrics = metrics();
        for (String name : List.of(
                "fleet_tasks_total",
                "fleet_handler_duration_seconds_bucket",
                "fleet_tasks_in_flight",
                "fleet_retries_total",
                "fleet_dead_letters_total",
                "fleet_duplicates_dropped_total")) {
            assertTrue(metrics.contains(name), name + " missing from /prometheus");
        }
    }

    private static String metrics() {
        try {
            return get("/prometheus").body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + TestFleet.httpPort(worker) + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
