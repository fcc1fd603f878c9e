package io.agentfleet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * The workflow calls against a stand-in orchestrator (a JDK HTTP server on loopback answering canned bodies) and a
 * real Redis for the run state. End-to-end tests against the real orchestrator live in fleet-tools (the service jars
 * are built after this module).
 */
class FleetClientWorkflowTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final String KEY = "s3cret-key-value";
    private static final String RUN = "01KAAAAAAAAAAAAAAAAAAAAAAA";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Canned(int status, String body, Map<String, String> headers) {}

    private final Map<String, Canned> answers = new ConcurrentHashMap<>();
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private HttpServer server;
    private FleetClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String key =
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            seen.put(
                    key + " authorization",
                    String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            seen.put(key + " body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Canned canned = answers.getOrDefault(
                    key, new Canned(404, "{\"error\":\"not_found\",\"reason\":\"no route\"}", Map.of()));
            canned.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = canned.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(canned.status(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        client = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .orchestratorUri("http://127.0.0.1:" + server.getAddress().getPort() + "/")
                .apiKey(KEY)
                .build());
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void typedBuilderProducesTheDocumentedRequestBody() throws Exception {
        ObjectNode input = JsonNodeFactory.instance.objectNode().put("topic", "streams");
        Workflow flow = Workflow.builder()
                .task("research", "researcher", input)
                .task("code", "coder", input, Workflow.dependsOn("research"))
                .task(Workflow.Task.of("notes", "researcher", null)
                        .withDependsOn(List.of("code"))
                        .withOptional(true)
                        .withTimeout(Duration.ofMinutes(5))
                        .withMaxAttempts(2))
                .maxSteps(20)
                .budget(200_000, 2.5)
                .deadline(Duration.ofMinutes(10))
                .build();
        assertEquals(MAPPER.readTree("""
                {"maxSteps":20,"budget":{"maxTokens":200000,"maxCost":2.5},"deadline":"PT10M","tasks":[
                  {"id":"research","agent":"researcher","input":{"topic":"streams"}},
                  {"id":"code","agent":"coder","input":{"topic":"streams"},"dependsOn":["research"]},
                  {"id":"notes","agent":"researcher","dependsOn":["code"],"optional":true,"timeout":"PT5M","maxAttempts":2}]}
                """), MAPPER.readTree(flow.toJson().toString()));
        assertThrows(IllegalArgumentException.class, () -> Workflow.builder().build());
    }

    @Test
    void aScheduledWorkflowCarriesItsDelayOrStartInstant() throws Exception {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        assertEquals(
                MAPPER.readTree("{\"delay\":\"PT1H\",\"tasks\":[{\"id\":\"a\",\"agent\":\"coder\",\"input\":{}}]}"),
                MAPPER.readTree(Workflow.builder()
                        .task("a", "coder", input)
                        .delay(Duration.ofHours(1))
                        .build()
                        .toJson()
                        .toString()));
        Instant at = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        assertEquals(
                at.toString(),
                Workflow.builder()
                        .task("a", "coder", input)
                        .runAt(at)
                        .build()
                        .toJson()
                        .get("runAt")
                        .asText());
        assertThrows(InvalidMessageException.class, () -> Workflow.builder().delay(Duration.ofSeconds(-1)));
    }

    @Test
    void submitPostsTheBodyWithTheBearerKeyAndReturnsTheRun() throws Exception {
        answers.put(
                "POST /v1/workflows",
                new Canned(
                        202,
                        "{\"runId\":\"" + RUN + "\",\"status\":\"RUNNING\",\"self\":\"/v1/runs/" + RUN
                                + "\",\"tasks\":1}",
                        Map.of()));
        Workflow flow = Workflow.builder()
                .task("a", "echo", JsonNodeFactory.instance.objectNode().put("x", 1))
                .build();

        RunHandle handle = client.workflows().submitWorkflow(flow);

        assertEquals(new RunHandle(RUN, "RUNNING", 1), handle);
        assertEquals("Bearer " + KEY, seen.get("POST /v1/workflows authorization"));
        assertEquals(MAPPER.readTree(flow.toJson().toString()), MAPPER.readTree(seen.get("POST /v1/workflows body")));
    }

    @Test
    void refusalsBecomeTypedExceptionsWithFieldAndReason() {
        Workflow flow = Workflow.builder().task("a", "echo", null).build();
        answers.put(
                "POST /v1/workflows",
                new Canned(
                        400,
                        "{\"error\":\"invalid_request\",\"field\":\"tasks[0].dependsOn\",\"reason\":\"dependency cycle: a -> b -> a\"}",
                        Map.of()));
        InvalidMessageException invalid = assertThrows(
                InvalidMessageException.class, () -> client.workflows().submitWorkflow(flow));
        assertEquals("tasks[0].dependsOn", invalid.field());
        assertEquals("dependency cycle: a -> b -> a", invalid.reason());

        answers.put(
                "POST /v1/workflows",
                new Canned(
                        413,
                        "{\"error\":\"payload_too_large\",\"field\":\"tasks[0].input\",\"reason\":\"is 300000 bytes\"}",
                        Map.of()));
        assertEquals(
                "tasks[0].input",
                assertThrows(
                                InvalidMessageException.class,
                                () -> client.workflows().submitWorkflow(flow))
                        .field());

        answers.put(
                "POST /v1/workflows",
                new Canned(
                        401,
                        "{\"error\":\"unauthorized\",\"field\":\"Authorization\",\"reason\":\"missing Bearer key\"}",
                        Map.of()));
        FleetAuthException unauthorized =
                assertThrows(FleetAuthException.class, () -> client.workflows().submitWorkflow(flow));
        assertEquals(401, unauthorized.status());
        assertEquals("unauthorized", unauthorized.error());

        answers.put(
                "POST /v1/workflows",
                new Canned(403, "{\"error\":\"forbidden\",\"reason\":\"unknown key\"}", Map.of()));
        FleetAuthException forbidden =
                assertThrows(FleetAuthException.class, () -> client.workflows().submitWorkflow(flow));
        assertEquals(403, forbidden.status());
        assertFalse(forbidden.getMessage().contains(KEY), forbidden.getMessage());

        answers.put(
                "POST /v1/workflows",
                new Canned(
                        429,
                        "{\"error\":\"rate_limited\",\"reason\":\"over 2000 requests per 1s\"}",
                        Map.of("Retry-After", "3")));
        RateLimitedException limited = assertThrows(
                RateLimitedException.class, () -> client.workflows().submitWorkflow(flow));
        assertEquals(Duration.ofSeconds(3), limited.retryAfter());
        assertEquals("rate_limited", limited.error());

        answers.put(
                "POST /v1/workflows",
                new Canned(429, "{\"error\":\"backpressure\",\"field\":\"agent\",\"reason\":\"full\"}", Map.of()));
        assertEquals(
                Duration.ofSeconds(1),
                assertThrows(
                                RateLimitedException.class,
                                () -> client.workflows().submitWorkflow(flow))
                        .retryAfter());

        answers.put("POST /v1/workflows", new Canned(502, "<html>bad gateway</html>", Map.of()));
        OrchestratorException other = assertThrows(
                OrchestratorException.class, () -> client.workflows().submitWorkflow(flow));
        assertEquals(502, other.status());
        assertTrue(other.getMessage().contains("bad gateway"), other.getMessage());
    }

    @Test
    void anUnreachableOrchestratorIsAnOrchestratorExceptionWithoutTheKey() {
        int port = server.getAddress().getPort();
        server.stop(0);
        OrchestratorException e = assertThrows(
                OrchestratorException.class,
                () -> client.workflows()
                        .submitWorkflow(
                                Workflow.builder().task("a", "echo", null).build()));
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
        assertFalse(client.options().toString().contains(KEY), client.options().toString());
        assertTrue(
                client.options().toString().contains("apiKey=***"),
                client.options().toString());
    }

    @Test
    void awaitRunWaitsForATerminalStatusInRedisThenReturnsTheView() {
        String view = "{\"runId\":\"" + RUN
                + "\",\"status\":\"COMPLETED\",\"usage\":{\"tokensIn\":3,\"tokensOut\":4,\"cost\":0.5},"
                + "\"tasks\":[{\"id\":\"a\",\"state\":\"COMPLETED\",\"output\":{\"n\":1}},{\"id\":\"b\",\"state\":\"COMPLETED\",\"output\":{\"n\":2}}]}";
        answers.put("GET /v1/runs/" + RUN, new Canned(200, view, Map.of()));
        String stateKey = StreamKeys.DEFAULT.runState(RUN);
        try (UnifiedJedis jedis = redis.client()) {
            jedis.hset(stateKey, "status", "RUNNING");
            RunTimeoutException timeout = assertThrows(
                    RunTimeoutException.class,
                    () -> client.workflows().awaitRun(new RunHandle(RUN, "RUNNING", 2), Duration.ofMillis(50)));
            assertEquals("RUNNING", timeout.lastStatus());
            assertNull(seen.get("GET /v1/runs/" + RUN + " authorization"), "no HTTP call while the run is running");

            jedis.hset(stateKey, "status", "COMPLETED");
            RunResult result = client.workflows().awaitRun(new RunHandle(RUN, "RUNNING", 2), Duration.ofSeconds(30));
            assertEquals("COMPLETED", result.status());
            assertEquals(1, result.output("a").get("n").asInt());
            assertEquals(2, result.output("b").get("n").asInt());
            assertEquals(new RunResult.Usage(3, 4, 0.5), result.usage());
            assertNull(result.error());
        }
    }

    @Test
    void aWorkflowUsersOwnClientSubmitsAndAwaitsWithTheOneOptionsType() {
        answers.put(
                "POST /v1/workflows",
                new Canned(202, "{\"runId\":\"" + RUN + "\",\"status\":\"RUNNING\",\"tasks\":1}", Map.of()));
        answers.put(
                "GET /v1/runs/" + RUN,
                new Canned(
                        200,
                        "{\"runId\":\"" + RUN + "\",\"status\":\"COMPLETED\",\"tasks\":[{\"id\":\"a\","
                                + "\"state\":\"COMPLETED\",\"output\":{\"n\":1}}]}",
                        Map.of()));
        try (UnifiedJedis jedis = redis.client();
                FleetWorkflowClient workflows = FleetWorkflowClient.connect(client.options())) {
            jedis.hset(StreamKeys.DEFAULT.runState(RUN), "status", "COMPLETED");
            RunHandle handle = workflows.submitWorkflow(
                    Workflow.builder().task("a", "echo", null).build());
            assertEquals(RUN, handle.runId());
            assertEquals(
                    1,
                    workflows
                            .awaitRun(handle, Duration.ofSeconds(30))
                            .output("a")
                            .get("n")
                            .asInt());
        }
        assertEquals(RUN, client.workflows().run(RUN).runId(), "the producer's view shares its connections");
    }

    @Test
    void awaitRunThrowsRunFailedWhenTheRunEndsOtherwise() {
        answers.put(
                "GET /v1/runs/" + RUN,
                new Canned(
                        200,
                        "{\"runId\":\"" + RUN + "\",\"status\":\"FAILED\","
                                + "\"error\":{\"task\":\"b\",\"reason\":\"NON_RETRYABLE_FAILURE\"},\"tasks\":[{\"id\":\"a\",\"state\":\"COMPLETED\","
                                + "\"output\":{\"n\":1}},{\"id\":\"b\",\"state\":\"FAILED\"}]}",
                        Map.of()));
        try (UnifiedJedis jedis = redis.client()) {
            jedis.hset(StreamKeys.DEFAULT.runState(RUN), "status", "FAILED");
        }
        RunFailedException failed = assertThrows(
                RunFailedException.class,
                () -> client.workflows().awaitRun(new RunHandle(RUN, "RUNNING", 2), Duration.ofSeconds(30)));
        assertEquals("FAILED", failed.status());
        assertTrue(failed.error().contains("NON_RETRYABLE_FAILURE"), failed.error());
        assertEquals(Map.of("a", "COMPLETED", "b", "FAILED"), failed.result().taskStates());
        assertEquals(1, failed.result().output("a").get("n").asInt());
    }

    @Test
    void workflowCallsNeedAnOrchestratorUri() {
        try (FleetClient redisOnly = FleetClient.connect(redis.uri())) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> redisOnly
                            .workflows()
                            .submitWorkflow(
                                    Workflow.builder().task("a", "echo", null).build()));
            assertTrue(e.getMessage().contains("orchestratorUri"), e.getMessage());
        }
    }

    @Test
    void badOrchestratorSettingsFailAtBuildWithoutEchoingTheKey() {
        assertThrows(
                IllegalArgumentException.class,
                () -> FleetClientOptions.builder().orchestratorUri("ftp://host").build());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FleetClientOptions.builder().apiKey("has space " + KEY).build());
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
    }
}
