package io.agentfleet.tools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisCluster;
import io.agentfleet.tools.testing.ProjectDirs;
import io.agentfleet.worker.llm.FakeProvider;
import io.agentfleet.worker.llm.FakeProvider.Call;
import io.agentfleet.worker.llm.FakeProvider.Received;
import io.agentfleet.worker.llm.FakeProvider.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code ./fleet demo} as a newcomer would — its own embedded Redis, the orchestrator and one worker process per
 * agent type — with {@code --kill-worker}, and checks the run completes and the summary is printed; and once against
 * a Redis Cluster given by one node's URL.
 */
class DemoEndToEndTest {

    @Test
    void demoRunsTheMultiAgentWorkflowToCompletionEvenWhenAWorkerIsKilled() throws Exception {
        Path root = ProjectDirs.root();
        Path log = root.resolve("fleet-tools/target/demo-test.log");
        try (JavaProcess demo = JavaProcess.builder(DemoMain.class)
                .sysProp("fleet.root", root.toString())
                .env("REDIS_URL", "")
                .env("OPENAI_API_KEY", "")
                .arg("--plain", "--embedded-redis", "--kill-worker")
                .logTo(log)
                .start()) {
            int exit = demo.waitFor(Duration.ofMinutes(4));
            String output = demo.logText();
            assertEquals(0, exit, output);
            assertTrue(output.contains("started by the demo: redis-server-6"), "used the embedded Redis:\n" + output);
            assertTrue(output.contains("kill -9 of researcher-worker-1"), "killed a worker:\n" + output);
            assertTrue(Pattern.compile("Run \\w+ COMPLETED in").matcher(output).find(), output);
            for (String task : new String[] {"plan", "research-1", "research-2", "research-3", "implement"}) {
                assertTrue(
                        Pattern.compile("(?m)^  " + task + " +\\w+ +COMPLETED +\\d+ +\\d+")
                                .matcher(output)
                                .find(),
                        "summary row for " + task + ":\n" + output);
            }
            assertTrue(output.contains("Final output:"), output);
            assertTrue(
                    Pattern.compile("console +http://127\\.0\\.0\\.1:\\d+/ui/#/runs/\\w+")
                            .matcher(output)
                            .find(),
                    "prints the run's console page:\n" + output);
        }
    }

    /**
     * {@code ./fleet demo --agent} without a provider key: the deterministic model asks for both tools at once, then
     * reads the page the search found, then answers; every turn and tool call is a task of the run.
     */
    @Test
    void demoAgentRunsAToolUsingAgentLoopOffline() throws Exception {
        Path root = ProjectDirs.root();
        Path log = root.resolve("fleet-tools/target/demo-agent-test.log");
        try (JavaProcess demo = JavaProcess.builder(DemoMain.class)
                .sysProp("fleet.root", root.toString())
                .env("REDIS_URL", "")
                .env("OPENAI_API_KEY", "")
                .env("ANTHROPIC_API_KEY", "")
                .env("FLEET_LLM_BASE_URL", "")
                .arg("--plain", "--embedded-redis", "--agent", "--failure-rate", "0")
                .logTo(log)
                .start()) {
            int exit = demo.waitFor(Duration.ofMinutes(4));
            String output = demo.logText();
            assertEquals(0, exit, output);
            assertTrue(output.contains("a tool-using agent loop, deterministic model"), output);
            assertTrue(Pattern.compile("Run \\w+ COMPLETED in").matcher(output).find(), output);
            for (String task : new String[] {
                "research",
                "research@t1",
                "research@t1@c0",
                "research@t1@c1",
                "research@t2",
                "research@t2@c0",
                "research@t3"
            }) {
                assertTrue(
                        Pattern.compile("(?m)^  " + task + " +\\S+ +COMPLETED ")
                                .matcher(output)
                                .find(),
                        "summary row for " + task + ":\n" + output);
            }
            assertTrue(output.contains("turn 1: 2 tool call(s)"), output);
            assertTrue(output.contains("Answer to"), "the model's final answer is the output:\n" + output);
        }
    }

    /**
     * {@code ./fleet demo --agent} with a provider configured ({@code FLEET_LLM_BASE_URL}, as with a real key): the
     * {@code llm} type runs the real {@code llm} handler, here against an OpenAI-compatible fake on loopback that checks
     * each request's documented shape — the demo's path on a real provider, short of the provider itself.
     */
    @Test
    void demoAgentRunsTheLlmHandlerAgainstAnOpenAiCompatibleProvider() throws Exception {
        Path root = ProjectDirs.root();
        Path log = root.resolve("fleet-tools/target/demo-agent-provider-test.log");
        try (FakeProvider provider = FakeProvider.start().otherwise(DemoEndToEndTest::providerTurn);
                JavaProcess demo = JavaProcess.builder(DemoMain.class)
                        .sysProp("fleet.root", root.toString())
                        .env("REDIS_URL", "")
                        .env("ANTHROPIC_API_KEY", "")
                        .env("OPENAI_API_KEY", "sk-demo-test")
                        .env("FLEET_LLM_BASE_URL", provider.openAiBase().toString())
                        .arg("--plain", "--embedded-redis", "--agent", "--failure-rate", "0")
                        .logTo(log)
                        .start()) {
            int exit = demo.waitFor(Duration.ofMinutes(4));
            String output = demo.logText();
            assertEquals(0, exit, output);
            assertTrue(Pattern.compile("Run \\w+ COMPLETED in").matcher(output).find(), output);
            for (String task : new String[] {"research@t1", "research@t1@c0", "research@t1@c1", "research@t2"}) {
                assertTrue(
                        Pattern.compile("(?m)^  " + task + " +\\S+ +COMPLETED ")
                                .matcher(output)
                                .find(),
                        "summary row for " + task + ":\n" + output);
            }
            assertTrue(output.contains("a token bucket per API key"), "the model's answer is the output:\n" + output);
            assertEquals(List.of(), provider.violations());
            assertEquals(2, provider.received().size(), "one request per turn");
            assertTrue(provider.received().get(1).body().contains("ex-search-1"), "turn 2 carries the tool results");
        }
    }

    /** Turn 1 asks for both demo tools at once; turn 2, with their results, answers. */
    private static Reply providerTurn(Received request) {
        long assistants = 0;
        for (JsonNode message : request.json().path("messages")) {
            if (message.path("role").asText().equals("assistant")) {
                assistants++;
            }
        }
        return assistants == 0
                ? Reply.toolCalls(
                        new Call("ex-search-1", "search", "{\"query\":\"rate limiting public APIs\"}"),
                        new Call("ex-read-1", "read_url", "{\"url\":\"https://example.com/rate-limits\"}"))
                : Reply.answer("a token bucket per API key");
    }

    /**
     * {@code REDIS_URL=<one node of a cluster> ./fleet demo}: the services detect the cluster from one node, the
     * planner's, researchers' … streams live on different primaries, and the run completes.
     */
    @Test
    void demoCompletesOnARedisClusterGivenOneNodesUrl() throws Exception {
        Path root = ProjectDirs.root();
        Path log = root.resolve("fleet-tools/target/demo-cluster-test.log");
        try (RedisCluster cluster = RedisCluster.start();
                JavaProcess demo = JavaProcess.builder(DemoMain.class)
                        .sysProp("fleet.root", root.toString())
                        .env("REDIS_URL", cluster.uri())
                        .env("OPENAI_API_KEY", "")
                        .arg("--plain")
                        .logTo(log)
                        .start()) {
            int exit = demo.waitFor(Duration.ofMinutes(4));
            String output = demo.logText();
            assertEquals(0, exit, output);
            assertTrue(output.contains(cluster.uri() + " (from REDIS_URL)"), output);
            assertTrue(Pattern.compile("Run \\w+ COMPLETED in").matcher(output).find(), output);
            Set<Integer> primaries = new HashSet<>();
            for (String agent : DemoMain.AGENTS) {
                primaries.add(
                        cluster.primaryForKey("fleet:{" + agent + "}:tasks").port());
            }
            assertTrue(primaries.size() > 1, "the demo's agent types span several primaries: " + primaries);
        }
    }

    /**
     * {@code ./fleet demo --team}: three researcher samples vote 2 to 1 on a recommendation, the reviewer rejects the
     * first implementation, and that verdict routes the run to fix and skips ship. Without simulated failures, so that
     * every sample votes.
     */
    @Test
    void teamDemoVotesAmongThreeResearchersAndTheReviewersVerdictRoutesTheGraph() throws Exception {
        Path root = ProjectDirs.root();
        Path log = root.resolve("fleet-tools/target/demo-team-test.log");
        try (JavaProcess demo = JavaProcess.builder(DemoMain.class)
                .sysProp("fleet.root", root.toString())
                .env("REDIS_URL", "")
                .env("OPENAI_API_KEY", "")
                .arg("--plain", "--embedded-redis", "--team", "--failure-rate", "0")
                .logTo(log)
                .start()) {
            int exit = demo.waitFor(Duration.ofMinutes(4));
            String output = demo.logText();
            assertEquals(0, exit, output);
            assertTrue(Pattern.compile("Run \\w+ COMPLETED in").matcher(output).find(), output);
            for (String task : new String[] {
                "research-sample-1", "research-sample-2", "research-sample-3", "research", "implement", "review", "fix"
            }) {
                assertTrue(
                        Pattern.compile("(?m)^  " + task + " +\\w+ +COMPLETED +\\d+ +\\d+")
                                .matcher(output)
                                .find(),
                        "summary row for " + task + ":\n" + output);
            }
            assertTrue(
                    Pattern.compile("(?m)^  ship +\\w+ +SKIPPED")
                            .matcher(output)
                            .find(),
                    output);
            assertTrue(
                    Pattern.compile(
                                    "(?m)^  vote +research +\"[^\"]+\" won \\(3 of 3 samples succeeded: .* ×2, .* ×1\\)")
                            .matcher(output)
                            .find(),
                    "the vote went 2 to 1:\n" + output);
            assertTrue(output.contains("skipped  ship           condition review/approved == true is false"), output);
            assertTrue(output.contains("Final output:"), output);
            assertTrue(output.contains("  [fix]"), output);
        }
    }
}
