package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.OpenApiContract;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
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
import redis.clients.jedis.resps.StreamEntry;

/** Sub-workflows end to end: a real orchestrator process, a real worker process running the test agents, a real Redis. */
class SubWorkflowEndToEndTest {
    static final String AGENTS = "t-researcher,t-coder,t-metered,t-slow";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** t-metered reports 100 tokens per task and reserves this many. */
    static final long METERED_RESERVATION = 100;

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
        worker = Orchestrators.worker(redis.uri(), AGENTS, Map.of("fleet.agents.t-slow.max-in-flight", "4"));
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("fleet.orchestrator.task-max-tokens", "t-metered:" + METERED_RESERVATION);
        props.put("fleet.orchestrator.reconcile-after", "2s");
        // The key "other" (tenant "other") may have one run in flight, so a run of it cannot start a child, and may
        // use only t-researcher.
        props.put("fleet.tenants.other.max-runs-in-flight", "1");
        props.put("fleet.tenants.other.allowed-agents", "t-researcher");
        orchestrator = Orchestrators.orchestrator(redis.uri(), props);
        api = orchestrator.api();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker, client);
    }

    @Test
    void aParentRunWithAChildWorkflowCompletesWithTheChildsSinkOutputsAndBothRunsLinked() {
        String runId = api.submit(Api.parse("""
                {"tasks":[
                  {"id":"prep","agent":"t-researcher","input":{"topic":"prep"}},
                  {"id":"sub","dependsOn":["prep"],"workflow":{"tasks":[
                     {"id":"r","agent":"t-researcher","input":{"topic":"inner"}},
                     {"id":"c","agent":"t-coder","input":{"goal":"inner code"},"dependsOn":["r"]}]}},
                  {"id":"after","agent":"t-researcher","input":{"topic":"after"},"dependsOn":["sub"]}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);

        JsonNode sub = Api.task(run, "sub");
        assertEquals("workflow", sub.get("agent").asText());
        String childId = sub.get("childRun").asText();
        assertEquals(List.of("c"), fieldNames(sub.get("output")), "the output is the child's sink task's output");
        assertEquals(List.of("r"), fieldNames(sub.get("output").get("c").get("context")), sub.toString());
        assertEquals(
                List.of("sub"), textList(Api.task(run, "after").get("output").get("contextKeys")));

        JsonNode child = api.run(childId);
        assertEquals("COMPLETED", child.get("status").asText());
        assertEquals(runId, child.get("parentRun").asText());
        assertEquals("sub", child.get("parentTask").asText());
        assertEquals(1, child.get("depth").asInt());
        assertFalse(run.has("parentRun"), "a submitted run has no parent");

        List<JsonNode> started = events(runId, "CHILD_RUN_STARTED");
        assertEquals(1, started.size());
        assertEquals(childId, started.get(0).get("childRun").asText());
        assertEquals("sub", started.get(0).get("taskId").asText());
        assertEquals("RUN_FINISHED", lastType(childId));
    }

    @Test
    void cancellingTheParentCancelsTheChild() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"sub","workflow":{"tasks":[
                   {"id":"slow","agent":"t-slow","input":{"ms":20000}}]}}]}"""));
        String childId = awaitChildRun(runId, "sub");
        api.awaitStatus(childId, "RUNNING", TIMEOUT);

        assertEquals(200, api.delete("/v1/runs/" + runId).status());

        JsonNode child = api.awaitStatus(childId, "CANCELLED", TIMEOUT);
        assertTrue(child.get("error").get("message").asText().contains(runId), child.toString());
        assertEquals("CANCELLED", api.run(runId).get("status").asText());
    }

    @Test
    void aChildWhoseCancelWasLostIsCancelledWhenItsParentsCheckComesDue() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"sub","workflow":{"tasks":[
                   {"id":"slow","agent":"t-slow","input":{"ms":30000}}]}}]}"""));
        String childId = awaitChildRun(runId, "sub");
        api.awaitStatus(childId, "RUNNING", TIMEOUT);
        String check = "check|" + runId + "|"
                + Api.task(api.run(runId), "sub").get("wireTaskId").asText();
        // The parent's cancel finds no child to cancel, as if the orchestrator died between the two; then the child is
        // back, still running.
        Map<String, String> child = client.hgetAll(stateKey(childId));
        client.del(stateKey(childId));
        assertEquals(200, api.delete("/v1/runs/" + runId).status());
        client.hset(stateKey(childId), child);
        assertEquals("RUNNING", api.run(childId).get("status").asText());

        client.zadd(DEADLINES, 0, check);

        JsonNode cancelled = api.awaitStatus(childId, "CANCELLED", TIMEOUT);
        assertTrue(cancelled.get("error").get("message").asText().contains(runId), cancelled.toString());
    }

    @Test
    void cancellingTheChildFailsTheParentsTaskAndItsEdgePolicyApplies() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"sub","workflow":{"tasks":[
                   {"id":"slow","agent":"t-slow","input":{"ms":20000}}]}},
                  {"id":"after","agent":"t-researcher","input":{"topic":"anyway"},
                   "dependsOn":[{"task":"sub","onFailure":"continue"}]}]}"""));
        String childId = awaitChildRun(runId, "sub");
        api.awaitStatus(childId, "RUNNING", TIMEOUT);

        assertEquals(200, api.delete("/v1/runs/" + childId).status());

        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        JsonNode sub = Api.task(run, "sub");
        assertEquals("FAILED", sub.get("state").asText());
        assertEquals("CHILD_CANCELLED", sub.get("error").get("type").asText());
        assertEquals(List.of(), textList(Api.task(run, "after").get("output").get("contextKeys")));
    }

    @Test
    void aChildOverItsBudgetFailsTheParentsTaskAndItsSpendCountsForTheParent() {
        String runId = api.submit(Api.parse("""
                {"budget":{"maxTokens":1000},"tasks":[
                  {"id":"sub","maxTokens":150,"workflow":{"tasks":[
                     {"id":"m1","agent":"t-metered","input":{"n":1}},
                     {"id":"m2","agent":"t-metered","input":{"n":2},"dependsOn":["m1"]}]}}]}"""));
        JsonNode run = api.awaitStatus(runId, "FAILED", TIMEOUT);

        JsonNode sub = Api.task(run, "sub");
        assertEquals("CHILD_BUDGET_EXCEEDED", sub.get("error").get("type").asText(), run.toString());
        assertEquals("sub", run.get("error").get("task").asText());
        JsonNode child = api.run(sub.get("childRun").asText());
        assertEquals("BUDGET_EXCEEDED", child.get("status").asText());
        assertEquals(150, child.get("budget").get("maxTokens").asLong(), "the child's budget is the reservation");
        long childTokens = child.get("usage").get("tokens").asLong();
        assertEquals(100, childTokens, "m2 would not fit the 150 reserved, so it never ran");
        assertEquals(childTokens, run.get("usage").get("tokens").asLong());
        assertEquals(childTokens, sub.get("usage").get("tokens").asLong());
        assertEquals(0, run.get("usage").get("reservedTokens").asLong());
    }

    @Test
    void subWorkflowsNestedDeeperThanTheLimitAreRefusedNamingThePath() {
        String tasks = "[{\"id\":\"leaf\",\"agent\":\"t-researcher\"}]";
        for (int i = 0; i < 4; i++) {
            tasks = "[{\"id\":\"s" + i + "\",\"workflow\":{\"tasks\":" + tasks + "}}]";
        }
        Api.Response r = api.post("/v1/workflows", "{\"tasks\":" + tasks + "}");

        assertEquals(400, r.status(), r.toString());
        assertEquals(
                "tasks[0].workflow.tasks[0].workflow.tasks[0].workflow.tasks[0].workflow",
                r.json().get("field").asText(),
                r.toString());
        assertTrue(r.json().get("reason").asText().contains("more than the limit of 3"), r.toString());
    }

    @Test
    void aChildRunRefusedAtItsStartFailsTheParentsTask() {
        Api solo = api.withKey(Orchestrators.OTHER_KEY);
        String runId = solo.submit(Api.parse("""
                {"tasks":[{"id":"sub","workflow":{"tasks":[{"id":"a","agent":"t-researcher"}]}}]}"""));

        JsonNode run = solo.awaitStatus(runId, "FAILED", TIMEOUT);
        JsonNode error = Api.task(run, "sub").get("error");
        assertEquals("CHILD_NOT_STARTED", error.get("type").asText(), run.toString());
        assertTrue(error.get("message").asText().contains("other"), error.toString());
        assertEquals(404, solo.get("/v1/runs/" + error.get("childRun").asText()).status());
    }

    @Test
    void aSubWorkflowsAgentTypesAreCheckedAgainstTheTenantsAllowlistAtSubmission() {
        Api solo = api.withKey(Orchestrators.OTHER_KEY);
        Api.Response r = solo.post("/v1/workflows", """
                {"tasks":[{"id":"sub","workflow":{"tasks":[
                   {"id":"a","agent":"t-researcher"},{"id":"b","agent":"t-coder","dependsOn":["a"]}]}}]}""");

        assertEquals(403, r.status(), r.toString());
        assertEquals("tasks[0].workflow.tasks[1].agent", r.json().get("field").asText(), r.toString());
    }

    /**
     * A crash between the parent's commit and the child's start loses the start: played here by deleting the child
     * run's keys while its task runs (long enough for the test to see the child first). The reconcile check of the
     * parent's dispatch starts it again under the same id, and the parent completes with it.
     */
    @Test
    void aChildRunWhoseStartWasLostIsStartedAgainUnderTheSameIdAndTheParentCompletes() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"sub","workflow":{"tasks":[
                   {"id":"slow","agent":"t-slow","input":{"ms":15000}}]}}]}"""));
        String childId = awaitChildRun(runId, "sub");
        client.del(stateKey(childId), eventsKey(childId));

        Await.until(TIMEOUT, () -> client.exists(stateKey(childId)), "the child run to be started again");
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);

        assertEquals(childId, Api.task(run, "sub").get("childRun").asText());
        assertEquals(List.of("slow"), fieldNames(Api.task(run, "sub").get("output")));
        JsonNode child = api.run(childId);
        assertEquals("COMPLETED", child.get("status").asText());
        assertEquals(runId, child.get("parentRun").asText());
    }

    static final String DEADLINES = "fleet:orchestrator:deadlines";

    static String stateKey(String runId) {
        return "fleet:{run:" + runId + "}:state";
    }

    static String awaitChildRun(String runId, String task) {
        String[] child = new String[1];
        Await.until(
                TIMEOUT,
                () -> {
                    JsonNode t = Api.task(api.run(runId), task);
                    child[0] = t.hasNonNull("childRun") ? t.get("childRun").asText() : null;
                    return child[0] != null && client.exists(stateKey(child[0]));
                },
                "task " + task + " of run " + runId + " to start its child run");
        return child[0];
    }

    /** The data of the run's events of {@code type}, each checked against openapi.yml. */
    static List<JsonNode> events(String runId, String type) {
        List<JsonNode> out = new ArrayList<>();
        for (StreamEntry e : client.xrange(eventsKey(runId), (StreamEntryID) null, (StreamEntryID) null)) {
            String data = e.getFields().get("data");
            if (e.getFields().get("type").equals(type)) {
                OpenApiContract.requireRunEvent(withType(type, data));
                out.add(Api.parse(data));
            }
        }
        return out;
    }

    static String lastType(String runId) {
        List<StreamEntry> all = client.xrange(eventsKey(runId), (StreamEntryID) null, (StreamEntryID) null);
        return all.get(all.size() - 1).getFields().get("type");
    }

    static String eventsKey(String runId) {
        return "fleet:{run:" + runId + "}:events";
    }

    /** The SSE data of an event carries its type next to the stored data. */
    static String withType(String type, String data) {
        return "{\"type\":\"" + type + "\"," + data.substring(1);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<String> textList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
