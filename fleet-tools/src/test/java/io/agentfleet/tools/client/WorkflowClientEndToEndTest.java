package io.agentfleet.tools.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetAuthException;
import io.agentfleet.client.FleetClientOptions;
import io.agentfleet.client.FleetWorkflowClient;
import io.agentfleet.client.RunFailedException;
import io.agentfleet.client.RunHandle;
import io.agentfleet.client.RunResult;
import io.agentfleet.client.Workflow;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.tools.testing.ProjectDirs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link FleetWorkflowClient#submitWorkflow} and {@link FleetWorkflowClient#awaitRun} against the real services: a Redis, an
 * orchestrator process and a worker process serving the built-in {@code echo} and {@code fail} handlers. Lives in
 * fleet-tools because the service jars are built after fleet-client.
 */
class WorkflowClientEndToEndTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.owned().flushBeforeEach(false);

    private static final String API_KEY = "e2e-" + Long.toHexString(System.nanoTime());
    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private static JavaProcess orchestrator;
    private static JavaProcess worker;
    private static String orchestratorUri;
    private FleetWorkflowClient client;

    @BeforeAll
    static void startServices() throws IOException {
        Path root = ProjectDirs.root();
        Path logs = Files.createDirectories(root.resolve("fleet-tools/target/workflow-client-e2e"));
        // Logs are appended to: an old "Startup completed" must not pass for this run's.
        Files.deleteIfExists(logs.resolve("orchestrator.log"));
        Files.deleteIfExists(logs.resolve("worker.log"));
        int port = freePort();
        orchestratorUri = "http://127.0.0.1:" + port;
        orchestrator = JavaProcess.builder("io.agentfleet.orchestrator.OrchestratorApplication")
                .classPath(root.resolve("orchestrator-service/target/orchestrator-service.jar")
                        .toString())
                .jvmArg("-Xmx256m", "-XX:TieredStopAtLevel=1")
                .env("REDIS_URL", redis.uri())
                .env("MICRONAUT_SERVER_PORT", Integer.toString(port))
                .env("FLEET_API_KEYS_PLAIN", "test:" + API_KEY)
                // Known before the worker registers them, so the first submission need not wait for it.
                .env("FLEET_ORCHESTRATOR_ALLOWED_AGENTS", "echo,fail")
                .logTo(logs.resolve("orchestrator.log"))
                .start();
        worker = JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                .classPath(
                        root.resolve("worker-service/target/worker-service.jar").toString())
                .jvmArg("-Xmx256m", "-XX:TieredStopAtLevel=1")
                .env("REDIS_URL", redis.uri())
                .env("FLEET_AGENTS", "echo,fail")
                .env("MICRONAUT_SERVER_PORT", "-1")
                .logTo(logs.resolve("worker.log"))
                .start();
        orchestrator.awaitLog("Startup completed", STARTUP);
        worker.awaitLog("reading fleet:{echo}:tasks", STARTUP);
        worker.awaitLog("reading fleet:{fail}:tasks", STARTUP);
    }

    @AfterAll
    static void stopServices() {
        if (worker != null) {
            worker.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @BeforeEach
    void connect() {
        client = FleetWorkflowClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .orchestratorUri(orchestratorUri)
                .apiKey(API_KEY)
                .build());
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void aTwoTaskEchoChainCompletesWithEachTaskOutput() {
        ObjectNode input = JsonNodeFactory.instance.objectNode().put("word", "hello");
        RunHandle run = client.submitWorkflow(Workflow.builder()
                .task("first", "echo", input)
                .task(
                        "second",
                        "echo",
                        JsonNodeFactory.instance.objectNode().put("word", "world"),
                        Workflow.dependsOn("first"))
                .maxSteps(5)
                .build());
        assertEquals(2, run.tasks());

        RunResult result = client.awaitRun(run, GENEROUS);

        assertEquals("COMPLETED", result.status());
        JsonNode first = result.output("first");
        assertEquals("hello", first.path("input").path("word").asText(), first.toString());
        JsonNode second = result.output("second");
        assertEquals("world", second.path("input").path("word").asText(), second.toString());
        assertEquals(
                "hello",
                second.path("context").path("first").path("input").path("word").asText(),
                "the dependent task received its dependency's output: " + second);
    }

    @Test
    void aDependencyCycleIsRefusedNamingTheCycle() {
        Workflow cyclic = Workflow.builder()
                .task("a", "echo", null, Workflow.dependsOn("c"))
                .task("b", "echo", null, Workflow.dependsOn("a"))
                .task("c", "echo", null, Workflow.dependsOn("b"))
                .build();

        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> client.submitWorkflow(cyclic));

        assertTrue(e.field().contains("dependsOn"), e.field());
        assertTrue(e.reason().contains("cycle"), e.reason());
        for (String task : new String[] {"a", "b", "c"}) {
            assertTrue(e.reason().matches(".*\\b" + task + "\\b.*"), "names " + task + ": " + e.reason());
        }
    }

    @Test
    void aWrongOrMissingApiKeyIsAnAuthFailureThatNeverShowsTheKey() {
        Workflow flow = Workflow.builder().task("a", "echo", null).build();
        try (FleetWorkflowClient wrong = FleetWorkflowClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .orchestratorUri(orchestratorUri)
                .apiKey("not-the-key-42")
                .build())) {
            FleetAuthException e = assertThrows(FleetAuthException.class, () -> wrong.submitWorkflow(flow));
            assertEquals(403, e.status());
            assertFalse(e.getMessage().contains("not-the-key-42"), e.getMessage());
        }
        try (FleetWorkflowClient none = FleetWorkflowClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .orchestratorUri(orchestratorUri)
                .build())) {
            assertEquals(
                    401,
                    assertThrows(FleetAuthException.class, () -> none.submitWorkflow(flow))
                            .status());
        }
    }

    @Test
    void aRunWhoseTaskIsDeadLetteredFailsWithItsError() {
        RunHandle run = client.submitWorkflow(Workflow.builder()
                .task("ok", "echo", JsonNodeFactory.instance.objectNode().put("word", "fine"))
                .task(
                        "boom",
                        "fail",
                        JsonNodeFactory.instance.objectNode().put("mode", "permanent"),
                        Workflow.dependsOn("ok"))
                .build());

        RunFailedException e = assertThrows(RunFailedException.class, () -> client.awaitRun(run, GENEROUS));

        assertEquals("FAILED", e.status());
        assertEquals("FAILED", e.result().taskStates().get("boom"));
        assertEquals("COMPLETED", e.result().taskStates().get("ok"));
        assertTrue(
                e.result().output("ok") != null,
                "the completed task's output is kept: " + e.result().view());
        assertTrue(e.error() != null && e.error().contains("boom"), "the error names the failed task: " + e.error());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
