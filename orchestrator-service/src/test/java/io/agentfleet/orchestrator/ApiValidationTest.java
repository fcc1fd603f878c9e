package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every bad request gets its precise 4xx with the field and the reason; against a real Redis, no workers needed. */
class ApiValidationTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    static Orchestrators.Orchestrator server;
    static Orchestrators.Orchestrator limited;
    static Api api;

    @BeforeAll
    static void start() {
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("fleet.orchestrator.max-input-bytes", "2048");
        // No worker runs here: the types the requests name are configured, as for a fleet whose workers start later.
        props.put("fleet.orchestrator.allowed-agents", "t-coder,t-researcher,t-queued,t-prio");
        server = Orchestrators.orchestrator(redis.uri(), props);
        api = server.api();
        Map<String, String> strict = Orchestrators.fastRecovery();
        strict.put("fleet.orchestrator.rate-limit", "3");
        strict.put("fleet.orchestrator.rate-window", "1h");
        strict.put("fleet.orchestrator.allowed-agents", "t-coder,t-researcher,t-queued,t-prio");
        limited = Orchestrators.orchestrator(redis.uri(), strict);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (limited != null) {
            limited.close();
        }
    }

    @Test
    void cycleIsRejectedNamingTheCycle() {
        Api.Response r = api.post("/v1/workflows", """
                {"tasks":[
                  {"id":"a","agent":"t-coder","dependsOn":["c"]},
                  {"id":"b","agent":"t-coder","dependsOn":["a"]},
                  {"id":"c","agent":"t-coder","dependsOn":["b"]},
                  {"id":"d","agent":"t-coder"}]}""");
        assertEquals(400, r.status(), r.toString());
        assertEquals("tasks[0].dependsOn", r.json().get("field").asText());
        assertEquals(
                "dependency cycle: a -> c -> b -> a", r.json().get("reason").asText());
    }

    @Test
    void unknownDependencyIsRejected() {
        Api.Response r = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder"},{"id":"b","agent":"t-coder","dependsOn":["a","nope"]}]}""");
        assertEquals(400, r.status(), r.toString());
        assertEquals("tasks[1].dependsOn[1]", r.json().get("field").asText());
        assertEquals("unknown task 'nope'", r.json().get("reason").asText());
    }

    @Test
    void aBadEdgeOrConditionIsRejectedNamingTheField() {
        Api.Response policy = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder"},
                  {"id":"b","agent":"t-coder","dependsOn":[{"task":"a","onFailure":"maybe"}]}]}""");
        assertEquals(400, policy.status(), policy.toString());
        assertEquals(
                "tasks[1].dependsOn[0].onFailure", policy.json().get("field").asText());
        Api.Response pointer = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder"},{"id":"b","agent":"t-coder","dependsOn":["a"],
                  "when":{"task":"a","pointer":"verdict","equals":"approve"}}]}""");
        assertEquals(400, pointer.status(), pointer.toString());
        assertEquals("tasks[1].when.pointer", pointer.json().get("field").asText());
        Api.Response notADependency = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder"},{"id":"b","agent":"t-coder",
                  "when":{"task":"a","pointer":"/verdict","equals":"approve"}}]}""");
        assertEquals(400, notADependency.status(), notADependency.toString());
        assertEquals("tasks[1].when.task", notADependency.json().get("field").asText());
    }

    @Test
    void aBadBlackboardIsRejectedNamingTheField() {
        Api.Response policy = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder","blackboard":{"writes":["s"],"onConflict":"merge"}}]}""");
        assertEquals(400, policy.status(), policy.toString());
        assertEquals(
                "tasks[0].blackboard.onConflict", policy.json().get("field").asText());
        Api.Response unwritten = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder","blackboard":{"reads":["ghost"]}}]}""");
        assertEquals(400, unwritten.status(), unwritten.toString());
        assertEquals(
                "tasks[0].blackboard.reads[0]", unwritten.json().get("field").asText());
        StringBuilder many = new StringBuilder("{\"blackboard\":{");
        for (int i = 0; i <= 32; i++) {
            many.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":").append(i);
        }
        many.append("},\"tasks\":[{\"id\":\"a\",\"agent\":\"t-coder\"}]}");
        Api.Response tooMany = api.post("/v1/workflows", many.toString());
        assertEquals(400, tooMany.status(), tooMany.toString());
        assertEquals("blackboard", tooMany.json().get("field").asText());
        assertTrue(tooMany.json().get("reason").asText().contains("limit of 32"), tooMany.toString());
    }

    @Test
    void theBlackboardRoutesRefuseBadQueriesAndBodiesNamingTheField() {
        String runId = api.submit(Api.parse("""
                {"blackboard":{"plan":{"step":1}},
                 "tasks":[{"id":"a","agent":"t-coder","blackboard":{"reads":["plan"],"writes":["plan"]}}]}"""));
        String path = "/v1/runs/" + runId + "/blackboard";
        Api.Response board = api.get(path);
        assertEquals(200, board.status(), board.toString());
        assertEquals(1, board.json().get("sections").get("plan").get("version").asInt());
        Api.Response history = api.get(path + "/history");
        assertEquals(200, history.status(), history.toString());
        assertEquals(1, history.json().get("entries").size(), "the initial value");

        assertEquals(
                "limit", api.get(path + "/history?limit=0").json().get("field").asText());
        assertEquals(
                "after", api.get(path + "/history?after=x").json().get("field").asText());
        assertEquals(
                "agent",
                api.get(path + "/history?agent=Not%20A%20Type")
                        .json()
                        .get("field")
                        .asText());
        assertEquals(
                "task", api.get(path + "/history?task=a.b").json().get("field").asText());
        for (String body : List.of("{}", "{\"agent\":\"t-coder\",\"taskId\":\"a\"}")) {
            Api.Response r = api.post(path + "/rollback", body);
            assertEquals(400, r.status(), r.toString());
            assertTrue(r.json().get("reason").asText().contains("exactly one"), r.toString());
        }
        assertEquals(
                "mode",
                api.post(path + "/rollback", "{\"mode\":1}").json().get("field").asText());
        assertEquals(
                "agent",
                api.post(path + "/rollback", "{\"agent\":5}")
                        .json()
                        .get("field")
                        .asText());
        Api.Response nothing = api.post(path + "/rollback", "{\"agent\":\"t-coder\"}");
        assertEquals(200, nothing.status(), nothing.toString());
        assertEquals(0, nothing.json().get("rolledBack").size(), "the initial value is nobody's write");
        assertEquals(
                404, api.get("/v1/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV/blackboard").status());
        assertEquals(400, api.get("/v1/runs/nope/blackboard/history").status());
    }

    @Test
    void duplicateTaskIdIsRejected() {
        Api.Response r = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder"},{"id":"a","agent":"t-researcher"}]}""");
        assertEquals(400, r.status(), r.toString());
        assertEquals("tasks[1].id", r.json().get("field").asText());
        assertTrue(r.json().get("reason").asText().contains("duplicate task id 'a'"), r.toString());
    }

    @Test
    void invalidAgentTypeAndUnknownFieldsAreRejected() {
        Api.Response bad = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"Bad Agent!"}]}""");
        assertEquals(400, bad.status());
        assertEquals("tasks[0].agent", bad.json().get("field").asText());
        Api.Response typo = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder","dependOn":[]}]}""");
        assertEquals(400, typo.status());
        assertEquals("tasks[0].dependOn", typo.json().get("field").asText());
        Api.Response malformed = api.post("/v1/workflows", "{\"tasks\": [");
        assertEquals(400, malformed.status());
        assertEquals("body", malformed.json().get("field").asText());
        Api.Response tooMany = api.post("/v1/workflows", """
                {"maxSteps":1,"tasks":[{"id":"a","agent":"t-coder"},{"id":"b","agent":"t-coder"}]}""");
        assertEquals(400, tooMany.status());
        assertEquals("maxSteps", tooMany.json().get("field").asText());
    }

    @Test
    void badDelayOrRunAtIsRejectedNamingTheField() {
        Map<String, String> bad = Map.of(
                "{\"agent\":\"t-coder\",\"delay\":\"-5s\"}", "delay",
                "{\"agent\":\"t-coder\",\"delay\":\"soon\"}", "delay",
                "{\"agent\":\"t-coder\",\"delay\":\"400d\"}", "delay",
                "{\"agent\":\"t-coder\",\"runAt\":\"tomorrow\"}", "runAt",
                "{\"agent\":\"t-coder\",\"runAt\":\"2999-01-01T00:00:00Z\"}", "runAt",
                "{\"agent\":\"t-coder\",\"delay\":\"5s\",\"runAt\":\"2030-01-01T00:00:00Z\"}", "runAt");
        bad.forEach((body, field) -> {
            Api.Response r = api.post("/v1/tasks", body);
            assertEquals(400, r.status(), body + " -> " + r);
            assertEquals(field, r.json().get("field").asText(), r.toString());
        });
        Api.Response workflow = api.post("/v1/workflows", """
                {"delay":"-1m","tasks":[{"id":"a","agent":"t-coder"}]}""");
        assertEquals(400, workflow.status(), workflow.toString());
        assertEquals("delay", workflow.json().get("field").asText());
        assertEquals(
                "must be >= 0, but was '-1m'", workflow.json().get("reason").asText());
    }

    @Test
    void oversizeInputIsRejectedWith413() {
        String big = "x".repeat(5000);
        Api.Response r = api.post("/v1/tasks", "{\"agent\":\"t-coder\",\"input\":{\"text\":\"" + big + "\"}}");
        assertEquals(413, r.status(), r.toString());
        assertEquals("input", r.json().get("field").asText());
        Api.Response body = api.post("/v1/workflows", "{\"tasks\":[],\"pad\":\"" + "y".repeat(1_100_000) + "\"}");
        assertEquals(413, body.status(), body.toString());
        assertEquals("body", body.json().get("field").asText());
    }

    @Test
    void missingOrMalformedAuthIs401AndUnknownKeyIs403() {
        Api.Response missing = api.withKey(null).get("/v1/agents");
        assertEquals(401, missing.status());
        assertEquals("Authorization", missing.json().get("field").asText());
        Api.Response malformed = api.send(api.withKey(null)
                .request("/v1/agents")
                .header("Authorization", "Basic abc")
                .GET());
        assertEquals(401, malformed.status());
        Api.Response wrong = api.withKey("not-a-key").get("/v1/agents");
        assertEquals(403, wrong.status());
        assertEquals("forbidden", wrong.json().get("error").asText());
        assertTrue(!wrong.raw().body().contains("not-a-key"), "the presented key is never echoed");
    }

    @Test
    void aQueryParameterThatIsNotAWholeNumberOrFlagIs400NamingIt() {
        for (String path : List.of(
                "/v1/agents/t-coder/dead-letters?count=1.5",
                "/v1/agents/t-coder/dead-letters?count=abc",
                "/v1/agents/t-coder/dead-letters?count=1001",
                "/v1/runs?count=1.5",
                "/v1/runs?count=0")) {
            Api.Response r = api.get(path);
            assertEquals(400, r.status(), path + ": " + r);
            assertEquals("invalid_request", r.json().get("error").asText(), path);
            assertEquals("count", r.json().get("field").asText(), path);
            assertTrue(r.json().get("reason").asText().startsWith("must be a whole number from 1 to "), r.toString());
        }
        Api.Response scan = api.get("/v1/agents?scan=maybe");
        assertEquals(400, scan.status(), scan.toString());
        assertEquals("scan", scan.json().get("field").asText());
        assertEquals(
                "must be true or false, but was 'maybe'",
                scan.json().get("reason").asText());
        assertEquals(200, api.get("/v1/agents?scan=true").status());
    }

    @Test
    void openApiAndHealthNeedNoKey() {
        Api anonymous = api.withKey(null);
        Api.Response openapi = anonymous.get("/v1/openapi.yml");
        assertEquals(200, openapi.status());
        assertTrue(openapi.raw().body().startsWith("openapi: 3"), openapi.raw().body());
        Api.Response health = anonymous.get("/health");
        assertEquals(200, health.status());
        assertEquals(
                "UP",
                health.json().path("details").path("redis").path("status").asText(),
                "Redis is part of the health: " + health.json());
    }

    @Test
    void overTheRateLimitIs429WithRetryAfter() {
        Api strict = limited.api().withKey(Orchestrators.OTHER_KEY);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, strict.get("/v1/usage").status());
        }
        Api.Response limitedResponse = strict.get("/v1/usage");
        assertEquals(429, limitedResponse.status(), limitedResponse.toString());
        assertNotNull(limitedResponse.header("Retry-After"));
        assertTrue(Long.parseLong(limitedResponse.header("Retry-After")) >= 1);
        assertEquals("rate_limited", limitedResponse.json().get("error").asText());
    }

    @Test
    void aBadConfigurationValueStopsStartUpNamingKeyAndValue() {
        try (JavaProcess bad = JavaProcess.builder(Orchestrators.ORCHESTRATOR_MAIN)
                .classPath(Orchestrators.orchestratorClassPath())
                .env("REDIS_URL", redis.uri())
                .env("MICRONAUT_SERVER_PORT", "-1")
                .env("FLEET_API_KEYS_PLAIN", "ops:not-a-hash")
                .env("FLEET_ORCHESTRATOR_MAX_TASKS", "0")
                .jvmArg("-XX:TieredStopAtLevel=1")
                .start()) {
            bad.awaitLog("fleet.orchestrator.max-tasks must be >= 1, but was 0", Duration.ofSeconds(60));
            assertTrue(bad.waitFor(Duration.ofSeconds(30)) != 0);
            assertTrue(!bad.logText().contains("not-a-hash"), "configured secrets are never logged");
        }
    }

    @Test
    void unknownRunIs404AndBadRunIdIs400() {
        assertEquals(404, api.get("/v1/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV").status());
        Api.Response bad = api.get("/v1/runs/nope");
        assertEquals(400, bad.status());
        assertEquals("id", bad.json().get("field").asText());
    }

    @Test
    void acceptedTaskIsQueuedOnItsAgentsStream() {
        Api.Response r = api.post("/v1/tasks", "{\"agent\":\"t-queued\",\"input\":{\"q\":1}}");
        assertEquals(202, r.status(), r.toString());
        String runId = r.json().get("runId").asText();
        JsonNode run = api.run(runId);
        assertEquals("RUNNING", run.get("status").asText());
        assertEquals("DISPATCHED", Api.task(run, "task").get("state").asText());
        try (var jedis = redis.jedis()) {
            assertEquals(1, jedis.xlen("fleet:{t-queued}:tasks"));
        }
        Api.Response cancelled = api.delete("/v1/runs/" + runId);
        assertEquals(200, cancelled.status());
        assertEquals("CANCELLED", cancelled.json().get("status").asText());
        try (var jedis = redis.jedis()) {
            assertTrue(jedis.exists("fleet:{run:" + runId + "}:cancel"));
        }
        assertEquals(200, api.delete("/v1/runs/" + runId).status(), "cancelling twice is idempotent");
    }

    @Test
    void priorityPutsTasksOnTheirLevelsStreamAndAnUnknownLevelIsA400() {
        Api.Response high = api.post("/v1/tasks", "{\"agent\":\"t-prio\",\"input\":{},\"priority\":\"high\"}");
        assertEquals(202, high.status(), high.toString());
        Api.Response low = api.post("/v1/workflows", """
                {"priority":"low","tasks":[
                  {"id":"a","agent":"t-prio","input":{"n":1}},{"id":"b","agent":"t-prio","input":{"n":2}}]}""");
        assertEquals(202, low.status(), low.toString());
        try (var jedis = redis.jedis()) {
            assertEquals(1, jedis.xlen("fleet:{t-prio}:tasks:high"));
            assertEquals(2, jedis.xlen("fleet:{t-prio}:tasks:low"));
            assertEquals(0, jedis.xlen("fleet:{t-prio}:tasks"));
            String message = jedis.xrange("fleet:{t-prio}:tasks:high", "-", "+")
                    .getFirst()
                    .getFields()
                    .get("msg");
            assertTrue(message.contains("\"priority\":\"high\""), message);
        }
        Api.Response agent = api.get("/v1/agents/t-prio");
        assertEquals(200, agent.status(), agent.toString());
        assertEquals(3, agent.json().get("length").asLong(), "the backlog counts every level: " + agent);

        Api.Response unknown = api.post("/v1/tasks", "{\"agent\":\"t-prio\",\"input\":{},\"priority\":\"urgent\"}");
        assertEquals(400, unknown.status(), unknown.toString());
        assertEquals("priority", unknown.json().get("field").asText());
        assertTrue(unknown.json().get("reason").asText().contains("high, normal, low"), unknown.toString());
        Api.Response number = api.post("/v1/workflows", """
                {"priority":1,"tasks":[{"id":"a","agent":"t-prio"}]}""");
        assertEquals(400, number.status(), number.toString());
        assertEquals("priority", number.json().get("field").asText());
    }

    @Test
    void badSamplesAndDebatesAre400NamingTheFieldAndAGoodOneIsAccepted() {
        Api.Response tooMany = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder","samples":17,
                  "aggregate":{"method":"vote","pointer":"/answer"}}]}""");
        assertEquals(400, tooMany.status(), tooMany.toString());
        assertEquals("tasks[0].samples", tooMany.json().get("field").asText());
        Api.Response noPointer = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder","samples":3,"aggregate":{"method":"vote"}}]}""");
        assertEquals(400, noPointer.status(), noPointer.toString());
        assertEquals("tasks[0].aggregate.pointer", noPointer.json().get("field").asText());
        Api.Response unknownCritic = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder","debate":{"proposer":"t-coder","critic":"t-nobody"}}]}""");
        assertEquals(400, unknownCritic.status(), unknownCritic.toString());
        assertEquals("tasks[0].debate.critic", unknownCritic.json().get("field").asText());
        Api.Response tooManySteps = api.post("/v1/workflows", """
                {"maxSteps":6,"tasks":[{"id":"a","agent":"t-coder",
                  "debate":{"proposer":"t-coder","critic":"t-researcher","rounds":3}}]}""");
        assertEquals(400, tooManySteps.status(), tooManySteps.toString());
        assertEquals("maxSteps", tooManySteps.json().get("field").asText());

        Api.Response accepted = api.post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"t-coder","samples":3,"aggregate":{"method":"firstValid"}}]}""");
        assertEquals(202, accepted.status(), accepted.toString());
        Api.Response run = api.get("/v1/runs/" + accepted.json().get("runId").asText());
        assertEquals(200, run.status(), run.toString());
        assertEquals(4, run.json().get("tasks").size(), "three samples and their aggregate: " + run);
    }
}
