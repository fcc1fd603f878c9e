package io.agentfleet.worker.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.FleetException;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoAgentsTest {
    private final List<Duration> slept = new ArrayList<>();
    private final DemoAgentProvider agents = new DemoAgentProvider(DemoAgentSettings.INSTANT, slept::add);

    private AgentHandler agent(String type) {
        return agents.handlerFor(type, type).orElseThrow();
    }

    private static ObjectNode request(Object input) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.set("input", new ObjectMapper().valueToTree(input));
        return content;
    }

    private static HandlerResult run(AgentHandler agent, ObjectNode content) throws Exception {
        return run(
                agent,
                AgentMessage.request(agent.agentType(), content)
                        .taskId("task-1")
                        .build(),
                1);
    }

    private static HandlerResult run(AgentHandler agent, AgentMessage task, int attempt) throws Exception {
        Clock clock = Clock.systemUTC();
        TaskContext context = new TaskContext(
                agent.agentType(),
                "test-worker",
                attempt,
                5,
                clock.instant().plusSeconds(60),
                clock,
                new ObjectMapper());
        return agent.handle(task, context);
    }

    @Test
    void plannerSpawnsOneResearcherPerQuestionAndAReviewedCoderDependingOnThem() throws Exception {
        ObjectNode output = run(agent("planner"), request(Map.of("goal", "Build a rate limiter for our API gateway")))
                .output();

        JsonNode spawn = output.path("spawn");
        int researchers = spawn.size() - 1;
        assertTrue(researchers == 2 || researchers == 3, output.toPrettyString());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < researchers; i++) {
            JsonNode task = spawn.path(i);
            assertEquals("researcher", task.path("agent").asText());
            assertTrue(task.path("input").path("question").asText().contains("rate limiter"), task.toString());
            assertEquals(0, task.path("dependsOn").size());
            ids.add(task.path("id").asText());
        }
        JsonNode coder = spawn.path(researchers);
        assertEquals("coder", coder.path("agent").asText());
        assertEquals(ids, new HashSet<>(texts(coder.path("dependsOn"))));
        assertEquals("reviewer", coder.path("review").path("agent").asText());
        assertEquals(2, coder.path("review").path("maxRevisions").asInt());
        assertEquals(researchers + 1, ids.size() + 1, "ids are unique");
        assertEquals(researchers + 2, output.path("plan").size(), "research steps, implementation, review");
        assertEquals(
                "Build a rate limiter for our API gateway", output.path("goal").asText());
    }

    @Test
    void plannerReadsAPlainTextInputAndIsDeterministic() throws Exception {
        ObjectNode first = run(agent("planner"), request("Migrate the billing service to Postgres."))
                .output();
        ObjectNode second = run(agent("planner"), request("Migrate the billing service to Postgres."))
                .output();

        assertEquals(first, second);
        assertEquals(
                "Migrate the billing service to Postgres", first.path("goal").asText());
    }

    @Test
    void researcherDerivesFindingsAndSourcesFromTheQuestion() throws Exception {
        HandlerResult result = run(
                agent("researcher"), request(Map.of("question", "Which approaches solve idempotent payment retries?")));
        ObjectNode output = result.output();

        assertEquals(
                "Which approaches solve idempotent payment retries",
                output.path("question").asText());
        assertEquals(3, output.path("findings").size());
        assertTrue(output.path("findings").path(0).asText().contains("idempotent"), output.toString());
        assertTrue(output.path("sources").size() >= 1);
        assertTrue(output.path("sources").path(0).path("url").asText().startsWith("https://example.org/research/"));
        assertTrue(output.path("summary").asText().length() > 10);
        assertEquals(output.path("confidence").asDouble(), result.usage().confidence());
        ObjectNode other = run(
                        agent("researcher"), request(Map.of("question", "How do vector databases index embeddings?")))
                .output();
        assertNotEquals(output.path("findings"), other.path("findings"), "findings follow the question");
    }

    @Test
    void theResearchersOfOnePlanAnswerTheirOwnQuestionsSoTheCoderListsEachFindingOnce() throws Exception {
        ObjectNode plan = run(agent("planner"), request("Build a rate limiter for our public API"))
                .output();
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        for (JsonNode task : plan.path("spawn")) {
            if (task.path("agent").asText().equals("researcher")) {
                ObjectNode content = JsonNodeFactory.instance.objectNode();
                content.set("input", task.path("input"));
                context.set(
                        task.path("id").asText(),
                        run(agent("researcher"), content).output());
            }
        }
        ObjectNode content = request(Map.of("task", "Implement a rate limiter"));
        content.set("context", context);

        String code = run(agent("coder"), content)
                .output()
                .path("files")
                .path(0)
                .path("content")
                .asText();
        List<String> notes =
                code.lines().filter(l -> l.startsWith("# Research: ")).toList();
        assertEquals(3 * context.size(), notes.size(), code);
        assertEquals(notes.size(), new HashSet<>(notes).size(), "no finding is listed twice:\n" + code);
    }

    @Test
    void coderWritesAModuleFromItsTaskAndTheResearchContext() throws Exception {
        ObjectNode content = request(Map.of("task", "Implement a token bucket limiter"));
        content.putObject("context")
                .putObject("research-1")
                .putArray("findings")
                .add("Buckets refill continuously.");

        ObjectNode output = run(agent("coder"), content).output();

        assertEquals("python", output.path("language").asText());
        assertEquals(1, output.path("files").size());
        String code = output.path("files").path(0).path("content").asText();
        assertTrue(output.path("files").path(0).path("path").asText().endsWith(".py"));
        assertTrue(code.contains("# Research: Buckets refill continuously."), code);
        assertTrue(code.contains("def run_"), code);
        assertEquals(List.of("research-1"), texts(output.path("basedOn")));
        assertEquals(0, output.path("revision").asInt());
        assertFalse(output.has("addressedFeedback"));
    }

    @Test
    void reviewerRejectsTheFirstVersionWithConcreteFeedback() throws Exception {
        ObjectNode code =
                run(agent("coder"), request("Implement a token bucket limiter")).output();

        ObjectNode review = run(agent("reviewer"), reviewOf(code, 0)).output();

        assertFalse(review.path("approved").asBoolean(true));
        String feedback = review.path("feedback").asText();
        assertTrue(feedback.startsWith("Add unit tests for run_"), feedback);
        assertTrue(feedback.contains("validate the input"), feedback);
    }

    @Test
    void reviewRoundTripApprovesTheRevisionThatAddressedTheFeedback() throws Exception {
        ObjectNode first =
                run(agent("coder"), request("Implement a token bucket limiter")).output();
        String feedback = run(agent("reviewer"), reviewOf(first, 0))
                .output()
                .path("feedback")
                .asText();

        ObjectNode revisionRequest = request("Implement a token bucket limiter");
        revisionRequest.put("feedback", feedback).put("revision", 1);
        ObjectNode revised = run(agent("coder"), revisionRequest).output();
        ObjectNode review = run(agent("reviewer"), reviewOf(revised, 1)).output();

        assertEquals(2, revised.path("files").size());
        assertTrue(revised.path("files").path(1).path("path").asText().startsWith("tests/test_"));
        assertTrue(revised.path("files").path(0).path("content").asText().contains("raise ValueError"));
        assertEquals(feedback, revised.path("addressedFeedback").asText());
        assertTrue(review.path("approved").asBoolean(), review.toPrettyString());
        assertTrue(review.path("feedback").asText().startsWith("Approved"));
    }

    @Test
    void reviewerRejectsARevisionThatIgnoredTheFeedback() throws Exception {
        ObjectNode unchanged =
                run(agent("coder"), request("Implement a token bucket limiter")).output();

        ObjectNode review = run(agent("reviewer"), reviewOf(unchanged, 1)).output();

        assertFalse(review.path("approved").asBoolean(true));
        assertTrue(review.path("feedback").asText().startsWith("Add unit tests"));
    }

    @Test
    void reviewerFindsTheArtifactInTheContextToo() throws Exception {
        ObjectNode first = run(agent("coder"), request("Implement a cache")).output();
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.putObject("input").put("instructions", "review the implementation");
        content.putObject("context").set("implement", first);
        content.put("revision", 0);

        assertFalse(run(agent("reviewer"), content).output().path("approved").asBoolean(true));
    }

    @Test
    void failureRateFailsRetryablyAndReplaysTheSameWayForTheSameSeed() throws Exception {
        DemoAgentProvider flaky =
                new DemoAgentProvider(new DemoAgentSettings(Duration.ZERO, Duration.ZERO, 0.5, 7), d -> {});
        AgentHandler researcher = flaky.handlerFor("researcher", "researcher").orElseThrow();
        List<Boolean> outcomes = new ArrayList<>();
        for (int attempt = 1; attempt <= 20; attempt++) {
            AgentMessage task = AgentMessage.request("researcher", request("q"))
                    .taskId("t-1")
                    .build();
            try {
                run(researcher, task, attempt);
                outcomes.add(true);
            } catch (HandlerFailure e) {
                assertEquals("DEMO_FAILURE", e.failure().type());
                assertTrue(e.failure().retryable());
                outcomes.add(false);
            }
        }
        assertTrue(outcomes.contains(true) && outcomes.contains(false), outcomes.toString());

        List<Boolean> replay = new ArrayList<>();
        for (int attempt = 1; attempt <= 20; attempt++) {
            AgentMessage task = AgentMessage.request("researcher", request("q"))
                    .taskId("t-1")
                    .build();
            try {
                run(researcher, task, attempt);
                replay.add(true);
            } catch (HandlerFailure e) {
                replay.add(false);
            }
        }
        assertEquals(outcomes, replay, "same seed, task and attempt: same outcome");
    }

    @Test
    void delayIsDrawnFromTheConfiguredRangeAndReportedAsLatency() throws Exception {
        List<Duration> delays = new ArrayList<>();
        DemoAgentProvider paced = new DemoAgentProvider(
                new DemoAgentSettings(Duration.ofMillis(300), Duration.ofSeconds(1), 0.0, 42), delays::add);
        AgentHandler coder = paced.handlerFor("coder", "coder").orElseThrow();

        HandlerResult result = run(coder, request("Implement a queue"));

        assertEquals(1, delays.size());
        Duration delay = delays.get(0);
        assertTrue(
                delay.compareTo(Duration.ofMillis(300)) >= 0 && delay.compareTo(Duration.ofSeconds(1)) <= 0,
                delay.toString());
        assertEquals(delay.toMillis(), result.usage().latencyMs());
    }

    @Test
    void everyAgentReportsPlausibleFreeUsage() throws Exception {
        for (String type : List.of("planner", "researcher", "coder", "reviewer")) {
            HandlerResult result = run(agent(type), request("Design a job queue"));
            assertTrue(result.usage().tokensIn() > 0 && result.usage().tokensOut() > 0, type);
            assertEquals(0.0, result.usage().cost(), type);
            assertEquals("demo-" + type, result.usage().model());
        }
    }

    @Test
    void providerServesItsKindsUnderAnyAgentTypeAndNothingElse() {
        assertEquals(
                "planner", agents.handlerFor("planner", "planner").orElseThrow().agentType());
        assertEquals(
                "triage", agents.handlerFor("triage", "reviewer").orElseThrow().agentType());
        assertEquals("coder", agents.handlerFor("coder", null).orElseThrow().agentType());
        assertEquals(
                Optional.empty(), agents.handlerFor("coder", "llm"), "handler=llm hands the type to the LLM handler");
        assertEquals(Optional.empty(), agents.handlerFor("translator", "translator"));
    }

    @Test
    void settingsParseADelayRangeAndRejectBadValuesNamingTheKey() {
        DemoAgentSettings settings = DemoAgentSettings.from(key -> Optional.ofNullable(Map.of(
                        "fleet.demo-agents.delay",
                        "100ms..2s",
                        "fleet.demo-agents.failure-rate",
                        "0.25",
                        "fleet.demo-agents.seed",
                        "9")
                .get(key)));
        assertEquals(new DemoAgentSettings(Duration.ofMillis(100), Duration.ofSeconds(2), 0.25, 9), settings);
        assertEquals(DemoAgentSettings.DEFAULT, DemoAgentSettings.from(key -> Optional.empty()));
        assertEquals(
                Duration.ZERO,
                DemoAgentSettings.from(key -> key.endsWith("delay") ? Optional.of("0") : Optional.empty())
                        .maxDelay());

        FleetException rate = assertThrows(
                FleetException.class,
                () -> DemoAgentSettings.from(
                        key -> key.endsWith("failure-rate") ? Optional.of("2") : Optional.empty()));
        assertTrue(
                rate.getMessage().contains("fleet.demo-agents.failure-rate")
                        && rate.getMessage().contains("2"),
                rate.getMessage());
        FleetException delay = assertThrows(
                FleetException.class,
                () -> DemoAgentSettings.from(key -> key.endsWith("delay") ? Optional.of("2s..1s") : Optional.empty()));
        assertTrue(
                delay.getMessage().contains("fleet.demo-agents.delay")
                        && delay.getMessage().contains("2s..1s"),
                delay.getMessage());
    }

    private static ObjectNode reviewOf(ObjectNode artifact, int revision) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        ObjectNode input = content.putObject("input");
        input.set("output", artifact);
        input.put("revision", revision);
        return content;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    @Test
    void threeResearcherSamplesRecommendTwoToOneAndTheSameWayEveryTime() throws Exception {
        Map<String, Integer> votes = new java.util.HashMap<>();
        for (int index = 1; index <= 3; index++) {
            ObjectNode content = request(Map.of("question", "How should we rate limit our public API?"));
            content.putObject("sample").put("index", index).put("of", 3);
            String recommendation = run(agent("researcher"), content)
                    .output()
                    .path("recommendation")
                    .asText();
            assertTrue(ResearcherAgent.APPROACHES.contains(recommendation), recommendation);
            assertEquals(
                    recommendation,
                    run(agent("researcher"), content)
                            .output()
                            .path("recommendation")
                            .asText());
            votes.merge(recommendation, 1, Integer::sum);
        }
        assertEquals(List.of(1, 2), votes.values().stream().sorted().toList(), "one sample dissents: " + votes);
        String plain = run(agent("researcher"), request(Map.of("question", "How should we rate limit our public API?")))
                .output()
                .path("recommendation")
                .asText();
        assertEquals(2, votes.get(plain), "the majority is what an unsampled researcher recommends");
    }

    @Test
    void coderAddressesARejectingReviewAmongItsDependencies() throws Exception {
        ObjectNode content = request(Map.of("task", "Implement a token bucket limiter"));
        content.putObject("context")
                .putObject("review")
                .put("approved", false)
                .put("feedback", "Add unit tests for run_token_bucket()");
        ObjectNode output = run(agent("coder"), content).output();

        assertEquals(
                "Add unit tests for run_token_bucket()",
                output.path("addressedFeedback").asText());
        assertEquals(2, output.path("files").size(), "the module and its test file");
        assertTrue(run(agent("reviewer"), reviewOf(output, 1))
                .output()
                .path("approved")
                .asBoolean());
    }
}
