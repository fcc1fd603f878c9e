package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.fleetctl.FleetCtl;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import redis.clients.jedis.UnifiedJedis;

/** The run blackboard end to end: a real orchestrator, a real worker running two blackboard agents, a real Redis. */
class BlackboardEndToEndTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api api;

    @BeforeAll
    static void start() {
        worker = Orchestrators.worker(redis.uri(), "t-scribe,t-editor", Map.of());
        orchestrator = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery());
        api = orchestrator.api();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker);
    }

    @Test
    void concurrentWritersConflictTheLoserIsRetriedWithTheFreshVersionAndRollingItBackRestoresTheWinnersValue() {
        String runId = api.submit(Api.parse("""
                {"blackboard":{"notes":["start"]},
                 "tasks":[
                  {"id":"a","agent":"t-scribe","input":{"note":"from scribe","sleepMs":300},
                   "blackboard":{"writes":["notes"]}},
                  {"id":"b","agent":"t-editor","input":{"note":"from editor","sleepMs":300},
                   "blackboard":{"writes":["notes"],"onConflict":"retry","maxConflictRetries":2}}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);

        List<JsonNode> history = entries(runId, "");
        List<String> kinds = history.stream().map(e -> e.get("type").asText()).toList();
        assertEquals(
                List.of("BLACKBOARD_UPDATED", "BLACKBOARD_UPDATED", "BLACKBOARD_CONFLICT", "BLACKBOARD_UPDATED"),
                kinds,
                "the initial value, the winner's write, the loser's stale write, the loser's retried write");
        JsonNode winner = history.get(1);
        JsonNode conflict = history.get(2);
        JsonNode retried = history.get(3);
        String loserTask = conflict.get("taskId").asText();
        String winnerTask = winner.get("taskId").asText();
        assertNotEquals(winnerTask, loserTask);
        assertEquals(loserTask, retried.get("taskId").asText());
        assertEquals(1, conflict.get("attempt").asInt(), "the stale write came from the first dispatch");
        assertEquals(1, conflict.get("oldVersion").asInt(), "dispatched with the initial version");
        assertEquals(2, conflict.get("newVersion").asInt(), "the winner had written version 2");
        assertEquals(2, retried.get("attempt").asInt(), "the retried write came from the second dispatch");
        assertEquals(2, retried.get("oldVersion").asInt());
        assertEquals(3, retried.get("newVersion").asInt());
        assertEquals(2, Api.task(run, loserTask).get("output").get("sawVersion").asInt(), "retried with v2");
        assertEquals(
                1, Api.task(run, winnerTask).get("output").get("sawVersion").asInt());

        JsonNode winnerValue = winner.get("value");
        assertEquals(2, winnerValue.size());
        assertEquals(3, section(runId).get("value").size(), "the loser appended to the winner's value");

        String loserAgent = retried.get("agent").asText();
        Api.Response rolledBack =
                api.post("/v1/runs/" + runId + "/blackboard/rollback", "{\"agent\":\"" + loserAgent + "\"}");
        assertEquals(200, rolledBack.status(), rolledBack.toString());
        JsonNode entry = rolledBack.json().get("rolledBack").get(0);
        assertEquals(List.of(retried.get("seq").asLong()), longs(entry.get("reverted")));
        JsonNode notes = section(runId);
        assertEquals(winnerValue, notes.get("value"), "the section is exactly the winner's value again");
        assertEquals(4, notes.get("version").asInt());
        assertEquals(winnerTask, notes.get("taskId").asText());

        List<JsonNode> loserContributions = entries(runId, "?agent=" + loserAgent);
        assertEquals(
                List.of("BLACKBOARD_CONFLICT", "BLACKBOARD_UPDATED", "BLACKBOARD_ROLLED_BACK"),
                loserContributions.stream().map(e -> e.get("type").asText()).toList());

        String winnerAgent = winner.get("agent").asText();
        api.post("/v1/runs/" + runId + "/blackboard/rollback", "{\"taskId\":\"" + winnerTask + "\"}");
        assertEquals(Api.parse("{\"v\":[\"start\"]}").get("v"), section(runId).get("value"));
        assertEquals(
                1, entries(runId, "?agent=" + winnerAgent).size(), "a task rollback names the task, not the agent");
    }

    @Test
    void anUndeclaredWriteFailsTheTaskWithItsReason() {
        String runId = api.submit(Api.parse("""
                {"blackboard":{"plan":["p"]},
                 "tasks":[{"id":"a","agent":"t-scribe","input":{"note":"x","section":"plan"},
                           "blackboard":{"reads":["plan"]}}]}"""));
        JsonNode run = api.awaitStatus(runId, "FAILED", TIMEOUT);
        JsonNode error = Api.task(run, "a").get("error");
        assertEquals("BLACKBOARD_UNDECLARED_WRITE", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("'plan'"), error.toString());
        assertEquals(1, section(runId, "plan").get("version").asInt(), "nothing was written");
    }

    @Test
    void aStaleWriteWithOnConflictFailFailsTheTask() {
        String runId = api.submit(Api.parse("""
                {"tasks":[
                  {"id":"a","agent":"t-scribe","input":{"note":"a"},"blackboard":{"writes":["notes"]}},
                  {"id":"b","agent":"t-editor","input":{"note":"b","sleepMs":1500},
                   "blackboard":{"writes":["notes"],"onConflict":"fail"}}]}"""));
        JsonNode run = api.awaitStatus(runId, "FAILED", TIMEOUT);
        JsonNode error = Api.task(run, "b").get("error");
        assertEquals("BLACKBOARD_CONFLICT", error.get("type").asText());
        assertEquals("COMPLETED", Api.task(run, "a").get("state").asText());
        assertEquals(List.of("a"), texts(section(runId).get("value")));
    }

    @Test
    void anotherTenantGetsNotFoundForEveryBlackboardRoute() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"a","agent":"t-scribe","input":{"note":"a"},"blackboard":{"writes":["notes"]}}]}"""));
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertEquals(200, api.get("/v1/runs/" + runId + "/blackboard").status());
        Api other = api.withKey(Orchestrators.OTHER_KEY);
        assertEquals(404, other.get("/v1/runs/" + runId + "/blackboard").status());
        assertEquals(404, other.get("/v1/runs/" + runId + "/blackboard/history").status());
        assertEquals(
                404,
                other.post("/v1/runs/" + runId + "/blackboard/rollback", "{\"agent\":\"t-scribe\"}")
                        .status());
        assertEquals(List.of("a"), texts(section(runId).get("value")), "the other tenant's rollback changed nothing");
    }

    @Test
    void fleetctlShowsTheBlackboardListsOneAgentsContributionsAndRollsThemBack() {
        String runId = api.submit(Api.parse("""
                {"blackboard":{"notes":["start"]},
                 "tasks":[{"id":"a","agent":"t-scribe","input":{"note":"cli"},"blackboard":{"writes":["notes"]}}]}"""));
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);

        Cli shown = fleetctl("show", runId);
        assertEquals(0, shown.exit(), shown.toString());
        assertTrue(shown.out().contains("[\"start\",\"cli\"]"), shown.out());
        Cli history = fleetctl("history", runId, "--agent", "t-scribe");
        assertEquals(0, history.exit(), history.toString());
        assertTrue(history.out().contains("BLACKBOARD_UPDATED") && history.out().contains("1->2"), history.out());
        Cli rolledBack = fleetctl("rollback", runId, "--agent", "t-scribe");
        assertEquals(0, rolledBack.exit(), rolledBack.toString());
        assertTrue(rolledBack.out().contains("rolled back notes: version 2 -> 3"), rolledBack.out());
        assertEquals(List.of("start"), texts(section(runId).get("value")));
        Cli again = fleetctl("rollback", runId, "--task", "a");
        assertTrue(again.out().contains("nothing to roll back"), again.out());
    }

    @Test
    void aRollbackPastTheHistoryLimitIs409AndChangesNothing() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"a","agent":"t-scribe","input":{"note":"a"},"blackboard":{"writes":["notes"]}}]}"""));
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        try (UnifiedJedis client = redis.client()) {
            client.hset(StreamKeys.DEFAULT.runState(runId), "bb:seq", "1000");
        }
        Api.Response full = api.post("/v1/runs/" + runId + "/blackboard/rollback", "{\"agent\":\"t-scribe\"}");
        assertEquals(409, full.status(), full.toString());
        assertEquals("history", full.json().get("field").asText());
        assertEquals(List.of("a"), texts(section(runId).get("value")));
    }

    @Test
    void aKilledOrchestratorLosesNoBlackboardWriteAndDoublesNone() {
        int runs = 8;
        List<String> ids = new ArrayList<>();
        try (Orchestrators.Orchestrator doomed =
                Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery())) {
            for (int i = 0; i < runs; i++) {
                ids.add(doomed.api().submit(Api.parse("""
                        {"blackboard":{"notes":["start"]},
                         "tasks":[
                          {"id":"a","agent":"t-scribe","input":{"note":"a","sleepMs":1500},"blackboard":{"writes":["notes"]}},
                          {"id":"b","agent":"t-editor","input":{"note":"b","sleepMs":1500},"dependsOn":["a"],
                           "blackboard":{"writes":["notes"]}},
                          {"id":"c","agent":"t-scribe","input":{"note":"c","sleepMs":1500},"dependsOn":["b"],
                           "blackboard":{"writes":["notes"]}}]}""")));
            }
            Await.until(TIMEOUT, () -> writes(ids) >= runs, "the runs to be under way");
            doomed.process().kill9();
            assertTrue(writes(ids) < runs * 3L, "the replica was killed mid-run");
        }
        for (String runId : ids) {
            api.awaitStatus(runId, "COMPLETED", Duration.ofSeconds(120));
            List<JsonNode> history = entries(runId, "");
            assertEquals(
                    List.of(1L, 2L, 3L, 4L),
                    history.stream().map(e -> e.get("seq").asLong()).toList(),
                    "the initial value and one write per task, none lost or doubled: " + history);
            assertEquals(
                    List.of(1L, 2L, 3L, 4L),
                    history.stream().map(e -> e.get("newVersion").asLong()).toList());
            assertEquals(List.of("start", "a", "b", "c"), texts(section(runId).get("value")));
        }
    }

    /** Blackboard writes by tasks so far, over {@code runs}. */
    static long writes(List<String> runs) {
        long n = 0;
        for (String runId : runs) {
            JsonNode board = api.get("/v1/runs/" + runId + "/blackboard").json();
            n += board.get("historyEntries").asLong() - 1;
        }
        return n;
    }

    record Cli(int exit, String out, String err) {}

    static Cli fleetctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FleetCtl.commandLine(new FleetCtl());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("blackboard", "--api", api.base(), "--api-key", Orchestrators.KEY));
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Cli(exit, out.toString(), err.toString());
    }

    static JsonNode section(String runId) {
        return section(runId, "notes");
    }

    static JsonNode section(String runId, String name) {
        Api.Response r = api.get("/v1/runs/" + runId + "/blackboard");
        assertEquals(200, r.status(), r.toString());
        return r.json().get("sections").get(name);
    }

    static List<JsonNode> entries(String runId, String query) {
        Api.Response r = api.get("/v1/runs/" + runId + "/blackboard/history" + query);
        assertEquals(200, r.status(), r.toString());
        List<JsonNode> out = new ArrayList<>();
        r.json().get("entries").forEach(out::add);
        return out;
    }

    static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
