package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.RunEventData;
import io.agentfleet.messages.RunEventType;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.agents.Probe;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.OpenApiContract;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;

/** Workflows end to end: a real orchestrator process, a real worker process running the test agents, a real Redis. */
class WorkflowEndToEndTest {
    static final String AGENTS =
            "t-researcher,t-coder,t-reviewer,t-strict,t-planner,t-looper,t-metered,t-clarifier,t-slow,t-flaky";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final MessageCodec CODEC = new MessageCodec();
    /**
     * t-researcher is spread over 3 partitions and t-flaky over 2 (worker and orchestrator), so fan-outs, dead letters
     * and redrives cross partitions.
     */
    static final int RESEARCHER_PARTITIONS = 3;

    static final int FLAKY_PARTITIONS = 2;
    static final Map<String, String> PARTITIONED_RESEARCHER = Map.of(
            StreamKeys.partitionsVariable("t-researcher"),
            Integer.toString(RESEARCHER_PARTITIONS),
            StreamKeys.partitionsVariable("t-flaky"),
            Integer.toString(FLAKY_PARTITIONS));

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    /** The daily token budget of the API key {@code other}, which only the daily budget test uses. */
    static final long OTHER_DAILY_TOKENS = 100;

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api api;
    /** Cluster-aware on either backend, for the test's own assertions. */
    static UnifiedJedis client;

    @BeforeAll
    static void start() {
        client = redis.client();
        worker = Orchestrators.worker(
                redis.uri(), AGENTS, Map.of("fleet.agents.t-slow.max-in-flight", "1"), PARTITIONED_RESEARCHER);
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("fleet.api-key-daily-tokens", "other:" + OTHER_DAILY_TOKENS);
        orchestrator = Orchestrators.orchestrator(redis.uri(), props, PARTITIONED_RESEARCHER);
        api = orchestrator.api();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker, client);
    }

    @Test
    void fanOutFanInWorkflowCompletesAndEachDependentSeesItsDependenciesOutputs() {
        String runId = api.submit(Api.parse("""
                {"tasks":[
                  {"id":"r1","agent":"t-researcher","input":{"topic":"queues"}},
                  {"id":"r2","agent":"t-researcher","input":{"topic":"streams"}},
                  {"id":"r3","agent":"t-researcher","input":{"topic":"leases"}},
                  {"id":"code","agent":"t-coder","input":{"goal":"a worker"},"dependsOn":["r1","r2","r3"]},
                  {"id":"review","agent":"t-researcher","input":{"topic":"review notes"},"dependsOn":["code"]}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        JsonNode code = Api.task(run, "code");
        JsonNode context = code.get("output").get("context");
        assertEquals(List.of("r1", "r2", "r3"), fieldNames(context));
        assertEquals("notes on queues", context.get("r1").get("finding").asText());
        assertEquals("notes on leases", context.get("r3").get("finding").asText());
        assertEquals(
                List.of("code"), textList(Api.task(run, "review").get("output").get("contextKeys")));
        for (String id : List.of("r1", "r2", "r3")) {
            assertEquals(List.of(), textList(Api.task(run, id).get("output").get("contextKeys")));
        }
        assertEquals(5, run.get("steps").asInt());
        long r3Dispatched = epoch(Api.task(run, "r3").get("dispatchedAt"));
        long r1Completed = epoch(Api.task(run, "r1").get("completedAt"));
        assertTrue(r3Dispatched <= r1Completed, "the three researchers were dispatched together, before any finished");
        assertDispatchedOnce(runId);
        for (String id : List.of("r1", "r2", "r3", "review")) {
            String wireId = Api.task(run, id).get("wireTaskId").asText();
            assertTrue(
                    client.exists(StreamKeys.DEFAULT.done(
                            "t-researcher", StreamKeys.partitionFor(wireId, RESEARCHER_PARTITIONS), wireId)),
                    id + "'s outcome is recorded in the partition of its wire task id");
        }
    }

    @Test
    void reviewerRejectionLeadsToARevisionWithTheFeedback() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"code","agent":"t-coder","input":{"goal":"parser"},
                           "review":{"agent":"t-reviewer","maxRevisions":2,"onExhausted":"fail"}}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        JsonNode code = Api.task(run, "code");
        assertEquals(1, code.get("revision").asInt());
        assertEquals(
                "add tests (review of revision 0)",
                code.get("output").get("feedback").asText());
        assertEquals(1, code.get("output").get("revision").asInt());
        assertEquals(
                List.of("TASK_REVISED"),
                types(runId).stream().filter(t -> t.equals("TASK_REVISED")).toList());
    }

    @Test
    void revisionsAreBoundedByMaxRevisions() {
        String failing = api.submit(Api.parse("""
                {"tasks":[{"id":"code","agent":"t-coder","input":{"goal":"never good"},
                           "review":{"agent":"t-strict","maxRevisions":2,"onExhausted":"fail"}}]}"""));
        JsonNode failed = api.awaitStatus(failing, "FAILED", TIMEOUT);
        assertEquals("REVIEW_REJECTED", failed.get("error").get("type").asText());
        assertEquals(2, Api.task(failed, "code").get("revision").asInt());
        assertEquals(
                6, Api.task(failed, "code").get("dispatches").asInt(), "revision 0 plus 2 revisions, each reviewed");
        assertEquals(
                2, types(failing).stream().filter(t -> t.equals("TASK_REVISED")).count());
        String accepting = api.submit(Api.parse("""
                {"tasks":[{"id":"code","agent":"t-coder","input":{"goal":"good enough"},
                           "review":{"agent":"t-strict","maxRevisions":1,"onExhausted":"accept"}}]}"""));
        JsonNode accepted = api.awaitStatus(accepting, "COMPLETED", TIMEOUT);
        assertEquals(1, Api.task(accepted, "code").get("output").get("revision").asInt());
    }

    @Test
    void plannerAdditionsRunAndFeedThePlannersDependents() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"plan","agent":"t-planner","input":{"count":2}},
                          {"id":"sum","agent":"t-researcher","input":{"topic":"summary"},"dependsOn":["plan"]}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertEquals("plan", Api.task(run, "sub1").get("spawnedBy").asText());
        assertEquals("COMPLETED", Api.task(run, "sub2").get("state").asText());
        assertEquals(
                List.of("plan", "sub1", "sub2"),
                textList(Api.task(run, "sum").get("output").get("contextKeys")));
    }

    @Test
    void aFailedOptionalTaskLetsDependentsRunWithoutItsOutput() {
        {
            UnifiedJedis jedis = client;
            jedis.del(Probe.FIXED);
        }
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"maybe","agent":"t-flaky","input":{"n":"optional"},"optional":true},
                  {"id":"sure","agent":"t-researcher","input":{"topic":"solid"}},
                  {"id":"join","agent":"t-researcher","input":{"topic":"join"},"dependsOn":["maybe","sure"]}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertEquals("FAILED", Api.task(run, "maybe").get("state").asText());
        assertEquals(
                List.of("sure"), textList(Api.task(run, "join").get("output").get("contextKeys")));
    }

    @Test
    void aFailedTaskFallsBackToAnotherAgentTypeAndAConditionOnAnOutputRoutesTheGraph() {
        client.del(Probe.FIXED);
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"code","agent":"t-flaky","maxAttempts":1,"fallback":"t-researcher",
                           "input":{"topic":"fallback"}},
                  {"id":"review","agent":"t-researcher","input":{"topic":"verdict"},"dependsOn":["code"]},
                  {"id":"ship","agent":"t-researcher","input":{"topic":"ship"},"dependsOn":["review"],
                   "when":{"task":"review","pointer":"/finding","equals":"notes on verdict"}},
                  {"id":"fix","agent":"t-researcher","input":{"topic":"fix"},"dependsOn":["review"],
                   "when":{"task":"review","pointer":"/finding","notEquals":"notes on verdict"}},
                  {"id":"report","agent":"t-researcher","input":{"topic":"report"},"dependsOn":["fix"]}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        JsonNode code = Api.task(run, "code");
        assertEquals("COMPLETED", code.get("state").asText(), run.toString());
        assertTrue(code.get("fallbackUsed").asBoolean(), run.toString());
        assertEquals("t-researcher", code.get("output").get("by").asText());
        assertEquals(2, code.get("dispatches").asInt());
        assertEquals("COMPLETED", Api.task(run, "ship").get("state").asText());
        assertEquals("SKIPPED", Api.task(run, "fix").get("state").asText());
        assertEquals(
                "CONDITION_FALSE", Api.task(run, "fix").get("error").get("type").asText());
        assertEquals(List.of(), textList(Api.task(run, "report").get("output").get("contextKeys")));
    }

    @Test
    void aTaskTimeoutFailsTheTaskAndARequiredOneFailsTheRun() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"slow","agent":"t-slow","input":{"ms":3000,"t":"timeout"},"timeout":"500ms"}]}"""));
        JsonNode run = api.awaitStatus(runId, "FAILED", TIMEOUT);
        assertEquals("slow", run.get("error").get("task").asText());
        assertTrue(
                Api.task(run, "slow").get("error").toString().contains("TIMEOUT")
                        || Api.task(run, "slow").get("error").toString().contains("DEADLINE"),
                run.toString());
    }

    @Test
    void theCallersTraceContextTravelsWithEveryTask() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Api.Response r = api.send(api.request("/v1/tasks")
                .header("Content-Type", "application/json")
                .header("traceparent", traceparent)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"agent\":\"t-researcher\",\"input\":{\"topic\":\"trace\"}}")));
        assertEquals(202, r.status(), r.toString());
        api.awaitStatus(r.json().get("runId").asText(), "COMPLETED", TIMEOUT);
        {
            UnifiedJedis jedis = client;
            String wireId = r.json().get("wireTaskId").asText();
            String outcome = jedis.get(StreamKeys.DEFAULT.done(
                    "t-researcher", StreamKeys.partitionFor(wireId, RESEARCHER_PARTITIONS), wireId));
            assertTrue(outcome.contains(traceparent), outcome);
        }
    }

    @Test
    void budgetExceededEndsTheRunAndDispatchesNothingMore() {
        String runId = api.submit(Api.parse("""
                {"budget":{"maxTokens":150},"tasks":[
                  {"id":"m1","agent":"t-metered","input":{"n":1}},
                  {"id":"m2","agent":"t-metered","input":{"n":2},"dependsOn":["m1"]},
                  {"id":"m3","agent":"t-metered","input":{"n":3},"dependsOn":["m2"]}]}"""));
        JsonNode run = api.awaitStatus(runId, "BUDGET_EXCEEDED", TIMEOUT);
        assertEquals(200, run.get("usage").get("tokens").asInt());
        assertEquals(0.02, run.get("usage").get("cost").asDouble(), 1e-9);
        assertEquals("SKIPPED", Api.task(run, "m3").get("state").asText());
        assertFalse(dispatchedTasks(runId).contains("m3"));
        JsonNode usage = api.get("/v1/usage").json();
        assertTrue(usage.get("byAgent").get("t-metered").get("tokens").asLong() >= 200, usage.toString());
        assertTrue(usage.get("byKey").get("tester").get("cost").asDouble() >= 0.02, usage.toString());
    }

    /** Ten parallel t-metered tasks (100 tokens each) reserving 200 each against a budget of 1,000. */
    static String tenReservingTasks(String onBudget) {
        StringBuilder tasks = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            tasks.append(i == 1 ? "" : ",")
                    .append("{\"id\":\"m")
                    .append(i)
                    .append("\",\"agent\":\"t-metered\",\"maxTokens\":200,\"input\":{\"n\":")
                    .append(i)
                    .append("}}");
        }
        return "{\"budget\":{\"maxTokens\":1000,\"onBudget\":\"" + onBudget + "\"},\"tasks\":[" + tasks + "]}";
    }

    @Test
    void aTaskWhoseReservationDoesNotFitIsNotDispatchedAndTheRunEndsOverBudget() {
        String runId = api.submit(Api.parse(tenReservingTasks("fail")));
        JsonNode run = api.awaitStatus(runId, "BUDGET_EXCEEDED", TIMEOUT);
        assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), dispatchedTasks(runId));
        assertEquals(
                "task m6 reserves 200 tokens but 0 are spent and 1000 reserved of a budget of 1000",
                run.get("error").get("message").asText());
        assertTrue(run.get("usage").get("tokens").asLong() <= 1000);
        assertEquals(
                0, run.get("usage").get("reservedTokens").asLong(), "cancelled tasks give their reservations back");
        assertEquals("fail", run.get("budget").get("onBudget").asText());
        assertEquals(200, Api.task(run, "m1").get("maxTokens").asInt());
    }

    @Test
    void onBudgetWaitDispatchesInWavesAndNeverSpendsMoreThanTheBudget() {
        String runId = api.submit(Api.parse(tenReservingTasks("wait")));
        JsonNode run = api.awaitStatus(runId, "BUDGET_EXCEEDED", TIMEOUT);
        // Spent plus reserved never passes 1,000: the 10th task could only start with all 9 others done (900 spent).
        assertEquals(900, run.get("usage").get("tokens").asLong());
        for (int i = 1; i <= 9; i++) {
            assertEquals("COMPLETED", Api.task(run, "m" + i).get("state").asText());
        }
        assertEquals("SKIPPED", Api.task(run, "m10").get("state").asText());
        assertEquals(0, run.get("usage").get("reservedTokens").asLong());
        long firstWaveDone = epoch(Api.task(run, "m1").get("completedAt"));
        for (int i = 2; i <= 5; i++) {
            firstWaveDone = Math.min(firstWaveDone, epoch(Api.task(run, "m" + i).get("completedAt")));
        }
        assertTrue(epoch(Api.task(run, "m6").get("dispatchedAt")) >= firstWaveDone, "m6 waited for a reservation");
        assertTrue(
                run.get("error").get("message").asText().startsWith("task m10 reserves 200 tokens but 900 are spent"),
                run.toString());
    }

    @Test
    void aResultOverItsReservationIsCountedInFullAndEndsTheRunOverBudget() {
        // t-metered ignores its cap of 50 and reports 100 tokens.
        String runId = api.submit(Api.parse("""
                {"budget":{"maxTokens":90},"tasks":[
                  {"id":"m1","agent":"t-metered","maxTokens":50,"input":{"n":"over"}},
                  {"id":"m2","agent":"t-metered","maxTokens":50,"input":{"n":"next"},"dependsOn":["m1"]}]}"""));
        JsonNode run = api.awaitStatus(runId, "BUDGET_EXCEEDED", TIMEOUT);
        assertEquals(100, run.get("usage").get("tokens").asLong());
        assertEquals(
                "used 100 tokens, budget 90", run.get("error").get("message").asText());
        assertEquals(List.of("m1"), dispatchedTasks(runId));
    }

    @Test
    void anApiKeyOverItsDailyBudgetStopsAtDispatchAndGets429WithTheResetTime() {
        Api other = api.withKey(Orchestrators.OTHER_KEY);
        String runId = other.submit(Api.parse("""
                {"tasks":[
                  {"id":"m1","agent":"t-metered","input":{"n":1}},
                  {"id":"m2","agent":"t-metered","input":{"n":2},"dependsOn":["m1"]}]}"""));
        JsonNode run = other.awaitStatus(runId, "BUDGET_EXCEEDED", TIMEOUT);
        assertEquals("DAILY_BUDGET_EXCEEDED", run.get("error").get("type").asText());
        assertEquals("SKIPPED", Api.task(run, "m2").get("state").asText());
        Await.until(
                Duration.ofSeconds(10),
                () -> other.get("/v1/usage")
                                .json()
                                .path("daily")
                                .path("other")
                                .path("tokens")
                                .asLong()
                        >= 100,
                "today's usage of key other is counted");

        Api.Response refused = other.post("/v1/tasks", "{\"agent\":\"t-metered\",\"input\":{\"n\":3}}");

        assertEquals(429, refused.status(), refused.toString());
        assertEquals("budget_exceeded", refused.json().get("error").asText());
        String reason = refused.json().get("reason").asText();
        assertTrue(reason.startsWith("API key 'other' has spent 100 tokens today, its daily budget is 100"), reason);
        assertNextUtcMidnight(Instant.parse(reason.substring(reason.lastIndexOf("it resets at ") + 13)));
        JsonNode daily = other.get("/v1/usage").json().get("daily").get("other");
        assertEquals(OTHER_DAILY_TOKENS, daily.get("maxTokens").asLong());
        assertNextUtcMidnight(Instant.parse(daily.get("resetAt").asText()));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 86_401, refused.toString());
        assertFalse(api.get("/v1/usage").json().get("daily").has("other"), "tenant tester does not see key other");
    }

    static void assertNextUtcMidnight(Instant resetAt) {
        assertEquals(resetAt.truncatedTo(ChronoUnit.DAYS), resetAt, "a UTC midnight");
        Instant now = Instant.now();
        assertTrue(
                resetAt.isAfter(now.minusSeconds(60)) && !resetAt.isAfter(now.plus(Duration.ofDays(1))),
                resetAt.toString());
    }

    @Test
    void aSpawnThreePlannerGenerationsDeepIsRefusedNamingThePath() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"plan","agent":"t-planner","input":{"count":1,"agent":"t-planner","levels":4}}]}"""));
        JsonNode run = api.awaitStatus(runId, "FAILED", TIMEOUT);
        assertEquals("FAILED", Api.task(run, "ssub1").get("state").asText());
        JsonNode error = Api.task(run, "ssub1").get("error");
        assertEquals("SPAWN_TOO_DEEP", error.get("type").asText());
        assertEquals(
                "spawn would add tasks 3 planner generations deep (plan > sub1 > ssub1 > sssub1), more than the"
                        + " limit of 2",
                error.get("message").asText());
        assertEquals("plan", Api.task(run, "sub1").get("spawnedBy").asText());
        assertFalse(dispatchedTasks(runId).contains("sssub1"));
    }

    @Test
    void maxStepsExceededEndsTheRun() {
        String runId = api.submit(Api.parse("""
                {"maxSteps":3,"tasks":[{"id":"code","agent":"t-coder","input":{"goal":"endless"},
                           "review":{"agent":"t-strict","maxRevisions":5}}]}"""));
        JsonNode run = api.awaitStatus(runId, "MAX_STEPS_EXCEEDED", TIMEOUT);
        assertEquals(3, run.get("steps").asInt());
        assertEquals(
                3,
                types(runId).stream().filter(t -> t.equals("TASK_DISPATCHED")).count());
    }

    @Test
    void sameAgentAndSameInputTwiceIsALoop() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"loop","agent":"t-looper","input":{"goal":"again"}}]}"""));
        JsonNode run = api.awaitStatus(runId, "LOOP_DETECTED", TIMEOUT);
        assertEquals("SKIPPED", Api.task(run, "loop-again").get("state").asText());
        assertEquals(List.of("loop"), dispatchedTasks(runId));
    }

    @Test
    void runDeadlineEndsTheRunAndNothingMoreIsDispatched() {
        String runId = api.submit(Api.parse("""
                {"deadline":"1s","tasks":[{"id":"slow","agent":"t-slow","input":{"ms":2500}},
                  {"id":"after","agent":"t-researcher","input":{"topic":"late"},"dependsOn":["slow"]}]}"""));
        api.awaitStatus(runId, "DEADLINE_EXCEEDED", TIMEOUT);
        // The orchestrator acknowledges a result entry only after applying it (and committing whatever it
        // dispatches), so once the late result is acknowledged a wrongly dispatched successor would be on record.
        awaitResultApplied("t-slow", runId + ".slow.r0");
        JsonNode run = api.run(runId);
        assertEquals("DEADLINE_EXCEEDED", run.get("status").asText());
        assertEquals(List.of("slow"), dispatchedTasks(runId));
    }

    @Test
    void cancelStopsDispatchAndWorkersSkipTheQueuedTasks() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"s1","agent":"t-slow","input":{"ms":1500,"i":1}},
                  {"id":"s2","agent":"t-slow","input":{"ms":1500,"i":2}},
                  {"id":"s3","agent":"t-slow","input":{"ms":1500,"i":3}},
                  {"id":"s4","agent":"t-slow","input":{"ms":1500,"i":4}},
                  {"id":"after","agent":"t-researcher","input":{"topic":"x"},"dependsOn":["s1","s2","s3","s4"]}]}"""));
        Await.until(
                TIMEOUT,
                () -> invocations(runId + ".s1.r0") + invocations(runId + ".s2.r0") > 0,
                "a slow task to start");
        Api.Response cancelled = api.delete("/v1/runs/" + runId);
        assertEquals(200, cancelled.status(), cancelled.toString());
        assertEquals("CANCELLED", cancelled.json().get("status").asText());
        Await.until(
                TIMEOUT,
                () -> {
                    for (int i = 1; i <= 4; i++) {
                        if (!doneRecorded("t-slow", runId + ".s" + i + ".r0")) {
                            return false;
                        }
                    }
                    return true;
                },
                "every queued task to get its outcome");
        int ran = 0;
        int skipped = 0;
        {
            UnifiedJedis jedis = client;
            for (int i = 1; i <= 4; i++) {
                String outcome = jedis.get("fleet:{t-slow}:done:" + runId + ".s" + i + ".r0");
                if (outcome.contains("\"CANCELLED\"")) {
                    skipped++;
                    assertEquals(0, invocations(runId + ".s" + i + ".r0"), "a skipped task never ran");
                } else {
                    ran++;
                }
            }
        }
        assertTrue(skipped >= 2, "queued tasks were skipped (ran " + ran + ", skipped " + skipped + ")");
        JsonNode run = api.run(runId);
        assertEquals("CANCELLED", run.get("status").asText());
        assertEquals("SKIPPED", Api.task(run, "after").get("state").asText());
        assertFalse(dispatchedTasks(runId).contains("after"));
        assertEquals(
                409,
                api.post("/v1/runs/" + runId + "/resume", "{\"answer\":\"x\"}").status());
    }

    @Test
    void clarificationParksTheRunAndResumeContinuesIt() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"ask","agent":"t-clarifier","input":{"goal":"write code"}},
                  {"id":"next","agent":"t-researcher","input":{"topic":"follow-up"},"dependsOn":["ask"]}]}"""));
        JsonNode parked = api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        JsonNode ask = Api.task(parked, "ask");
        assertEquals("WAITING_HUMAN", ask.get("state").asText());
        assertEquals(
                "which language should I use?",
                ask.get("question").get("question").asText());
        assertEquals("PENDING", Api.task(parked, "next").get("state").asText());
        Api.Response resumed = api.post("/v1/runs/" + runId + "/resume", "{\"answer\":\"Java\"}");
        assertEquals(200, resumed.status(), resumed.toString());
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertEquals("Java", Api.task(run, "ask").get("output").get("answer").asText());
        assertEquals(
                List.of("ask"), textList(Api.task(run, "next").get("output").get("contextKeys")));
    }

    @Test
    void deadLettersAreListedRedrivenAndPurged() {
        {
            UnifiedJedis jedis = client;
            jedis.del(Probe.FIXED);
        }
        Api.Response submitted = api.post("/v1/tasks", "{\"agent\":\"t-flaky\",\"input\":{\"n\":1},\"escalate\":true}");
        assertEquals(202, submitted.status(), submitted.toString());
        String runId = submitted.json().get("runId").asText();
        String wireId = submitted.json().get("wireTaskId").asText();
        JsonNode parked = api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        assertEquals("BROKEN", Api.task(parked, "task").get("error").get("type").asText());

        JsonNode list = api.get("/v1/agents/t-flaky/dead-letters").json();
        JsonNode letter = findLetter(list, wireId);
        assertEquals("NON_RETRYABLE_FAILURE", letter.get("reason").asText());
        int partition = StreamKeys.partitionFor(wireId, FLAKY_PARTITIONS);
        assertEquals(partition, letter.get("partition").asInt(), "dead-lettered in its task's partition");
        {
            UnifiedJedis jedis = client;
            jedis.set(Probe.FIXED, "1");
        }
        Api.Response redriven = api.post(
                "/v1/agents/t-flaky/dead-letters/redrive",
                "{\"ids\":[\"" + letter.get("entryId").asText() + "\"]}");
        assertEquals(200, redriven.status(), redriven.toString());
        assertEquals(1, redriven.json().get("count").asInt());
        assertEquals(
                partition,
                redriven.json().get("redriven").get(0).get("partition").asInt(),
                "redriven to its partition");
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertTrue(Api.task(run, "task").get("output").get("fixed").asBoolean());
        assertEquals(2, invocations(wireId));

        {
            UnifiedJedis jedis = client;
            jedis.del(Probe.FIXED);
        }
        String other = api.post("/v1/tasks", "{\"agent\":\"t-flaky\",\"input\":{\"n\":2}}")
                .json()
                .get("runId")
                .asText();
        api.awaitStatus(other, "FAILED", TIMEOUT);
        assertTrue(api.get("/v1/agents/t-flaky/dead-letters")
                        .json()
                        .get("deadLetters")
                        .size()
                >= 1);
        JsonNode agents = api.get("/v1/agents").json();
        JsonNode flaky = null;
        for (JsonNode a : agents.get("agents")) {
            if (a.get("agent").asText().equals("t-flaky")) {
                flaky = a;
            }
        }
        assertTrue(
                flaky != null
                        && flaky.get("deadLetters").asInt() >= 1
                        && flaky.get("consumers").size() >= 1,
                agents.toString());
        Api.Response purged =
                api.send(api.request("/v1/agents/t-flaky/dead-letters").DELETE());
        assertEquals(200, purged.status());
        assertEquals(
                0,
                api.get("/v1/agents/t-flaky/dead-letters")
                        .json()
                        .get("deadLetters")
                        .size());
    }

    @Test
    void eventsAreStreamedInOrderAndAReconnectWithLastEventIdResumesWithoutLoss() throws Exception {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"a","agent":"t-researcher","input":{"topic":"a","sleepMs":100}},
                  {"id":"b","agent":"t-researcher","input":{"topic":"b","sleepMs":100},"dependsOn":["a"]},
                  {"id":"c","agent":"t-researcher","input":{"topic":"c","sleepMs":100},"dependsOn":["b"]}]}"""));
        List<String[]> live = sse(runId, null);
        List<String> stored = new ArrayList<>();
        List<String> storedTypes = new ArrayList<>();
        {
            UnifiedJedis jedis = client;
            for (StreamEntry e :
                    jedis.xrange("fleet:{run:" + runId + "}:events", (StreamEntryID) null, (StreamEntryID) null)) {
                stored.add(e.getID().toString());
                storedTypes.add(e.getFields().get("type"));
                assertReadsAsTypedData(e.getFields().get("type"), e.getFields().get("data"));
            }
        }
        assertEquals(
                stored,
                live.stream().map(e -> e[0]).toList(),
                "every event, in order, with the stream entry id as event id");
        assertEquals(storedTypes, live.stream().map(e -> e[1]).toList());
        assertEquals("RUN_STARTED", storedTypes.get(0));
        assertEquals("RUN_FINISHED", storedTypes.get(storedTypes.size() - 1));
        assertTrue(live.get(live.size() - 1)[2].contains("\"status\":\"COMPLETED\""), live.get(live.size() - 1)[2]);

        List<String[]> resumed = sse(runId, stored.get(2));
        assertEquals(
                stored.subList(3, stored.size()),
                resumed.stream().map(e -> e[0]).toList());
    }

    /** A stored event's data reads as its type's record, which writes back the same fields in the same order. */
    static void assertReadsAsTypedData(String type, String data) {
        ObjectNode stored = Api.parse(data);
        RunEventData typed = RunEventData.of(RunEventType.parse(type).orElseThrow(), stored);
        assertEquals(type, typed.type().name());
        assertEquals(stored.toString(), typed.toJson().toString());
    }

    /** Reads a run's SSE stream to its end; each event as {id, event type, data}, its data a documented RunEvent. */
    static List<String[]> sse(String runId, String lastEventId) throws Exception {
        var request = api.request("/v1/runs/" + runId + "/events").header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        var response = java.net.http.HttpClient.newHttpClient()
                .send(request.GET().build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        List<String[]> events = new ArrayList<>();
        String[] current = new String[3];
        for (String line : (Iterable<String>) response.body()::iterator) {
            if (line.isEmpty()) {
                if (current[0] != null) {
                    events.add(current);
                }
                current = new String[3];
            } else if (line.startsWith("id:")) {
                current[0] = line.substring(3).trim();
            } else if (line.startsWith("event:")) {
                current[1] = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                current[2] = line.substring(5).trim();
                OpenApiContract.requireRunEvent(current[2]);
            }
        }
        if (current[0] != null) {
            events.add(current);
        }
        return events;
    }

    private static JsonNode findLetter(JsonNode list, String wireId) {
        for (JsonNode l : list.get("deadLetters")) {
            if (l.get("taskId").asText().equals(wireId)) {
                return l;
            }
        }
        throw new AssertionError("no dead letter for " + wireId + " in " + list);
    }

    static void assertDispatchedOnce(String runId) {
        List<String> wire = new ArrayList<>();
        {
            UnifiedJedis jedis = client;
            for (StreamEntry e :
                    jedis.xrange("fleet:{run:" + runId + "}:events", (StreamEntryID) null, (StreamEntryID) null)) {
                if (e.getFields().get("type").equals("TASK_DISPATCHED")) {
                    wire.add(Api.parse(e.getFields().get("data"))
                            .get("wireTaskId")
                            .asText());
                }
            }
        }
        assertEquals(wire.size(), wire.stream().distinct().count(), "a wire task id was dispatched twice: " + wire);
        for (String id : wire) {
            assertEquals(1, invocations(id), "task " + id + " ran once");
        }
    }

    static List<String> types(String runId) {
        List<String> types = new ArrayList<>();
        {
            UnifiedJedis jedis = client;
            for (StreamEntry e :
                    jedis.xrange("fleet:{run:" + runId + "}:events", (StreamEntryID) null, (StreamEntryID) null)) {
                types.add(e.getFields().get("type"));
                assertReadsAsTypedData(e.getFields().get("type"), e.getFields().get("data"));
            }
        }
        return types;
    }

    static List<String> dispatchedTasks(String runId) {
        List<String> ids = new ArrayList<>();
        {
            UnifiedJedis jedis = client;
            for (StreamEntry e :
                    jedis.xrange("fleet:{run:" + runId + "}:events", (StreamEntryID) null, (StreamEntryID) null)) {
                if (e.getFields().get("type").equals("TASK_DISPATCHED")) {
                    ids.add(Api.parse(e.getFields().get("data")).get("taskId").asText());
                }
            }
        }
        return ids;
    }

    static long invocations(String wireId) {
        {
            UnifiedJedis jedis = client;
            String n = jedis.hget(Probe.INVOCATIONS, wireId);
            return n == null ? 0 : Long.parseLong(n);
        }
    }

    /** Waits until the orchestrators' group has read and acknowledged the result entry of task {@code wireId}. */
    static void awaitResultApplied(String agent, String wireId) {
        String stream = StreamKeys.DEFAULT.results(agent);
        StreamEntryID[] entry = new StreamEntryID[1];
        Await.until(
                TIMEOUT,
                () -> (entry[0] = resultEntry(stream, wireId)) != null,
                "the result of " + wireId + " on " + stream);
        Await.until(
                TIMEOUT,
                () -> {
                    StreamGroupInfo group = client.xinfoGroups(stream).stream()
                            .filter(g -> g.getName().equals(StreamKeys.ORCHESTRATORS_GROUP))
                            .findFirst()
                            .orElseThrow();
                    return group.getLastDeliveredId().compareTo(entry[0]) >= 0
                            && client.xpending(
                                            stream,
                                            StreamKeys.ORCHESTRATORS_GROUP,
                                            XPendingParams.xPendingParams(entry[0], entry[0], 1))
                                    .isEmpty();
                },
                "the result entry " + entry[0] + " of " + wireId + " to be read and acknowledged");
    }

    private static StreamEntryID resultEntry(String stream, String wireId) {
        for (StreamEntry e : client.xrange(stream, (StreamEntryID) null, (StreamEntryID) null)) {
            if (wireId.equals(
                    CODEC.decode(e.getFields().get(StreamKeys.MESSAGE_FIELD)).taskId())) {
                return e.getID();
            }
        }
        return null;
    }

    static boolean doneRecorded(String agent, String wireId) {
        {
            UnifiedJedis jedis = client;
            return jedis.exists("fleet:{" + agent + "}:done:" + wireId);
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    static List<String> textList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static long epoch(JsonNode iso) {
        return java.time.Instant.parse(iso.asText()).toEpochMilli();
    }
}
