package io.agentfleet.orchestrator.agentloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.agents.Probe;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.worker.llm.FakeProvider;
import io.agentfleet.worker.llm.FakeProvider.Call;
import io.agentfleet.worker.llm.FakeProvider.Received;
import io.agentfleet.worker.llm.FakeProvider.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import redis.clients.jedis.resps.StreamEntry;

/**
 * The durable agent loop end to end: a real orchestrator, a real {@code llm} worker calling a fake OpenAI-compatible
 * provider on loopback (which checks every request against the documented shape), a real worker serving the tools
 * {@code t-search} and {@code t-fetch}, and a real Redis. The fake model's answers follow a script chosen by the
 * {@code scenario=} word of the task's input and the turn (1 + the assistant messages in the request).
 */
class AgentLoopEndToEndTest {
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String TOOLS = "t-search,t-fetch";
    static final Pattern SCENARIO = Pattern.compile("scenario=(\\w+)");

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static FakeProvider provider;
    static JavaProcess llmWorker;
    static JavaProcess toolWorker;
    static Orchestrators.Orchestrator orchestrator;
    static UnifiedJedis client;

    @BeforeAll
    static void start() {
        client = redis.client();
        provider = FakeProvider.start().otherwise(AgentLoopEndToEndTest::reply);
        llmWorker = Orchestrators.worker(
                redis.uri(),
                "llm",
                Map.of(),
                Map.of(
                        "FLEET_LLM_PROVIDER", "openai",
                        "FLEET_LLM_BASE_URL", provider.openAiBase().toString(),
                        "OPENAI_API_KEY", "sk-agent-loop-test-0123456789",
                        "FLEET_LLM_LLM_PRICE_IN_PER_1M", "1",
                        "FLEET_LLM_LLM_PRICE_OUT_PER_1M", "2"));
        toolWorker = toolWorker();
        orchestrator = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery());
    }

    static JavaProcess toolWorker() {
        return Orchestrators.worker(
                redis.uri(),
                TOOLS,
                Map.of(
                        "fleet.agents.t-fetch.lease", "1s",
                        "fleet.agents.t-fetch.claim-after", "2s",
                        "fleet.agents.t-search.lease", "1s",
                        "fleet.agents.t-search.claim-after", "2s"));
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, toolWorker, llmWorker, client, provider);
    }

    /** The fake model: what it answers in each turn of each scenario. */
    static Reply reply(Received request) {
        Matcher m = SCENARIO.matcher(request.promptText());
        String scenario = m.find() ? m.group(1) : "none";
        int turn = turnOf(request);
        return switch (scenario) {
            case "five" ->
                switch (turn) {
                    case 1 ->
                        Reply.toolCalls(
                                call(turn, 0, "t-search", "{\"q\":\"redis\",\"together\":true}"),
                                call(turn, 1, "t-fetch", "{\"url\":\"a\",\"together\":true}"));
                    case 2 -> Reply.toolCalls(call(turn, 0, "t-search", "{\"q\":\"streams\"}"));
                    case 3 -> Reply.toolCalls(call(turn, 0, "t-fetch", "{\"url\":\"b\"}"));
                    case 4 -> Reply.toolCalls(call(turn, 0, "t-search", "{\"q\":\"groups\"}"));
                    default -> Reply.answer("final answer after " + turn + " turns");
                };
            case "crash" ->
                switch (turn) {
                    case 1 -> Reply.toolCalls(call(turn, 0, "t-search", "{\"q\":\"crash\"}"));
                    case 2 -> Reply.toolCalls(call(turn, 0, "t-fetch", "{\"url\":\"slow\",\"ms\":6000}"));
                    case 3 -> Reply.toolCalls(call(turn, 0, "t-search", "{\"q\":\"after\"}"));
                    case 4 -> Reply.toolCalls(call(turn, 0, "t-fetch", "{\"url\":\"last\"}"));
                    default -> Reply.answer("survived");
                };
            case "toolfails" ->
                turn == 1
                        ? Reply.toolCalls(call(turn, 0, "t-fetch", "{\"url\":\"missing\"}"))
                        : Reply.answer("recovered without the page");
            case "unknown" -> Reply.toolCalls(call(turn, 0, "t-nope", "{}"));
            case "forever" -> Reply.toolCalls(call(turn, 0, "t-search", "{\"q\":\"round " + turn + "\"}"));
            case "repeat" -> Reply.toolCalls(call(turn, 0, "t-search", "{\"q\":\"the same\"}"));
            case "costly" ->
                new Reply(
                        200,
                        Map.of(),
                        null,
                        "",
                        400,
                        400,
                        Duration.ZERO,
                        List.of(call(turn, 0, "t-search", "{\"q\":\"costly " + turn + "\"}")));
            default -> Reply.answer("no scenario");
        };
    }

    static Call call(int turn, int index, String tool, String arguments) {
        return new Call("call_" + turn + "_" + index, tool, arguments);
    }

    static int turnOf(Received request) {
        int assistants = 0;
        for (JsonNode message : request.json().path("messages")) {
            if (message.path("role").asText().equals("assistant")) {
                assistants++;
            }
        }
        return assistants + 1;
    }

    /** How many requests the fake provider saw for each turn of {@code scenario}. */
    static Map<Integer, Integer> requestsPerTurn(String scenario) {
        Map<Integer, Integer> perTurn = new LinkedHashMap<>();
        for (Received r : provider.received()) {
            if (r.promptText().contains("scenario=" + scenario)) {
                perTurn.merge(turnOf(r), 1, Integer::sum);
            }
        }
        return perTurn;
    }

    static String agentTask(String scenario, int maxTurns) {
        return "{\"id\":\"research\",\"agent\":\"llm\",\"tools\":[\"t-search\",\"t-fetch\"],\"maxTurns\":" + maxTurns
                + ",\"input\":\"scenario=" + scenario + ": find out how Redis streams work\"}";
    }

    static Api api() {
        return orchestrator.api();
    }

    @Test
    void anAgentLoopOfFiveTurnsWithTwoToolsCompletesAndItsParallelToolCallsRunTogether() {
        String runId = api().submit(
                        Api.parse(
                                "{\"tasks\":[" + agentTask("five", 12) + ","
                                        + "{\"id\":\"report\",\"agent\":\"t-search\",\"input\":{\"q\":\"report\"},\"dependsOn\":[\"research\"]}]}"));
        JsonNode run = api().awaitStatus(runId, "COMPLETED", TIMEOUT);
        JsonNode research = Api.task(run, "research");
        assertEquals(
                "final answer after 5 turns", research.get("output").get("text").asText(), run.toString());
        assertEquals(5, research.get("output").get("turns").asInt());
        for (int turn = 1; turn <= 5; turn++) {
            JsonNode t = Api.task(run, "research@t" + turn);
            assertEquals("llm", t.get("agent").asText());
            assertEquals(18, t.get("usage").get("tokens").asInt(), "turn " + turn + " reports the provider's usage");
            assertTrue(t.get("usage").get("cost").asDouble() > 0, "turn " + turn + " is priced");
        }
        assertEquals("t-search", Api.task(run, "research@t1@c0").get("agent").asText());
        assertEquals("t-fetch", Api.task(run, "research@t1@c1").get("agent").asText());
        assertEquals(
                "about redis",
                Api.task(run, "research@t1@c0").get("output").get("results").asText());
        assertEquals("t-search", Api.task(run, "research@t4@c0").get("agent").asText());
        assertEquals(11, run.get("steps").asInt(), "5 turns and 5 tool calls, then the report");
        assertEquals(90, research.get("usage").get("tokens").asInt(), "the agent task sums its turns' usage");
        assertEquals(
                "1", client.get("test:tools:together:" + runId), "both tool calls of turn 1 were in flight together");
        assertEquals(Map.of(1, 1, 2, 1, 3, 1, 4, 1, 5, 1), requestsPerTurn("five"));
        assertEquals(List.of(), provider.violations());
        List<JsonNode> loopEvents = progressEvents(runId);
        assertEquals(10, loopEvents.size(), "one event per turn and per tool call: " + loopEvents);
        assertTrue(loopEvents.stream().allMatch(e -> e.has("tokensIn") && e.has("cost")));
        JsonNode secondTurnRequest = provider.received().stream()
                .filter(r -> r.promptText().contains("scenario=five") && turnOf(r) == 2)
                .findFirst()
                .orElseThrow()
                .json();
        assertEquals(2, secondTurnRequest.path("tools").size(), "the tools travel with every turn");
        assertTrue(
                secondTurnRequest.toString().contains("about redis"),
                "the tool results go back to the model in the next turn");
    }

    @Test
    void aFailedToolCallGoesBackToTheModelAsAnErrorResult() {
        String runId = api().submit(Api.parse("{\"tasks\":[" + agentTask("toolfails", 12) + "]}"));
        JsonNode run = api().awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertEquals("FAILED", Api.task(run, "research@t1@c0").get("state").asText());
        assertEquals(
                "recovered without the page",
                Api.task(run, "research").get("output").get("text").asText());
        String secondTurn = provider.received().stream()
                .filter(r -> r.promptText().contains("scenario=toolfails") && turnOf(r) == 2)
                .findFirst()
                .orElseThrow()
                .json()
                .toString();
        assertTrue(secondTurn.contains("no page at missing"), "the model is told why the call failed: " + secondTurn);
    }

    @Test
    void aCallOfAToolTheTaskWasNotGivenFailsIt() {
        String runId = api().submit(Api.parse("{\"tasks\":[" + agentTask("unknown", 12) + "]}"));
        JsonNode run = api().awaitStatus(runId, "FAILED", TIMEOUT);
        assertEquals("INVALID_TOOL_CALL", run.get("error").get("type").asText(), run.toString());
        assertTrue(run.get("error").get("message").asText().contains("t-nope"), run.toString());
    }

    @Test
    void maxTurnsStopsTheLoopWithATypedFailure() {
        String runId = api().submit(Api.parse("{\"tasks\":[" + agentTask("forever", 3) + "]}"));
        JsonNode run = api().awaitStatus(runId, "FAILED", TIMEOUT);
        assertEquals("MAX_TURNS_EXCEEDED", run.get("error").get("type").asText(), run.toString());
        assertEquals(Map.of(1, 1, 2, 1, 3, 1), requestsPerTurn("forever"));
    }

    @Test
    void theRunsTokenBudgetStopsTheLoop() {
        String runId = api().submit(
                        Api.parse("{\"budget\":{\"maxTokens\":1500},\"tasks\":[" + agentTask("costly", 12) + "]}"));
        JsonNode run = api().awaitStatus(runId, "BUDGET_EXCEEDED", TIMEOUT);
        assertTrue(requestsPerTurn("costly").size() <= 2, run.toString());
    }

    @Test
    void aRepeatedIdenticalToolCallIsDetectedAsALoop() {
        String runId = api().submit(Api.parse("{\"tasks\":[" + agentTask("repeat", 12) + "]}"));
        JsonNode run = api().awaitStatus(runId, "LOOP_DETECTED", TIMEOUT);
        assertTrue(run.get("error").get("message").asText().contains("research@t2@c0"), run.toString());
        assertEquals("COMPLETED", Api.task(run, "research@t1@c0").get("state").asText());
    }

    @Test
    void killingTheOrchestratorAndAToolWorkerMidLoopLosesNothingAndRepeatsNoRecordedTurn() {
        String runId = api().submit(Api.parse("{\"tasks\":[" + agentTask("crash", 12) + "]}"));
        String slowCall = runId + ".research@t2@c0.r0";
        Await.until(
                TIMEOUT,
                () -> client.hget(Probe.INVOCATIONS, slowCall) != null,
                "the slow tool call of turn 2 is running");
        orchestrator.process().kill9();
        toolWorker.kill9();
        toolWorker = toolWorker();
        orchestrator = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery());
        JsonNode run = api().awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertEquals(
                "survived", Api.task(run, "research").get("output").get("text").asText());
        assertEquals(
                Map.of(1, 1, 2, 1, 3, 1, 4, 1, 5, 1),
                requestsPerTurn("crash"),
                "no turn whose outcome was recorded went to the model twice");
        assertTrue(Integer.parseInt(client.hget(Probe.INVOCATIONS, slowCall)) >= 2, "the killed call ran again");
        assertEquals("1", client.hget(Probe.INVOCATIONS, runId + ".research@t1@c0.r0"));
        assertEquals("1", client.hget(Probe.INVOCATIONS, runId + ".research@t3@c0.r0"));
    }

    @Test
    void aToolWithoutAPublishedSchemaIsRefusedAtSubmission() {
        Api.Response refused = api().post("/v1/workflows", """
                {"tasks":[{"id":"a","agent":"llm","tools":["llm"],"input":"x"}]}""");
        assertEquals(400, refused.status(), refused.toString());
        assertTrue(refused.toString().contains("tasks[0].tools[0]"), refused.toString());
    }

    static List<JsonNode> progressEvents(String runId) {
        List<JsonNode> progress = new ArrayList<>();
        for (StreamEntry e : client.xrange("fleet:{run:" + runId + "}:events", (StreamEntryID) null, null)) {
            if ("TASK_PROGRESS".equals(e.getFields().get("type"))) {
                JsonNode data = Api.parse(e.getFields().get("data"));
                progress.add(data.path("progress"));
            }
        }
        return progress;
    }
}
