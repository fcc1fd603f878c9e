package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.agents.Probe;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * Tenants against a real orchestrator and worker: keys alpha and alpha-ci belong to tenant alpha, beta to beta, ops is
 * an operator key, and tenant limited may use only t-slow and t-clarifier with one run in flight (its limits set
 * through environment variables, as a deployment would).
 */
class TenantIsolationTest {
    static final String AGENTS = "t-clarifier,t-metered,t-flaky,t-slow,t-researcher,t-planner";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String NO_RUN = "01J00000000000000000000000";

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api alpha;
    static Api alphaCi;
    static Api beta;
    static Api ops;
    static Api limited;
    static Api burst;
    static Api burst2;
    static UnifiedJedis client;

    @BeforeAll
    static void start() {
        client = redis.client();
        worker = Orchestrators.worker(redis.uri(), AGENTS, Map.of());
        orchestrator = Orchestrators.orchestrator(
                redis.uri(),
                Orchestrators.fastRecovery(),
                Map.of(
                        "FLEET_API_KEYS_PLAIN",
                        "alpha:alpha-key,alpha-ci:alpha-ci-key,beta:beta-key,ops:ops-key,limited:limited-key,"
                                + "burst:burst-key,burst-2:burst-2-key",
                        "FLEET_API_KEY_TENANTS",
                        "alpha-ci:alpha,burst-2:burst",
                        "FLEET_ADMIN_KEYS",
                        "ops",
                        "FLEET_TENANTS_LIMITED_MAX_RUNS_IN_FLIGHT",
                        "1",
                        "FLEET_TENANTS_LIMITED_ALLOWED_AGENTS",
                        "t-slow,t-clarifier,t-planner",
                        "FLEET_TENANTS_BURST_RATE_LIMIT",
                        "3",
                        // A long window, so the test's few requests surely fall in one.
                        "FLEET_ORCHESTRATOR_RATE_WINDOW",
                        "60s"));
        Api api = orchestrator.api();
        alpha = api.withKey("alpha-key");
        alphaCi = api.withKey("alpha-ci-key");
        beta = api.withKey("beta-key");
        ops = api.withKey("ops-key");
        limited = api.withKey("limited-key");
        burst = api.withKey("burst-key");
        burst2 = api.withKey("burst-2-key");
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker, client);
    }

    @Test
    void anotherTenantGetsTheSame404AsForANonexistentRunOnEveryRunEndpoint() {
        String runId = parkedRun(alpha);
        String path = "/v1/runs/" + runId;

        assertNotFound(beta.get(path), runId);
        assertNotFound(beta.send(beta.request(path + "/events").GET()), runId);
        assertNotFound(beta.post(path + "/resume", "{\"action\":\"fail\"}"), runId);
        assertNotFound(beta.delete(path), runId);
        assertNotFound(beta.get(path + "/blackboard"), runId);
        assertNotFound(beta.get(path + "/blackboard/history?agent=t-clarifier"), runId);
        assertNotFound(beta.post(path + "/blackboard/rollback", "{\"agent\":\"t-clarifier\"}"), runId);

        assertEquals("NEEDS_HUMAN", alpha.run(runId).get("status").asText(), "beta changed nothing");
        assertEquals(200, alphaCi.get(path + "/blackboard").status(), "the owner's other key sees the blackboard");
        assertEquals(200, alphaCi.get(path).status(), "another key of the same tenant sees the run");
        assertEquals(200, ops.get(path).status(), "an operator sees every tenant's run");
    }

    @Test
    void theOwnerAndAnOperatorMayResumeAndCancel() {
        String resumed = parkedRun(alpha);
        Api.Response resume = alphaCi.post("/v1/runs/" + resumed + "/resume", "{\"answer\":\"Java\"}");
        assertEquals(200, resume.status(), resume.toString());
        alpha.awaitStatus(resumed, "COMPLETED", TIMEOUT);
        Api.Response events =
                alphaCi.send(alphaCi.request("/v1/runs/" + resumed + "/events").GET());
        assertEquals(200, events.status(), events.toString());
        assertTrue(events.raw().body().contains("RUN_FINISHED"), events.toString());

        String cancelled = parkedRun(beta);
        Api.Response cancel = ops.delete("/v1/runs/" + cancelled);
        assertEquals(200, cancel.status(), cancel.toString());
        assertEquals("CANCELLED", beta.run(cancelled).get("status").asText());
        Api.Response betaEvents =
                ops.send(ops.request("/v1/runs/" + cancelled + "/events").GET());
        assertEquals(200, betaEvents.status(), "an operator follows another tenant's events: " + betaEvents);
        assertTrue(betaEvents.raw().body().contains("RUN_FINISHED"), betaEvents.toString());
    }

    @Test
    void usageShowsTheCallersTenantAndAnOperatorSeesEveryTenant() {
        alpha.awaitStatus(submitTask(alpha, "t-metered", "{\"n\":1}"), "COMPLETED", TIMEOUT);
        alphaCi.awaitStatus(submitTask(alphaCi, "t-metered", "{\"n\":2}"), "COMPLETED", TIMEOUT);
        beta.awaitStatus(submitTask(beta, "t-metered", "{\"n\":3}"), "COMPLETED", TIMEOUT);

        JsonNode mine = alpha.get("/v1/usage").json();
        assertEquals("alpha", mine.get("tenant").asText());
        assertTrue(mine.get("total").get("tokens").asLong() >= 200, mine.toString());
        assertTrue(mine.get("byKey").has("alpha") && mine.get("byKey").has("alpha-ci"), mine.toString());
        assertFalse(mine.get("byKey").has("beta"), mine.toString());
        assertFalse(mine.has("byTenant"), mine.toString());
        assertTrue(mine.get("byAgent").has("t-metered"), mine.toString());

        JsonNode theirs = beta.get("/v1/usage").json();
        assertEquals("beta", theirs.get("tenant").asText());
        assertFalse(theirs.get("byKey").has("alpha"), theirs.toString());

        JsonNode all = ops.get("/v1/usage").json();
        assertTrue(all.get("byTenant").has("alpha") && all.get("byTenant").has("beta"), all.toString());
        assertTrue(all.get("byKey").has("beta"), all.toString());
        JsonNode alphaForOps = ops.get("/v1/usage?tenant=alpha").json();
        assertEquals(mine.get("total"), alphaForOps.get("total"));

        Api.Response probe = beta.get("/v1/usage?tenant=alpha");
        assertEquals(403, probe.status(), probe.toString());
        assertEquals("tenant", probe.json().get("field").asText());
    }

    @Test
    void deadLettersAreListedRedrivenAndPurgedOnlyByTheirTenant() {
        client.del(Probe.FIXED);
        String alphaTask = wireTaskId(alpha.post("/v1/tasks", "{\"agent\":\"t-flaky\",\"input\":{\"n\":\"a\"}}"));
        String alphaTask2 = wireTaskId(alpha.post("/v1/tasks", "{\"agent\":\"t-flaky\",\"input\":{\"n\":\"a2\"}}"));
        String betaTask = wireTaskId(beta.post("/v1/tasks", "{\"agent\":\"t-flaky\",\"input\":{\"n\":\"b\"}}"));
        Await.until(TIMEOUT, () -> letters(ops).size() >= 3, "three dead letters");
        JsonNode alphaLetter = letter(ops, alphaTask);
        JsonNode alphaLetter2 = letter(ops, alphaTask2);
        JsonNode betaLetter = letter(ops, betaTask);
        assertEquals("alpha", alphaLetter.get("tenant").asText());
        assertEquals("alpha", alphaLetter.get("message").get("tenant").asText(), "the dispatched task carries it");
        assertEquals("beta", betaLetter.get("tenant").asText());

        List<JsonNode> alphas = letters(alpha);
        assertTrue(alphas.stream().allMatch(l -> l.get("tenant").asText().equals("alpha")), alphas.toString());
        assertTrue(alphas.stream().anyMatch(l -> l.get("taskId").asText().equals(alphaTask)));
        assertNull(alpha.get("/v1/agents/t-flaky/dead-letters").json().get("total"), "total is fleet-wide");
        assertTrue(
                letters(beta).stream().noneMatch(l -> l.get("tenant").asText().equals("alpha")));

        String betaEntry = betaLetter.get("entryId").asText();
        String dl = "/v1/agents/t-flaky/dead-letters/";
        assertEquals(404, alpha.get(dl + betaEntry).status());
        assertEquals(404, alpha.post(dl + betaEntry + "/redrive", "").status());
        assertEquals(404, alpha.delete(dl + betaEntry).status());
        assertEquals(404, alpha.get(dl + "1-1").status(), "as for an entry that does not exist");
        Api.Response batch = alpha.post("/v1/agents/t-flaky/dead-letters/redrive", "{\"ids\":[\"" + betaEntry + "\"]}");
        assertEquals(200, batch.status(), batch.toString());
        assertEquals(0, batch.json().get("count").asInt());
        assertEquals(
                "no such dead letter",
                batch.json().get("skipped").get(0).get("reason").asText());
        Api.Response purgeIds = alpha.send(alpha.request("/v1/agents/t-flaky/dead-letters")
                .header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"ids\":[\"" + betaEntry + "\"]}")));
        assertEquals(0, purgeIds.json().get("purged").asInt(), purgeIds.toString());
        assertEquals(200, beta.get(dl + betaEntry).status(), "beta's dead letter is untouched");
        assertEquals(200, ops.get(dl + betaEntry).status());

        Api.Response one = alpha.delete(dl + alphaLetter2.get("entryId").asText());
        assertEquals(1, one.json().get("purged").asInt(), one.toString());
        Api.Response purgedAll = alpha.delete("/v1/agents/t-flaky/dead-letters");
        assertEquals(200, purgedAll.status(), purgedAll.toString());
        assertTrue(purgedAll.json().get("purged").asInt() >= 1, purgedAll.toString());
        assertTrue(letters(alpha).isEmpty(), "alpha's 'all' took every alpha dead letter");
        assertEquals(404, alpha.get(dl + alphaLetter.get("entryId").asText()).status());
        assertEquals(200, beta.get(dl + betaEntry).status(), "and no other tenant's");

        client.set(Probe.FIXED, "1");
        Api.Response redriven = beta.post(dl + betaEntry + "/redrive", "");
        assertEquals(200, redriven.status(), redriven.toString());
        assertEquals(1, redriven.json().get("count").asInt(), redriven.toString());
        assertEquals(404, ops.get(dl + betaEntry).status(), "redriven, so no longer a dead letter");
        client.del(Probe.FIXED);
    }

    @Test
    void aTenantOverItsRunsInFlightIsRefusedUntilOneEnds() {
        String first = submitTask(limited, "t-clarifier", "{\"goal\":\"park\"}");
        limited.awaitStatus(first, "NEEDS_HUMAN", TIMEOUT);

        Api.Response refused = limited.post("/v1/tasks", "{\"agent\":\"t-slow\",\"input\":{\"ms\":10}}");
        assertEquals(429, refused.status(), refused.toString());
        assertEquals("too_many_runs", refused.json().get("error").asText());
        assertTrue(refused.json().get("reason").asText().contains("limited"), refused.toString());
        assertEquals(
                202,
                alpha.post("/v1/tasks", "{\"agent\":\"t-slow\",\"input\":{\"ms\":10}}")
                        .status(),
                "other tenants are not limited");

        assertEquals(200, limited.delete("/v1/runs/" + first).status());
        String second = submitTask(limited, "t-slow", "{\"ms\":10}");
        limited.awaitStatus(second, "COMPLETED", TIMEOUT);

        // A replica that crashed between a run's end and its removal leaves a finished run in the set: it is pruned.
        client.sadd("fleet:{tenant:limited}:runs", second);
        String third = submitTask(limited, "t-slow", "{\"ms\":10}");
        limited.awaitStatus(third, "COMPLETED", TIMEOUT);
        Await.until(
                TIMEOUT,
                () -> client.scard("fleet:{tenant:limited}:runs") == 0,
                "the finished runs to leave the tenant's runs in flight");
    }

    @Test
    void aTenantsAllowlistRefusesOtherAgentTypesNamingTheField() {
        Api.Response single = limited.post("/v1/tasks", "{\"agent\":\"t-researcher\",\"input\":{\"topic\":\"x\"}}");
        assertEquals(403, single.status(), single.toString());
        assertEquals("agent", single.json().get("field").asText());
        assertTrue(single.json().get("reason").asText().contains("t-researcher"), single.toString());

        Api.Response workflow = limited.post("/v1/workflows", Api.parse("""
                {"tasks":[{"id":"a","agent":"t-slow","input":{"ms":10}},
                  {"id":"b","agent":"t-metered","input":{},"dependsOn":["a"]}]}"""));
        assertEquals(403, workflow.status(), workflow.toString());
        assertEquals("tasks[1].agent", workflow.json().get("field").asText());
        Api.Response fallback = limited.post("/v1/workflows", Api.parse("""
                {"tasks":[{"id":"a","agent":"t-slow","input":{"ms":10},"fallback":"t-metered"}]}"""));
        assertEquals(403, fallback.status(), fallback.toString());
        assertEquals("tasks[0].fallback", fallback.json().get("field").asText());

        String planned = submitTask(limited, "t-planner", "{\"count\":1}");
        JsonNode failed = limited.awaitEnd(planned, TIMEOUT);
        assertEquals("FAILED", failed.get("status").asText(), failed.toString());
        assertEquals(
                "AGENT_NOT_ALLOWED",
                Api.task(failed, "sub1").get("error").get("type").asText(),
                "a planner cannot add a task of a type outside the allowlist");

        assertEquals(
                202,
                alpha.post("/v1/tasks", "{\"agent\":\"t-researcher\",\"input\":{\"topic\":\"x\"}}")
                        .status(),
                "a tenant without an allowlist may use any agent type");
    }

    @Test
    void aTenantsRateLimitCountsAllItsKeys() {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, burst.get("/v1/agents").status());
        }
        Api.Response over = burst.get("/v1/agents");
        assertEquals(429, over.status(), over.toString());
        assertTrue(over.json().get("reason").asText().contains("tenant 'burst'"), over.toString());
        assertTrue(Long.parseLong(over.header("Retry-After")) >= 1);
        assertEquals(429, burst2.get("/v1/agents").status(), "another key of the tenant shares the limit");
        assertEquals(200, alpha.get("/v1/agents").status(), "other tenants are not limited");
    }

    @Test
    void scopedDeadLetterRequestsReadABoundedNumberOfEntriesAndContinueFromNext() {
        String dead = "fleet:{t-researcher}:dead";
        client.eval(
                "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'msg', '{}', 'taskId', 'b' .. i,"
                        + " 'reason', 'NON_RETRYABLE_FAILURE', 'tenant', 'beta') end",
                List.of(dead),
                List.of("20050"));
        String untenanted = client.xadd(
                        dead, StreamEntryID.NEW_ENTRY, Map.of("msg", "{}", "taskId", "none", "reason", "X"))
                .toString();
        String alphaEntry = client.xadd(
                        dead,
                        StreamEntryID.NEW_ENTRY,
                        Map.of("msg", "{}", "taskId", "mine", "reason", "X", "tenant", "alpha"))
                .toString();
        String path = "/v1/agents/t-researcher/dead-letters";

        JsonNode first = alpha.get(path).json();
        assertEquals(0, first.get("deadLetters").size(), first.toString());
        JsonNode second =
                alpha.get(path + "?after=" + first.get("next").asText()).json();
        assertEquals(1, second.get("deadLetters").size(), second.toString());
        assertEquals(alphaEntry, second.get("deadLetters").get(0).get("entryId").asText());
        assertEquals(
                "UNKNOWN",
                second.get("deadLetters").get(0).get("reason").asText(),
                "a reason this version does not know lists as UNKNOWN");

        assertEquals(404, alpha.get(path + "/" + untenanted).status(), "no tenant: operators only");
        assertEquals(200, ops.get(path + "/" + untenanted).status());

        JsonNode purged = alpha.delete(path).json();
        assertEquals(0, purged.get("purged").asInt(), purged.toString());
        Api.Response rest = alpha.send(alpha.request(path)
                .header("Content-Type", "application/json")
                .method(
                        "DELETE",
                        HttpRequest.BodyPublishers.ofString("{\"all\":true,\"after\":\""
                                + purged.get("next").asText() + "\"}")));
        assertEquals(1, rest.json().get("purged").asInt(), rest.toString());
        assertEquals(20051, client.xlen(dead), "nothing of another tenant's was touched");
        assertEquals(20051, ops.delete(path).json().get("purged").asInt());
    }

    private static String parkedRun(Api api) {
        String runId = submitTask(api, "t-clarifier", "{\"goal\":\"write code\"}");
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        return runId;
    }

    private static String submitTask(Api api, String agent, String input) {
        Api.Response r = api.post("/v1/tasks", "{\"agent\":\"" + agent + "\",\"input\":" + input + "}");
        assertEquals(202, r.status(), r.toString());
        return r.json().get("runId").asText();
    }

    private static String wireTaskId(Api.Response submitted) {
        assertEquals(202, submitted.status(), submitted.toString());
        return submitted.json().get("wireTaskId").asText();
    }

    private static void assertNotFound(Api.Response response, String runId) {
        assertEquals(404, response.status(), response.toString());
        String nonexistent = beta.get("/v1/runs/" + NO_RUN).raw().body();
        assertEquals(
                nonexistent.replace(NO_RUN, "ID"),
                response.raw().body().replace(runId, "ID"),
                "the same body as for a run that does not exist");
    }

    private static List<JsonNode> letters(Api api) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/v1/agents/t-flaky/dead-letters?count=1000")
                .json()
                .get("deadLetters")
                .forEach(out::add);
        return out;
    }

    private static JsonNode letter(Api api, String taskId) {
        return letters(api).stream()
                .filter(l -> l.get("taskId").asText().equals(taskId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter for " + taskId));
    }
}
