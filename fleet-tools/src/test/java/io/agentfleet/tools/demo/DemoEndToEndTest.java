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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code ./fleet demo} as a newcomer would — its own embedded Redis, the orchestrator and one worker process per
 * agent type — with {@code --kill-worker}, {@code --agent} (offline, and on the {@code llm} handler against a fake
 * provider) and {@code --team}, and once against a Redis Cluster given by one node's URL; each run must complete and
 * print its summary.
 */
class DemoEndToEndTest {
    /** A summary row whose attempts and revisions follow its state (the agent column is one word). */
    private static final String COUNTED_ROW = " +\\w+ +COMPLETED +\\d+ +\\d+";
    /** A summary row in COMPLETED state, whatever its agent column holds. */
    private static final String COMPLETED_ROW = " +\\S+ +COMPLETED ";

    @Test
    void demoRunsTheMultiAgentWorkflowToCompletionEvenWhenAWorkerIsKilled() throws Exception {
        String output = runDemo("demo-test.log", Map.of(), "--plain", "--embedded-redis", "--kill-worker");
        assertTrue(output.contains("started by the demo: redis-server-6"), "used the embedded Redis:\n" + output);
        assertTrue(output.contains("kill -9 of researcher-worker-1"), "killed a worker:\n" + output);
        assertRows(output, COUNTED_ROW, "plan", "research-1", "research-2", "research-3", "implement");
        assertTrue(output.contains("Final output:"), output);
        assertTrue(
                Pattern.compile("console +http://127\\.0\\.0\\.1:\\d+/ui/#/runs/\\w+")
                        .matcher(output)
                        .find(),
                "prints the run's console page:\n" + output);
    }

    /**
     * {@code ./fleet demo --agent} without a provider key: the deterministic model asks for both tools at once, then
     * reads the page the search found, then answers; every turn and tool call is a task of the run.
     */
    @Test
    void demoAgentRunsAToolUsingAgentLoopOffline() throws Exception {
        String output = runDemo(
                "demo-agent-test.log", Map.of(), "--plain", "--embedded-redis", "--agent", "--failure-rate", "0");
        assertTrue(output.contains("a tool-using agent loop, deterministic model"), output);
        assertRows(
                output,
                COMPLETED_ROW,
                "research",
                "research@t1",
                "research@t1@c0",
                "research@t1@c1",
                "research@t2",
                "research@t2@c0",
                "research@t3");
        assertTrue(output.contains("turn 1: 2 tool call(s)"), output);
        assertTrue(output.contains("Answer to"), "the model's final answer is the output:\n" + output);
    }

    /**
     * {@code ./fleet demo --agent} with a provider configured ({@code FLEET_LLM_BASE_URL}, as with a real key): the
     * {@code llm} type runs the real {@code llm} handler, here against an OpenAI-compatible fake on loopback that checks
     * each request's documented shape — the demo's path on a real provider, short of the provider itself.
     */
    @Test
    void demoAgentRunsTheLlmHandlerAgainstAnOpenAiCompatibleProvider() throws Exception {
        try (FakeProvider provider = FakeProvider.start().otherwise(DemoEndToEndTest::providerTurn)) {
            String output = runDemo(
                    "demo-agent-provider-test.log",
                    Map.of(
                            "OPENAI_API_KEY",
                            "sk-demo-test",
                            "FLEET_LLM_BASE_URL",
                            provider.openAiBase().toString()),
                    "--plain",
                    "--embedded-redis",
                    "--agent",
                    "--failure-rate",
                    "0");
            assertRows(output, COMPLETED_ROW, "research@t1", "research@t1@c0", "research@t1@c1", "research@t2");
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
        try (RedisCluster cluster = RedisCluster.start()) {
            String output = runDemo("demo-cluster-test.log", Map.of("REDIS_URL", cluster.uri()), "--plain");
            assertTrue(output.contains(cluster.uri() + " (from REDIS_URL)"), output);
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
        String output =
                runDemo("demo-team-test.log", Map.of(), "--plain", "--embedded-redis", "--team", "--failure-rate", "0");
        assertRows(
                output,
                COUNTED_ROW,
                "research-sample-1",
                "research-sample-2",
                "research-sample-3",
                "research",
                "implement",
                "review",
                "fix");
        assertTrue(Pattern.compile("(?m)^  ship +\\w+ +SKIPPED").matcher(output).find(), output);
        assertTrue(
                Pattern.compile("(?m)^  vote +research +\"[^\"]+\" won \\(3 of 3 samples succeeded: .* ×2, .* ×1\\)")
                        .matcher(output)
                        .find(),
                "the vote went 2 to 1:\n" + output);
        assertTrue(output.contains("skipped  ship           condition review/approved == true is false"), output);
        assertTrue(output.contains("Final output:"), output);
        assertTrue(output.contains("  [fix]"), output);
    }

    /**
     * Runs {@code ./fleet demo} as a process with {@code args}, no provider and the demo's own Redis unless {@code env}
     * says otherwise; returns its output once it exited 0 having printed a COMPLETED run.
     */
    private static String runDemo(String logName, Map<String, String> env, String... args) throws Exception {
        Path root = ProjectDirs.root();
        Map<String, String> environment = new HashMap<>(
                Map.of("REDIS_URL", "", "OPENAI_API_KEY", "", "ANTHROPIC_API_KEY", "", "FLEET_LLM_BASE_URL", ""));
        environment.putAll(env);
        JavaProcess.Builder builder = JavaProcess.builder(DemoMain.class)
                .sysProp("fleet.root", root.toString())
                .arg(args)
                .logTo(root.resolve("fleet-tools/target/" + logName));
        environment.forEach(builder::env);
        try (JavaProcess demo = builder.start()) {
            int exit = demo.waitFor(Duration.ofMinutes(4));
            String output = demo.logText();
            assertEquals(0, exit, output);
            assertTrue(Pattern.compile("Run \\w+ COMPLETED in").matcher(output).find(), output);
            return output;
        }
    }

    /** Each of {@code tasks} has a summary row matching {@code row} after its id. */
    private static void assertRows(String output, String row, String... tasks) {
        for (String task : tasks) {
            assertTrue(
                    Pattern.compile("(?m)^  " + task + row).matcher(output).find(),
                    "summary row for " + task + ":\n" + output);
        }
    }
}
